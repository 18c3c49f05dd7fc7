"""The patients' and websites' side's tables, one module per capability,
all re-exported here (`from testimonials.models import Testimonial`).

- `consent_texts`: the consent text patients agree to.
- `places`: organisations, their locations and clinicians.
- `topics`: topics and their typical-results statements.
- `invitations`: one-use links asking for a story.
- `delivery`: what the email provider said of an outbox row's email.
- `stories`: the story, its status and the audit trail of its changes.
- `media`: the photo, video or audio sent with a story.
- `authorizations`: a patient's authorization, its notices and requests.
- `publishing`: the changes feed.
- `sites`: websites, their webhook endpoints and deliveries.
- `portability`: data exports.
- `visits`: visits from a practice system, their asks and the opt-outs.
"""

from testimonials.models.authorizations import (
    CHANNEL_FIELDS,
    Authorization,
    AuthorizationBasis,
    AuthorizationRequest,
    ConsentNotice,
    NoticeKind,
    Revocation,
    SignatureMethod,
    SignerRole,
)
from testimonials.models.consent_texts import (
    DEFAULT_CONDITIONING_STATEMENT,
    DEFAULT_DISCLOSER,
    DEFAULT_PURPOSE,
    DEFAULT_REDISCLOSURE_STATEMENT,
    DEFAULT_REVOCATION_STATEMENT,
    ConsentText,
)
from testimonials.models.delivery import DeliveryTracked, EmailDeliveryStatus
from testimonials.models.invitations import (
    Invitation,
)
from testimonials.models.media import MediaKind, MediaStatus, StoryMedia
from testimonials.models.places import (
    Clinician,
    Location,
    Organisation,
    SettingsOverrides,
    sole_location,
    sole_organisation_id,
)
from testimonials.models.portability import (
    DataExport,
    ExportScope,
)
from testimonials.models.publishing import (
    PublicationChange,
    PublicationEvent,
)
from testimonials.models.publishing_modes import PublishingMode
from testimonials.models.sites import (
    DeliveryStatus,
    Site,
    WebhookDelivery,
    WebhookEndpoint,
    new_webhook_secret,
    validate_events,
    validate_origins,
    validate_webhook_url,
)
from testimonials.models.stories import (
    ALL_CHANNELS_KEY,
    DISPLAY_ORDER,
    Channel,
    DisplayPreference,
    MaterialConnection,
    RejectionReason,
    Status,
    StatusChange,
    Testimonial,
    channels_key,
    display_name_for,
    place_of_topic,
)
from testimonials.models.topics import (
    Topic,
    TypicalResultsStatement,
    default_topic_languages,
)
from testimonials.models.visits import (
    Ask,
    AskStatus,
    AskText,
    IntegrationKey,
    OptOutSource,
    PatientOptOut,
    Visit,
    VisitStatus,
)

__all__ = [
    "ALL_CHANNELS_KEY",
    "CHANNEL_FIELDS",
    "DEFAULT_CONDITIONING_STATEMENT",
    "DEFAULT_DISCLOSER",
    "DEFAULT_PURPOSE",
    "DEFAULT_REDISCLOSURE_STATEMENT",
    "DEFAULT_REVOCATION_STATEMENT",
    "DISPLAY_ORDER",
    "Ask",
    "AskStatus",
    "AskText",
    "Authorization",
    "AuthorizationBasis",
    "AuthorizationRequest",
    "Channel",
    "Clinician",
    "ConsentNotice",
    "ConsentText",
    "DataExport",
    "DeliveryStatus",
    "DeliveryTracked",
    "DisplayPreference",
    "EmailDeliveryStatus",
    "ExportScope",
    "IntegrationKey",
    "Invitation",
    "Location",
    "MaterialConnection",
    "MediaKind",
    "MediaStatus",
    "NoticeKind",
    "OptOutSource",
    "Organisation",
    "PatientOptOut",
    "PublicationChange",
    "PublicationEvent",
    "PublishingMode",
    "RejectionReason",
    "Revocation",
    "SettingsOverrides",
    "SignatureMethod",
    "SignerRole",
    "Site",
    "Status",
    "StatusChange",
    "StoryMedia",
    "Testimonial",
    "Topic",
    "TypicalResultsStatement",
    "Visit",
    "VisitStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "channels_key",
    "default_topic_languages",
    "display_name_for",
    "new_webhook_secret",
    "place_of_topic",
    "sole_location",
    "sole_organisation_id",
    "validate_events",
    "validate_origins",
    "validate_webhook_url",
]
