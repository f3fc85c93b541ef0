"""Messages: the outbox, the text messages the portal sends (their words, in one place),
and the SMS backends."""
