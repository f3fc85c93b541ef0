"""People: the disabled person an application is about, and their identity –
ID numbers (checking, masking, the blind index for look-up), encryption at rest, phone numbers."""
