"""Webhooks: partners' URLs that receive signed events as background jobs (docs/API.md)."""
