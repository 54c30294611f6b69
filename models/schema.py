"""Every table of Rapport, in the order they can be created."""

from __future__ import annotations

from models.audit import AuditEntry
from models.catalogue import Agreement, AgreementService, AgreementStandard, Service, Standard
from models.complaints import Complaint, ComplaintEvent
from models.feedback import Code, Feedback, FeedbackCode
from models.import_mappings import ImportMapping
from models.improvements import ImprovementAction
from models.organisation import Closure, Settings
from models.register import Customer, Department
from models.service_log import ServiceRequest
from models.sync.tables import SYNC_MODELS
from models.team import Member

ALL_MODELS = (
    Settings,
    Closure,
    Department,
    Customer,
    Service,
    Standard,
    Agreement,
    AgreementService,
    AgreementStandard,
    ServiceRequest,
    Complaint,
    ComplaintEvent,
    Code,
    Feedback,
    FeedbackCode,
    ImprovementAction,
    ImportMapping,
    Member,
    AuditEntry,
)

# The tables a team shares through its server; how this laptop remembers its import
# mappings is its own, and so is its sync bookkeeping.
TEAM_MODELS = tuple(model for model in ALL_MODELS if model is not ImportMapping)
SYNCED_KINDS = tuple(model._meta.table_name for model in TEAM_MODELS)
BY_KIND = {model._meta.table_name: model for model in TEAM_MODELS}
EVERY_TABLE = ALL_MODELS + SYNC_MODELS
