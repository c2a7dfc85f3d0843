"""Production operations: systemd notification, metrics and health endpoints, doctor checks."""
