"""Sites: the websites that show our stories.

- `site_keys`: issuing, rotating, revoking API keys; finding a key's site.
- `authentication`: a request's key, for the REST framework.
- `webhooks`: signing, the address check, one POST.
- `webhook_delivery`: delivering a webhook row, leased, with retries.
"""
