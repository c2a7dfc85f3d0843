"""incidents mailed at once are not digest material

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:40:00

Since this revision an incident whose first message went out at once gets
``digest_sent_at`` set when it is filed, so the daily-digest query (run on every pass
once the digest hour is reached) no longer loads every open incident ever mailed. This
marks the incidents filed before it the same way. Data only; the downgrade keeps the
marks (they are correct under the old code too: such incidents were never digested).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE incidents SET digest_sent_at = created_at "
        "WHERE digest_sent_at IS NULL AND EXISTS ("
        "SELECT 1 FROM outbox WHERE outbox.incident_id = incidents.id AND outbox.kind = 'new')"
    )


def downgrade() -> None:
    pass
