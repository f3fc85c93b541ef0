"""Messages waiting to be sent (SMS); a worker delivers them, with retries.

A message that carries a one-time code never stores it readable: `body` holds the text with
CODE_MASK where the code goes, and `sealed_code` the code encrypted (portal.people.crypto)
until it is delivered, fails for good, or expires (`code_expires_at`) – then it is removed
(portal.messages.outbox.purge_codes). Only the sender ever puts the two together.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.database.columns import created_at_column, utcnow
from portal.extensions import db
from portal.languages import DEFAULT_LOCALE

CODE_MASK = "******"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),
                      Index("ix_outbox_message_provider_id", "provider", "provider_message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    recipient: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(12), default=DEFAULT_LOCALE)
    body: Mapped[str] = mapped_column(Text)       # a code in it is always CODE_MASK
    # The template (portal.messages.templates): what a provider backend sends. A code in the
    # params is always CODE_MASK too.
    kind: Mapped[str | None] = mapped_column(String(60))
    params: Mapped[dict | None] = mapped_column(JSON)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    # pending | sent (the gateway took it) | delivered (its receipt said so) | failed
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The gateway that took it and its id for the message (阿里云 BizId, 腾讯云 SerialNo): a
    # delivery receipt names it (portal.messages.receipts).
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sealed_code: Mapped[str | None] = mapped_column(String(255))
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def text(self) -> str:
        """What a backend sends: the readable text while the message is being delivered
        (set by the sender, never stored), else the stored body."""
        return self.__dict__.get("_readable_text") or self.body
    created_at: Mapped[datetime] = created_at_column()
