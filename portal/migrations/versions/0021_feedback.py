"""feedback: ratings (好差评) and their invitations, 差评 follow-ups, page votes, questions

Ratings are append-only: on PostgreSQL a trigger refuses any UPDATE or DELETE of a rating row
(the ORM refuses too, portal/ratings/models.py); TRUNCATE (the test set-up) is not a row
operation. SQLite relies on the ORM (its test set-up deletes rows between tests).

Revision ID: 0021_feedback
Revises: 0020_review (helpers make 0019 and 0020; the lead re-chains at merge)
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_feedback"
down_revision = "0020_review"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_kind", sa.String(30), nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("rater_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("programme", sa.String(40)),
        sa.Column("office_role", sa.String(30), nullable=False),
        sa.Column("street", sa.String(40)),
        sa.Column("created_at", _TZ, nullable=False),
        sa.UniqueConstraint("event_kind", "event_id", "revision", name="uq_rating_revision"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_rating_level"),
    )
    op.create_index("ix_rating_event", "rating", ["event_kind", "event_id"])
    op.create_index("ix_rating_rater_account_id", "rating", ["rater_account_id"])
    op.create_table(
        "rating_invitation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_kind", sa.String(30), nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("used_at", _TZ),
        sa.UniqueConstraint("event_kind", "event_id", name="uq_rating_invitation"),
    )
    op.create_table(
        "rating_follow_up",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rating_id", sa.Integer, sa.ForeignKey("rating.id"), nullable=False),
        sa.Column("event_kind", sa.String(30), nullable=False),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("rater_account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("programme", sa.String(40)),
        sa.Column("office_role", sa.String(30), nullable=False),
        sa.Column("street", sa.String(40)),
        sa.Column("opened_at", _TZ, nullable=False),
        sa.Column("call_back_due_at", _TZ, nullable=False),
        sa.Column("due_at", _TZ, nullable=False),
        sa.Column("contacted_at", _TZ),
        sa.Column("contact_method", sa.String(20)),
        sa.Column("finding", sa.Text),
        sa.Column("outcome", sa.String(20)),
        sa.Column("action_taken", sa.Text),
        sa.Column("message_to_rater", sa.Text),
        sa.Column("closed_at", _TZ),
        sa.Column("closed_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.UniqueConstraint("event_kind", "event_id", name="uq_rating_follow_up_event"),
    )
    op.create_index("ix_rating_follow_up_open", "rating_follow_up", ["closed_at", "due_at"])
    op.create_table(
        "page_vote",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("page", sa.String(60), nullable=False),
        sa.Column("useful", sa.Boolean, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_index("ix_page_vote_page", "page_vote", ["page", "useful"])
    op.create_table(
        "question",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("token_sealed", sa.Text, nullable=False),
        sa.Column("asker_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("about", sa.String(20), nullable=False),
        sa.Column("programme", sa.String(40)),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("application.id")),
        sa.Column("street", sa.String(40)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("phone_encrypted", sa.Text),
        sa.Column("locale", sa.String(12), nullable=False),
        sa.Column("video_name", sa.String(64)),
        sa.Column("video_type", sa.String(20)),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("due_at", _TZ, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column("answered_at", _TZ),
        sa.Column("answered_by_account_id", sa.Integer, sa.ForeignKey("account.id")),
        sa.Column("answered_by_role", sa.String(30)),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("published_question", sa.Text),
        sa.Column("published_answer", sa.Text),
    )
    op.create_index("ix_question_asker_account_id", "question", ["asker_account_id"])
    op.create_index("ix_question_application_id", "question", ["application_id"])
    op.create_index("ix_question_queue", "question", ["answered_at", "due_at", "id"])
    op.create_index("ix_question_published", "question", ["programme", "published"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION rating_is_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'rating rows cannot be changed or deleted (%)', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$
        """)
        op.execute("""
            CREATE TRIGGER rating_append_only BEFORE UPDATE OR DELETE ON rating
            FOR EACH ROW EXECUTE FUNCTION rating_is_append_only()
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS rating_append_only ON rating")
        op.execute("DROP FUNCTION IF EXISTS rating_is_append_only()")
    op.drop_table("question")
    op.drop_table("page_vote")
    op.drop_table("rating_follow_up")
    op.drop_table("rating_invitation")
    op.drop_table("rating")
