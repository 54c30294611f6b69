"""The fixed lists of the domain (DESIGN.md §2 and §4).

Each member's value is its import/export word, which is also what the database stores; its
`label` is what the window and the reports show.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from models.words import quoted


class Choice(StrEnum):
    """A value from a fixed list: stored and imported as its word, shown as its label."""

    label: str

    def __new__(cls, word: str, label: str | None = None) -> Self:
        member = str.__new__(cls, word)
        member._value_ = word
        member.label = label or word[:1].upper() + word[1:]
        return member

    @classmethod
    def from_word(cls, text: str) -> Self:
        """The member whose word or label matches `text`, ignoring case, spaces and underscores."""
        wanted = _fold(text)
        for member in cls:
            if wanted in (_fold(member.value), _fold(member.label)):
                return member
        words = ", ".join(member.value for member in cls)
        raise ValueError(f"{quoted(text.strip())} is not one of: {words}")


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


class CustomerKind(Choice):
    COLLEAGUE = "colleague"
    TEAM = "team"
    DEPARTMENT = "department"
    SHARED_SERVICE = "shared service"
    SUPPLIER = "supplier"
    MANAGER = "manager"


class MemberRole(Choice):
    ADMINISTRATOR = "administrator"
    TEAM_LEADER = "team leader"
    TEAM_MEMBER = "team member"


class Measure(Choice):
    RESPONSE = "response", "First response time"
    COMPLETION = "completion", "Completion time"
    ACCURACY = "accuracy", "Accuracy rate"
    SATISFACTION = "satisfaction", "Satisfaction"
    OTHER = "other", "Other"

    @property
    def is_timescale(self) -> bool:
        return self in (Measure.RESPONSE, Measure.COMPLETION)


class Unit(Choice):
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days"
    CALENDAR_DAYS = "calendar_days", "calendar days"
    PERCENT = "percent", "%"
    SCORE = "score", "score"

    @property
    def is_time(self) -> bool:
        return self in (Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS)


class StandardStatus(Choice):
    DRAFT = "draft"
    AGREED = "agreed"
    UNDER_REVIEW = "under review"
    RETIRED = "retired"


class RequestChannel(Choice):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in person", "In person"
    INTRANET = "intranet", "Intranet form"
    CHAT = "chat", "Chat or instant message"
    POST = "post", "Internal post"
    OTHER = "other", "Other"


class FeedbackChannel(Choice):
    SUGGESTIONS_BOX = "suggestions box"
    COMMENTS_BOOK = "comments book"
    FEEDBACK_SHEET = "feedback sheet", "Feedback or evaluation sheet"
    QUESTIONNAIRE = "questionnaire", "Questionnaire or survey"
    COMPLAINTS_PROCEDURE = "complaints procedure"
    FOCUS_GROUP = "focus group"
    ONE_TO_ONE = "one-to-one", "One-to-one meeting"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in person"
    INTRANET = "intranet", "Intranet form"


class FeedbackType(Choice):
    USABILITY_ISSUE = "usability issue"
    NEW_FEATURE_REQUEST = "new feature request"
    BUG = "bug"
    USER_EDUCATION_ISSUE = "user education issue"
    PRICING_OR_BILLING = "pricing or billing"
    GENERIC_POSITIVE = "generic positive"
    GENERIC_NEGATIVE = "generic negative"
    JUNK = "junk"
    OTHER = "other"


class CategoryFamily(Choice):
    WORK_RELATED = "work-related"
    PERSONAL = "personal"


class ComplaintCategory(Choice):
    """The two families of internal-customer problems; personal ones are confidential."""

    KNOWLEDGE_OF_PROCESSES = "knowledge of processes"
    JOB_ROLE = "job role"
    HR_SUPPORT = "hr support", "HR support"
    TRAINING = "training"
    RECOGNITION = "recognition"
    HEALTH_AND_SAFETY = "health and safety"
    TECHNOLOGY = "technology"
    MISSING_STANDARDS = "missing standards"
    PERFORMANCE_GOALS = "performance goals and timescales"
    COMMUNICATION = "communication"
    MANAGEMENT_SUPPORT = "management support"
    DELAY = "delay"
    ACCURACY = "accuracy"
    UNFAIR_TREATMENT = "unfair treatment"
    EQUAL_OPPORTUNITIES = "equal opportunities"
    DISCRIMINATION = "discrimination"
    SAFEGUARDING = "safeguarding"
    INAPPROPRIATE_REMARKS = "inappropriate remarks"
    EXCLUSION = "exclusion"
    BEING_IGNORED = "being ignored"

    @property
    def family(self) -> CategoryFamily:
        return CategoryFamily.PERSONAL if self in _PERSONAL else CategoryFamily.WORK_RELATED

    @property
    def confidential_by_default(self) -> bool:
        return self.family is CategoryFamily.PERSONAL


_PERSONAL = frozenset(
    {
        ComplaintCategory.UNFAIR_TREATMENT,
        ComplaintCategory.EQUAL_OPPORTUNITIES,
        ComplaintCategory.DISCRIMINATION,
        ComplaintCategory.SAFEGUARDING,
        ComplaintCategory.INAPPROPRIATE_REMARKS,
        ComplaintCategory.EXCLUSION,
        ComplaintCategory.BEING_IGNORED,
    }
)


class ComplaintStatus(Choice):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    ON_HOLD = "on hold", "On hold, awaiting customer"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ComplaintOutcome(Choice):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly upheld"
    NOT_UPHELD = "not upheld"


class ComplaintEventKind(Choice):
    """One step or communication in a complaint's timeline."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating", "Investigation started"
    ON_HOLD = "on hold", "Put on hold, awaiting customer"
    RESUMED = "resumed"
    REFERRED = "referred"
    REFERRAL_OUTCOME = "referral outcome"
    EXTENDED = "extended", "Extension agreed"
    RESOLVED = "resolved"
    CLOSED = "closed", "Closed after follow-up"
    REOPENED = "reopened"
    ASSIGNED = "assigned", "Passed to"
    COMMUNICATION = "communication"
    NOTE = "note"


class ActionSource(Choice):
    COMPLAINT = "complaint"
    FEEDBACK = "feedback"
    FEEDBACK_CODE = "feedback code"
    MISSED_STANDARD = "missed standard"
    MEETING = "meeting"
    OTHER = "other"


class ActionStatus(Choice):
    IDENTIFIED = "identified"
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    IMPLEMENTED = "implemented"
    REVIEWED = "reviewed"


class ClosureKind(Choice):
    BANK_HOLIDAY = "bank holiday"
    ORGANISATION = "organisation", "Organisation closure"


class AuditAction(Choice):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
