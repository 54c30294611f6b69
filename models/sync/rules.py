"""How each field of the team's records merges on the server, stated once for server and
laptop: by base value (a conflict where two people changed it differently) unless listed here.
"""

from __future__ import annotations

from models import complaint_lifecycle, complaints, service_log
from models.schema import BY_KIND, SYNCED_KINDS


def _columns(kind: str, names: tuple[str, ...]) -> tuple[str, ...]:
    fields = BY_KIND[kind]._meta.fields
    return tuple(fields[name].column_name for name in names)


# The last push wins: when a record was last saved, and what every laptop derives again.
LATEST_FIELDS: dict[str, tuple[str, ...]] = dict.fromkeys(SYNCED_KINDS, ("updated_at",))
LATEST_FIELDS["service_request"] += _columns("service_request", service_log.DERIVED_FIELDS)
LATEST_FIELDS["complaint"] += _columns("complaint", complaint_lifecycle.DERIVED_FIELDS)
LATEST_FIELDS["settings"] += ("holidays_seeded_through",)

# Seen only by members who may read confidential complaints, where the complaint is one: its
# details, its timeline's words, and what its audit entries say. The server keeps them apart,
# under row-level security.
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "complaint": _columns("complaint", complaints.CONFIDENTIAL_FIELDS),
    "complaint_event": _columns("complaint_event", complaints.CONFIDENTIAL_EVENT_FIELDS),
    "audit_entry": ("old_value", "new_value"),
}

# Removed outright rather than deleted softly: links between records, and closures (a bank
# holiday the region no longer has). Anything else a push says is gone is refused.
REMOVABLE_KINDS = ("feedback_code", "agreement_service", "agreement_standard", "closure")
