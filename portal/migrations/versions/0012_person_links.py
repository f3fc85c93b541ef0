"""trust: a person's records through proven links, not a typed ID number

- `person_link`: an account proven to be a person ("self": a code texted to the phone on
  record, or staff at the counter) or recorded by staff as their legal guardian.
- `account.person_id` goes. It was set the first time an account applied "for myself" with an
  ID number – proof of nothing – so no link is carried over: people prove it again (the
  "我的申请" page offers it), and until then each account sees what it submitted itself.
- `access_grant` names the family member by mobile number (`grantee_phone`) instead of an
  account, so granting never tells whether a number is registered. A grant counts only while
  whoever made it holds a proven link to the person; older grants are kept and count again once
  their granter has proven the link.

Downgrade restores the columns (links with role "self" become `account.person_id` again;
grants to numbers without an account are dropped).

Revision ID: 0012_person_links
Revises: 0011_audit_chain
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_person_links"
down_revision = "0011_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("proven_by", sa.String(length=10), nullable=False),
        sa.Column("confirmed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_person_link_account_id_account")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_person_link_person_id_person")),
        sa.ForeignKeyConstraint(["confirmed_by_account_id"], ["account.id"],
                                name=op.f("fk_person_link_confirmed_by_account_id_account")),
        sa.ForeignKeyConstraint(["ended_by_account_id"], ["account.id"],
                                name=op.f("fk_person_link_ended_by_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_link")),
    )
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_link_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_person_link_person_id"), ["person_id"])
    op.create_index("uq_person_link_active", "person_link", ["account_id", "person_id"],
                    unique=True, sqlite_where=sa.text("ended_at IS NULL"),
                    postgresql_where=sa.text("ended_at IS NULL"))

    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grantee_phone", sa.String(length=20), nullable=True))
    bind = op.get_bind()
    grant = sa.table("access_grant", sa.column("id", sa.Integer),
                     sa.column("grantee_account_id", sa.Integer),
                     sa.column("grantee_phone", sa.String))
    account = sa.table("account", sa.column("id", sa.Integer), sa.column("phone", sa.String))
    bind.execute(grant.update().values(grantee_phone=sa.select(account.c.phone).where(
        account.c.id == grant.c.grantee_account_id).scalar_subquery()))
    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.alter_column("grantee_phone", existing_type=sa.String(length=20),
                              nullable=False)
        batch_op.drop_index(batch_op.f("ix_access_grant_grantee_account_id"))
        batch_op.drop_constraint("fk_access_grant_grantee_account_id_account",
                                 type_="foreignkey")
        batch_op.drop_column("grantee_account_id")
        batch_op.create_index(batch_op.f("ix_access_grant_grantee_phone"), ["grantee_phone"])
    op.create_index("uq_access_grant_active", "access_grant", ["person_id", "grantee_phone"],
                    unique=True, sqlite_where=sa.text("revoked_at IS NULL"),
                    postgresql_where=sa.text("revoked_at IS NULL"))

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint("fk_account_person_id_person", type_="foreignkey")
        batch_op.drop_column("person_id")


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_account_person_id_person", "person",
                                    ["person_id"], ["id"])
    account = sa.table("account", sa.column("id", sa.Integer), sa.column("phone", sa.String),
                       sa.column("person_id", sa.Integer))
    link = sa.table("person_link", sa.column("account_id", sa.Integer),
                    sa.column("person_id", sa.Integer), sa.column("role", sa.String),
                    sa.column("ended_at", sa.DateTime))
    bind.execute(account.update().values(person_id=sa.select(link.c.person_id).where(
        link.c.account_id == account.c.id, link.c.role == "self",
        link.c.ended_at.is_(None)).limit(1).scalar_subquery()))

    op.drop_index("uq_access_grant_active", table_name="access_grant")
    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grantee_account_id", sa.Integer(), nullable=True))
    grant = sa.table("access_grant", sa.column("grantee_account_id", sa.Integer),
                     sa.column("grantee_phone", sa.String))
    bind.execute(grant.update().values(grantee_account_id=sa.select(account.c.id).where(
        account.c.phone == grant.c.grantee_phone).scalar_subquery()))
    bind.execute(grant.delete().where(grant.c.grantee_account_id.is_(None)))
    with op.batch_alter_table("access_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_grant_grantee_phone"))
        batch_op.drop_column("grantee_phone")
        batch_op.alter_column("grantee_account_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_access_grant_grantee_account_id_account", "account",
                                    ["grantee_account_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_access_grant_grantee_account_id"),
                              ["grantee_account_id"])

    op.drop_index("uq_person_link_active", table_name="person_link")
    with op.batch_alter_table("person_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_link_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_link_account_id"))
    op.drop_table("person_link")
