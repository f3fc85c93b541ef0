"""Delivery receipts pushed by the cloud SMS gateways (portal.messages.receipts)."""
