"""Sites: the websites that show our stories, their API keys and webhooks."""
