"""Receivers, the wire protocol, signing (and, later, the outbox, delivery and publish)."""
