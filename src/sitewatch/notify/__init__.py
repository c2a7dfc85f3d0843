"""Notifications: compose redacted e-mail, keep it in the outbox, deliver it at least once."""
