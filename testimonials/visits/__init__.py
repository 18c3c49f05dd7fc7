"""Visits from a practice system and the ask that goes out by itself.

`integration_keys` issues the practice system's keys and `authentication`
reads them (on the visits endpoint only); `contacts` normalises and hashes a
patient's email and phone; `inputs` checks a visit's fields (the API's and
a CSV row's alike); `intake` records a visit and schedules its ask
(`scheduling`: the delay and the quiet hours); `uploads` reads a day's
visits from a CSV file uploaded in the admin; `erasure` erases a patient's
contacts from their visits and asks; `asks` sends the asks that
are due as invitations; `opt_outs` keeps the patients who asked not to be
asked again; `sms` is the texts' backend interface, `texts` sends an ask's
text and `replies` acts on STOP and HELP; `fhir` reads a FHIR R4 Encounter
as the same visit input; `apis`, `fhir_api`, `inbound_sms_api` and
`unsubscribe_page` are the views.
"""
