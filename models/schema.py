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
