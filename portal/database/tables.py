"""Every table of the portal, gathered so that Alembic (autogenerate) and `db.create_all()` see
them all. Each table belongs to its domain package's `models.py`; import it from there."""
from portal.accounts import models as accounts  # noqa: F401
from portal.applications import models as applications  # noqa: F401
from portal.audit import models as audit  # noqa: F401
from portal.benefits import models as benefits  # noqa: F401
from portal.changes import models as changes  # noqa: F401
from portal.content import models as content  # noqa: F401
from portal.messages import models as messages  # noqa: F401
from portal.people import models as people  # noqa: F401
from portal.questions import models as questions  # noqa: F401
from portal.ratings import models as ratings  # noqa: F401
from portal.registries import models as registries  # noqa: F401
from portal.retention import models as retention  # noqa: F401
from portal.unified_identity import models as unified_identity  # noqa: F401
