"""A believable organisation with a year of service behind it, for trying Rapport and measuring it.

The same size and seed give the same rows on the same day: every key, name and moment comes from
one seeded random generator, who recorded and who owns what from generators of their own (so that
the rest stays as it was), and the year ends at the start of today (from the clock).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from models import clock
from models import demo_text as text
from models.base import bulk_insert, database
from models.calendar import WorkingCalendar
from models.catalogue import (
    Agreement,
    AgreementService,
    AgreementStandard,
    Service,
    Standard,
    describe_standard,
)
from models.choices import (
    ActionSource,
    ActionStatus,
    ClosureKind,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    CustomerKind,
    FeedbackChannel,
    FeedbackType,
    Measure,
    MemberRole,
    RequestChannel,
    StandardStatus,
    Unit,
)
from models.complaints import Complaint, ComplaintEvent, complaint_dues
from models.delivery import TIMED_MEASURES, StandardBook, Timescale
from models.errors import KnownError, Progress
from models.feedback import Code, Feedback, FeedbackCode
from models.improvements import ImprovementAction
from models.integrity import is_empty, record_counts
from models.organisation import (
    Closure,
    Settings,
    closure_id,
    get_settings,
    seed_bank_holidays,
    working_calendar,
)
from models.register import Customer, Department
from models.service_log import ServiceRequest
from models.team import Member
from models.text import fold

Row = dict[str, Any]


@dataclass(frozen=True)
class DemoSize:
    departments: int
    customers: int
    services: int
    requests: int
    complaints: int
    feedback: int
    actions: int


SIZES = {
    "small": DemoSize(
        departments=24,
        customers=300,
        services=16,
        requests=3_000,
        complaints=120,
        feedback=900,
        actions=24,
    ),
    "large": DemoSize(
        departments=120,
        customers=6_000,
        services=80,
        requests=250_000,
        complaints=6_000,
        feedback=60_000,
        actions=400,
    ),
}


def generate_demo(size: str = "small", seed: int = 1, progress: Progress | None = None) -> dict:
    """Fill an empty database with demo data in one transaction; returns the record counts.

    `progress(stage, fraction)` is called as the work goes on; if it raises, nothing is kept.
    """
    if size not in SIZES:
        raise KnownError(f"Unknown demo size '{size}': choose one of {', '.join(SIZES)}.")
    with database.atomic("IMMEDIATE"):  # no other writer between the check and the data
        if not is_empty():
            raise KnownError(
                "The database already holds records; demo data goes into an empty one."
            )
        _DemoBuilder(SIZES[size], seed, clock.today(), progress or _no_progress).build()
    database.execute_sql("ANALYZE")  # statistics for the query planner, as after any bulk load
    return record_counts()


def _no_progress(stage: str, fraction: float) -> None:
    """Progress is optional."""


_WORKING_DAY_HOURS = 8.0
_STATUS_RANK = {
    ComplaintStatus.RECEIVED: 0,
    ComplaintStatus.ACKNOWLEDGED: 1,
    ComplaintStatus.INVESTIGATING: 2,
    ComplaintStatus.ON_HOLD: 3,
    ComplaintStatus.REFERRED: 4,
    ComplaintStatus.RESOLVED: 5,
    ComplaintStatus.CLOSED: 6,
}
_EVENT_STATUS = {
    ComplaintEventKind.RECEIVED: ComplaintStatus.RECEIVED,
    ComplaintEventKind.ACKNOWLEDGED: ComplaintStatus.ACKNOWLEDGED,
    ComplaintEventKind.INVESTIGATING: ComplaintStatus.INVESTIGATING,
    ComplaintEventKind.ON_HOLD: ComplaintStatus.ON_HOLD,
    ComplaintEventKind.RESUMED: ComplaintStatus.INVESTIGATING,
    ComplaintEventKind.REFERRED: ComplaintStatus.REFERRED,
    ComplaintEventKind.REFERRAL_OUTCOME: ComplaintStatus.INVESTIGATING,
    ComplaintEventKind.RESOLVED: ComplaintStatus.RESOLVED,
    ComplaintEventKind.CLOSED: ComplaintStatus.CLOSED,
    ComplaintEventKind.REOPENED: ComplaintStatus.INVESTIGATING,
}


class _DemoBuilder:
    """Builds the organisation, then a year of requests, complaints, feedback and actions."""

    def __init__(self, size: DemoSize, seed: int, today: date, progress: Progress) -> None:
        self.size = size
        self.rng = random.Random(seed)
        # who recorded each step: drawn apart, so the rest of the demo stays as it was
        self.team_rng = random.Random(f"{seed}-team")
        self.owner_rng = random.Random(f"{seed}-owners")  # who owns what: likewise apart
        self.progress = progress
        self.today = today
        self.now = datetime.combine(today, time(0))  # the demo's story ends as today begins
        month = date(today.year, today.month, 1)
        self.start = date(month.year - 1, month.month, 1)
        self.days = (today - self.start).days
        self.used_ids: set[str] = set()

    # ----------------------------------------------------------------- helpers

    def new_id(self) -> str:
        while True:
            value = uuid.UUID(int=self.rng.getrandbits(128), version=4).hex
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def stamp(self, moment: datetime, **fields: Any) -> Row:
        """A row with a fresh id and time stamps taken from the story, not from the clock."""
        moment = min(moment, self.now)
        return {"id": self.new_id(), "created_at": moment, "updated_at": moment, **fields}

    def receipt_moment(self) -> datetime:
        """A moment in the year: mostly office hours on weekdays, some evenings and weekends."""
        rng = self.rng
        day = self.start + timedelta(days=rng.randrange(self.days))
        while day.weekday() >= 5 and rng.random() < 0.9:
            day = self.start + timedelta(days=rng.randrange(self.days))
        minutes = rng.randint(8 * 60, 18 * 60 + 30) if rng.random() < 0.95 else rng.randrange(1440)
        return datetime.combine(day, time(minutes // 60, minutes % 60))

    def after_working_hours(self, start: datetime, hours: float) -> datetime:
        return self.calendar.add_working_hours(start, max(hours, 0.05))

    def phrase(self, template: str) -> str:
        return template.format(**{k: self.rng.choice(v) for k, v in text.FILLERS.items()})

    def tick(self, stage: str, done: int, total: int) -> None:
        if done % 2000 == 0 or done == total:
            self.progress(stage, done / total if total else 1.0)

    # ----------------------------------------------------------------- the story

    def build(self) -> None:
        self.progress("Organisation", 0.0)
        self.organisation()
        self.team()
        self.register()
        self.catalogue()
        self.requests()
        self.complaints()
        self.feedback()
        self.actions()
        self.progress("Done", 1.0)

    def organisation(self) -> None:
        seed_bank_holidays(range(self.start.year, self.today.year + 2))
        # The organisation was set up as its year began, whenever this demo is generated; a
        # name the user already gave is kept.
        opened = datetime.combine(self.start, time(9))
        settings = get_settings()
        Settings.update(demo=True).where(Settings.id == settings.id).execute()
        if not settings.organisation_name:
            Settings.update(
                organisation_name=text.ORGANISATION, created_at=opened, updated_at=opened
            ).where(Settings.id == settings.id).execute()
        seeded = [closure_id(day) for (day,) in Closure.select(Closure.day).tuples()]
        untouched = (Closure.id.in_(seeded)) & (Closure.created_at == Closure.updated_at)
        Closure.update(created_at=opened, updated_at=opened).where(untouched).execute()
        # The office also shuts between Christmas and New Year.
        shutdown = []
        for year in range(self.start.year, self.today.year + 1):
            for day in (date(year, 12, 29), date(year, 12, 30), date(year, 12, 31)):
                if day.weekday() < 5 and not Closure.select().where(Closure.day == day).exists():
                    shutdown.append(
                        self.stamp(
                            opened, day=day, name="Christmas closure", kind=ClosureKind.ORGANISATION
                        )
                    )
        bulk_insert(Closure, shutdown)
        self.calendar: WorkingCalendar = working_calendar()

    def team(self) -> None:
        """The business-support team whose work the demo records, one member retired; a
        member already in the team (the user, made on the window's first start) is kept, and
        a demo name they already have is not taken twice."""
        opened = datetime.combine(self.start, time(9))
        self.left_at = datetime.combine(self.today - timedelta(days=60), time(17))
        taken = {fold(name) for (name,) in Member.select(Member.name).tuples()}
        members = [
            self.stamp(
                opened,
                name=name,
                email=f"{fold(name).replace(' ', '.')}@{text.EMAIL_DOMAIN}",
                role=MemberRole(text.TEAM_ROLES.get(name, MemberRole.TEAM_MEMBER.value)),
                deleted_at=self.left_at if name == text.LEAVER else None,
            )
            for name in (*text.OWNERS, text.LEAVER)
            if fold(name) not in taken
        ]
        bulk_insert(Member, members)
        self.member_ids = [key for (key,) in Member.live(Member.id).order_by(Member.name).tuples()]
        self.member_by_name = {
            fold(name): key for name, key in Member.select(Member.name, Member.id).tuples()
        }
        # Who owns work: only members that exist, and only those still in the team for anything
        # open; a member already in the team under another name joined after the story.
        self.leaver = self.member_by_name[fold(text.LEAVER)]
        self.lead = self.current(text.LEAD)
        keepers = [self.current(name) for name in text.KEEPERS]  # in turn
        self.keepers = [key for key in keepers if key is not None] or self.member_ids or [None]
        self.request_owners = self.pools(text.REQUEST_SHARES)
        self.complaint_owners = self.pools(text.COMPLAINT_SHARES)
        self.action_owners = self.pools(text.ACTION_SHARES)

    def current(self, name: str) -> uuid.UUID | None:
        """The key of the demo's member so called, while they are still in the team."""
        key = self.member_by_name[fold(name)]
        return key if key in self.member_ids and key != self.leaver else None

    def pools(self, shares: dict[str, int]) -> tuple[list, list]:
        """Members' keys, each as often as their share: of those still in the team, and of those
        with the member who left (for work finished before they went)."""
        current: list[uuid.UUID | None] = []
        everyone: list[uuid.UUID | None] = []
        for name, share in shares.items():
            key = self.current(name)
            if key is not None:
                current.extend([key] * share)
            everyone.extend([key if name != text.LEAVER else self.leaver] * share)
        current = current or list(self.member_ids) or [None]
        everyone = [key for key in everyone if key is not None] or current
        return current, everyone

    def owner(self, pools: tuple[list, list], finished: datetime | None = None) -> Any:
        """Who owns a record of the year: drawn by share, the member who left only for work
        `finished` before they went (open work and anything later is the team's now)."""
        pool = pools[1] if finished is not None and finished <= self.left_at else pools[0]
        return self.owner_rng.choice(pool)

    def register(self) -> None:
        rng, size = self.rng, self.size
        names = list(text.CORE_DEPARTMENTS) + [f"Care Team — {t}" for t in text.CARE_TEAMS]
        for area in text.AREAS:
            names.extend(f"{area} — {place}" for place in text.LOCALITIES)
        names = names[: size.departments]
        opened = datetime.combine(self.start, time(9))
        departments = [self.stamp(opened, name=name, notes="") for name in names]
        bulk_insert(Department, departments)
        self.department_ids = [row["id"] for row in departments]
        by_name = {row["name"]: row["id"] for row in departments}

        customers: list[Row] = []
        emails: set[str] = set()

        def add(name: str, kind: CustomerKind, department: str | None, **extra: Any) -> None:
            customers.append(
                self.stamp(
                    opened,
                    name=name,
                    kind=kind,
                    department=department,
                    job_title=extra.get("job_title", ""),
                    email=extra.get("email", ""),
                    phone=extra.get("phone", ""),
                    location=extra.get("location", ""),
                    needs=extra.get("needs", ""),
                    notes="",
                    active=extra.get("active", True),
                )
            )

        add(
            text.SHARED_SERVICE[0],
            CustomerKind.SHARED_SERVICE,
            by_name.get(text.SHARED_SERVICE[1]),
            email="helpdesk@northgate-payroll.example",
            phone="01632 960100",
            needs="Monthly payroll cut-off: changes must reach them by the 10th.",
        )
        add(
            text.SUPPLIER[0],
            CustomerKind.SUPPLIER,
            by_name.get(text.SUPPLIER[1]),
            email="orders@officesupplies.example",
            phone="01632 960200",
            needs="Orders by 14:00 arrive next working day.",
        )
        for name, department in zip(names, departments, strict=True):
            kind = CustomerKind.TEAM if " — " in name else CustomerKind.DEPARTMENT
            add(name, kind, department["id"], location=rng.choice(text.LOCATIONS))
        while len(customers) < size.customers:
            first, last = rng.choice(text.FIRST_NAMES), rng.choice(text.SURNAMES)
            manager = rng.random() < 0.08
            local = fold(f"{first}.{last}").replace(" ", "").replace("'", "")
            email, n = f"{local}@{text.EMAIL_DOMAIN}", 1
            while email in emails:
                n += 1
                email = f"{local}{n}@{text.EMAIL_DOMAIN}"
            emails.add(email)
            add(
                f"{first} {last}",
                CustomerKind.MANAGER if manager else CustomerKind.COLLEAGUE,
                rng.choice(self.department_ids),
                job_title=rng.choice(text.MANAGER_TITLES if manager else text.JOB_TITLES),
                email=email,
                phone=f"01632 {rng.randrange(960000, 961000)}",
                location=rng.choice(text.LOCATIONS),
                needs=rng.choice(text.NEEDS),
                active=rng.random() > 0.04,
            )
        bulk_insert(Customer, customers)
        self.customers = [(row["id"], row["department"]) for row in customers]
        self.customer_names = {row["id"]: row["name"] for row in customers}

    def catalogue(self) -> None:
        rng = self.rng
        opened = datetime.combine(self.start, time(9))
        base = text.SERVICES
        specs = []  # (name, category, provider, standards, templates)
        for group in ("", *text.CLIENT_GROUPS):
            for name, category, provider, standards, templates in base:
                full = f"{name} — {group}" if group else name
                specs.append((full, category, provider, standards, templates))
        specs = specs[: self.size.services]

        services, standards = [], []
        self.services: list[tuple[str, tuple[str, ...]]] = []
        self.standard_rows: list[Row] = standards
        for turn, (name, category, provider, service_standards, templates) in enumerate(specs):
            keeper = self.keepers[turn % len(self.keepers)]  # of all the service's standards
            service = self.stamp(
                opened,
                name=name,
                category=category,
                provider=provider,
                description=f"{name}: requests handled by {provider}.",
                active=True,
            )
            services.append(service)
            self.services.append((service["id"], templates))
            for measure, target, unit, compliance in service_standards:
                row = self.standard_row(
                    service["id"], Measure(measure), target, Unit(unit), compliance, keeper
                )
                standards.append(row)
            # Some departments agreed a tighter timescale of their own.
            timed = [s for s in service_standards if Unit(s[2]).is_time]
            if timed and rng.random() < 0.35:
                measure, target, unit, compliance = rng.choice(timed)
                department = rng.choice(self.department_ids[:20])
                tighter = max(1, target // 2) if unit != "working_hours" else max(1, target - 1)
                row = self.standard_row(
                    service["id"],
                    Measure(measure),
                    tighter,
                    Unit(unit),
                    compliance,
                    keeper,
                    department,
                )
                standards.append(row)
        bulk_insert(Service, services)
        bulk_insert(Standard, standards)
        # The same rules as the service log: a department's own standard before the general one.
        self.book = StandardBook(
            Timescale(
                standard=row["id"],
                service=row["service"],
                measure=row["measure"],
                target=row["target"],
                unit=row["unit"],
                department=row["department"],
                agreed_on=row["agreed_on"],
            )
            for row in standards
            if row["measure"] in TIMED_MEASURES
        )
        self.service_weights = [rng.uniform(0.3, 3.0) for _ in self.services]
        self.agreements(services, standards)

    def standard_row(
        self,
        service: str,
        measure: Measure,
        target: float,
        unit: Unit,
        compliance: float,
        keeper: uuid.UUID | None,
        department: str | None = None,
    ) -> Row:
        rng = self.rng
        agreed_on = self.start - timedelta(days=rng.randrange(30, 400))
        review_on = agreed_on + timedelta(days=730)  # reviewed every two years
        # A few reviews fall due soon, or are already overdue, as in any real catalogue.
        if rng.random() < 0.2:
            review_on = self.today + timedelta(days=rng.randrange(-40, 30))
        status = StandardStatus.UNDER_REVIEW if review_on < self.today else StandardStatus.AGREED
        return self.stamp(
            datetime.combine(agreed_on, time(10)),
            service=service,
            statement=describe_standard(measure, target, unit, compliance),
            measure=measure,
            target=float(target),
            unit=unit,
            compliance_target=float(compliance),
            department=department,
            customer=None,
            agreed_on=agreed_on,
            review_on=review_on,
            status=status,
            looked_after_by=keeper,
        )

    def agreements(self, services: Sequence[Row], standards: Sequence[Row]) -> None:
        rng = self.rng
        rows, service_links, standard_links = [], [], []
        agreed_with = self.department_ids[: max(3, len(self.department_ids) // 6)]
        for turn, department in enumerate(agreed_with):
            signed = self.start - timedelta(days=rng.randrange(10, 200))
            agreement = self.stamp(
                datetime.combine(signed, time(11)),
                title="Service level agreement",
                department=department,
                customer=None,
                procedure=(
                    "If a standard is missed: the team leader phones the customer within one "
                    "working day, agrees a recovery date, and reports the miss at the monthly "
                    "service review."
                ),
                signed_off_by=rng.choice(text.OWNERS),
                signed_on=signed,
                next_review=signed + timedelta(days=365),
                notes="",
                looked_after_by=self.keepers[turn % len(self.keepers)],
            )
            rows.append(agreement)
            for service in rng.sample(list(services), k=min(4, len(services))):
                service_links.append(
                    self.stamp(
                        agreement["created_at"], agreement=agreement["id"], service=service["id"]
                    )
                )
                for standard in standards:
                    if standard["service"] == service["id"] and standard["department"] in (
                        None,
                        department,
                    ):
                        standard_links.append(
                            self.stamp(
                                agreement["created_at"],
                                agreement=agreement["id"],
                                standard=standard["id"],
                            )
                        )
        bulk_insert(Agreement, rows)
        bulk_insert(AgreementService, service_links)
        bulk_insert(AgreementStandard, standard_links)

    def delivery(self, start: datetime, standard: Timescale | None, met_rate: float) -> datetime:
        """When the work happened: usually inside the standard's timescale, sometimes not."""
        rng = self.rng
        if standard is None:
            return self.after_working_hours(start, rng.uniform(0.5, 24))
        target, unit = standard.target, standard.unit
        if unit == Unit.WORKING_HOURS:
            allowed = target
        elif unit == Unit.WORKING_DAYS:
            allowed = target * _WORKING_DAY_HOURS
        else:
            allowed = target * _WORKING_DAY_HOURS * 5 / 7
        factor = rng.uniform(0.05, 0.95) if rng.random() < met_rate else rng.uniform(1.05, 2.2)
        return self.after_working_hours(start, allowed * factor)

    def requests(self) -> None:
        rng, cal = self.rng, self.calendar
        total = self.size.requests
        rows: list[Row] = []
        still_open: list[Row] = []  # given out once all are known
        channels = list(RequestChannel)
        channel_weights = [50, 20, 8, 15, 5, 1, 1]
        picks = rng.choices(range(len(self.services)), weights=self.service_weights, k=total)
        forgotten_since = self.now - timedelta(days=45)
        for number, pick in enumerate(picks, start=1):
            service, templates = self.services[pick]
            customer, department = rng.choice(self.customers)
            received = self.receipt_moment()
            response_standard = self.book.applicable(service, Measure.RESPONSE, department)
            completion_standard = self.book.applicable(service, Measure.COMPLETION, department)
            met_rate = 0.88 + 0.1 * (received - datetime.combine(self.start, time(0))).days / 400
            responded = self.delivery(received, response_standard, met_rate)
            completed = max(responded, self.delivery(received, completion_standard, met_rate))
            responded_at = responded if responded < self.now else None
            completed_at = completed if completed < self.now else None
            if received > forgotten_since and rng.random() < 0.04:  # slipped through the net
                completed_at = None
                responded_at = responded_at if rng.random() < 0.5 else None
            needs_met = None
            if completed_at is not None:
                roll = rng.random()
                needs_met = True if roll < 0.8 else (False if roll < 0.83 else None)
            row = self.stamp(
                received,
                service=service,
                customer=customer,
                department=department,
                received_at=received,
                channel=rng.choices(channels, weights=channel_weights)[0],
                description=self.phrase(rng.choice(templates)),
                notes="",
                responded_at=responded_at,
                completed_at=completed_at,
                accurate=(rng.random() < 0.97) if completed_at else None,
                needs_met=needs_met,
                needs_met_note="Confirmed by email." if needs_met else "",
                response_standard=response_standard and response_standard.standard,
                completion_standard=completion_standard and completion_standard.standard,
                response_due=response_standard and response_standard.due(cal, received),
                completion_due=completion_standard and completion_standard.due(cal, received),
                owner=None,
            )
            if completed_at is None:
                still_open.append(row)
            else:
                row["owner"] = self.owner(self.request_owners, completed_at)
                rows.append(row)
            if len(rows) == 5000:
                bulk_insert(ServiceRequest, rows)
                rows = []
            self.tick("Service requests", number, total)
        bulk_insert(ServiceRequest, rows)
        self.give_out_open_requests(still_open)
        bulk_insert(ServiceRequest, still_open)

    def give_out_open_requests(self, rows: list[Row]) -> None:
        """Open requests belong to members still in the team, by share; the team leader has
        taken the most overdue in hand, and the one due last today (so that the user, who plays
        them, has work of their own on the Overview)."""
        for row in rows:
            row["owner"] = self.owner(self.request_owners)
        if self.lead is None:
            return
        deadlines = [(deadline, row) for row in rows if (deadline := _next_deadline(row))]
        end_of_today = self.now + timedelta(days=1)
        overdue = [item for item in deadlines if item[0] < self.now]
        today = [item for item in deadlines if self.now <= item[0] < end_of_today]
        for items, pick in ((overdue, min), (today, max)):
            if items:
                pick(items, key=lambda item: item[0])[1]["owner"] = self.lead

    def complaints(self) -> None:
        rng = self.rng
        total = self.size.complaints
        settings = get_settings()
        statuses = list(_STATUS_RANK)
        recent = self.now - timedelta(days=30)
        stories = []
        for _ in range(total - len(statuses)):
            received = self.receipt_moment()
            if received < recent:  # most old complaints ran their course; a few got stuck
                final = rng.choices(statuses, weights=[0, 0, 1, 0, 1, 12, 86])[0]
            else:
                final = rng.choices([ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED], [12, 88])[0]
            stories.append(self.complaint_story(received, final, settings))
        for wanted in statuses:  # the latest few: one in each state today, at a fitting age
            stories.append(self.recent_story_in(wanted, settings))
        stories.sort(key=lambda story: story[0]["received_at"])
        complaints, events = [], []
        sequence: dict[int, int] = {}
        for number, (complaint, timeline) in enumerate(stories, start=1):
            year = complaint["received_at"].year
            sequence[year] = sequence.get(year, 0) + 1
            customer, department = rng.choice(self.customers)
            service = rng.choice(self.services)[0] if rng.random() < 0.85 else None
            complaint.update(
                reference=f"CMP-{year}-{sequence[year]:04d}",
                customer=customer,
                department=department,
                service=service,
                owner=self.complaint_owner(complaint),
            )
            complaints.append(complaint)
            events.extend(timeline)
            self.tick("Complaints", number, total)
        bulk_insert(Complaint, complaints)
        for start in range(0, len(events), 5000):
            bulk_insert(ComplaintEvent, events[start : start + 5000])
        self.complaint_rows = complaints

    def complaint_owner(self, complaint: Row) -> Any:
        """The team leader handles the confidential complaints; the rest are shared out."""
        if complaint["confidential"] and self.lead is not None:
            return self.lead
        finished = complaint["status"] in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
        return self.owner(self.complaint_owners, complaint["updated_at"] if finished else None)

    def recent_story_in(self, wanted: ComplaintStatus, settings: Any) -> tuple[Row, list[Row]]:
        """A complaint of the last month that, told up to today, is `wanted` now."""
        rng = self.rng
        story: tuple[Row, list[Row]] | None = None
        for _attempt in range(1000):  # bounded: a story that never fits must not hang the demo
            if story is not None and story[0]["status"] is wanted:
                break
            day = self.today - timedelta(days=1 + rng.randrange(min(30, self.days)))
            if day.weekday() >= 5:
                continue
            received = datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
            story = self.complaint_story(
                received,
                ComplaintStatus.CLOSED,
                settings,
                hold=wanted is ComplaintStatus.ON_HOLD,
                referral=wanted is ComplaintStatus.REFERRED,
            )
        assert story is not None
        return story

    def complaint_story(
        self,
        received: datetime,
        final: ComplaintStatus,
        settings: Any,
        *,
        hold: bool = False,
        referral: bool = False,
    ) -> tuple[Row, list[Row]]:
        """One complaint's timeline up to `final`, as far as it has got by today."""
        rng, cal = self.rng, self.calendar
        categories = list(ComplaintCategory)
        weights = [1 if c.confidential_by_default else 5 for c in categories]
        for busy, weight in (
            (ComplaintCategory.DELAY, 25),
            (ComplaintCategory.COMMUNICATION, 18),
            (ComplaintCategory.ACCURACY, 12),
        ):
            weights[categories.index(busy)] = weight
        category = rng.choices(categories, weights=weights)[0]
        rank = _STATUS_RANK[final]
        steps: list[tuple[float, ComplaintEventKind, dict[str, Any]]] = []
        hours = 0.0

        def step(delay: float, kind: ComplaintEventKind, **extra: Any) -> None:
            nonlocal hours
            hours += delay
            steps.append((hours, kind, extra))

        step(0, ComplaintEventKind.RECEIVED, note="Complaint received by email.")
        on_time = rng.random() < 0.9
        ack_hours = settings.acknowledge_within * _WORKING_DAY_HOURS
        if rank >= 1:
            delay = ack_hours * (rng.uniform(0.05, 0.9) if on_time else rng.uniform(1.1, 2))
            step(delay, ComplaintEventKind.ACKNOWLEDGED, note="Acknowledgement letter sent.")
        if rank >= 2:
            step(rng.uniform(1, 8), ComplaintEventKind.INVESTIGATING)
            step(
                rng.uniform(2, 10),
                ComplaintEventKind.COMMUNICATION,
                note="Spoke to the complainant to understand what happened.",
                channel=FeedbackChannel.PHONE,
                who="Complainant",
            )
        held = hold or final == ComplaintStatus.ON_HOLD or (rank > 3 and rng.random() < 0.12)
        if held:
            step(
                rng.uniform(1, 8),
                ComplaintEventKind.ON_HOLD,
                note="Waiting for the customer's copy of the original request.",
            )
            if rank > 3:
                step(rng.uniform(4, 24), ComplaintEventKind.RESUMED, note="Customer replied.")
        referred = (
            referral or final == ComplaintStatus.REFERRED or (rank > 4 and rng.random() < 0.1)
        )
        referee = rng.choice(("HR Business Partner", "Line manager", "ICT Service Manager"))
        if referred:
            step(
                rng.uniform(1, 8),
                ComplaintEventKind.REFERRED,
                who=referee,
                note="Referred: the matter is outside Business Support's remit.",
            )
            if rank > 4:
                step(
                    rng.uniform(4, 30),
                    ComplaintEventKind.REFERRAL_OUTCOME,
                    who=referee,
                    note="Referral answered; findings shared with the investigating officer.",
                )
        extended = rank >= 5 and rng.random() < 0.08
        if extended:
            step(
                rng.uniform(1, 8),
                ComplaintEventKind.EXTENDED,
                note="Extension agreed with the complainant: a witness is on leave.",
            )
        if rank >= 5:
            resolve_hours = settings.resolve_within * _WORKING_DAY_HOURS
            delay = resolve_hours * (rng.uniform(0.2, 0.6) if rng.random() < 0.85 else 0.9)
            step(delay, ComplaintEventKind.RESOLVED, note="Written response sent.")
        reopened = rank == 6 and rng.random() < 0.03
        if rank == 6:
            step(
                rng.uniform(8, 40),
                ComplaintEventKind.CLOSED,
                note="Followed up by phone; outcome discussed.",
            )
            if reopened:
                step(
                    rng.uniform(8, 40),
                    ComplaintEventKind.REOPENED,
                    note="Customer raised a further point.",
                )
                step(rng.uniform(8, 30), ComplaintEventKind.RESOLVED, note="Further response sent.")
                step(rng.uniform(8, 30), ComplaintEventKind.CLOSED, note="Followed up again.")

        moments = [received] + [
            self.after_working_hours(received, offset).replace(microsecond=0)
            for offset, _, _ in steps[1:]
        ]
        told = [(m, step) for m, step in zip(moments, steps, strict=True) if m < self.now]

        row: Row = self.stamp(
            received,
            reference="",
            received_at=received,
            category=category,
            summary=rng.choice(text.COMPLAINT_SUMMARIES.get(category, ("Service complaint",))),
            details="The complainant explained what happened and how it affected their work.",
            remedy_sought=rng.choice(
                ("An apology", "The work redone", "A named contact", "Assurance it won't recur")
            ),
            confidential=category.confidential_by_default,
            status=ComplaintStatus.RECEIVED,
            acknowledge_due=None,
            acknowledged_at=None,
            resolve_due=None,
            extended_due=None,
            extension_reason="",
            referred_to="",
            referred_on=None,
            referral_reason="",
            referral_outcome="",
            resolved_at=None,
            resolution="",
            outcome=None,
            remedy_given="",
            lessons_learned="",
            closed_at=None,
            followed_up_on=None,
            satisfied=None,
        )
        events: list[Row] = []
        hold_start: datetime | None = None
        holds: list[tuple[datetime, datetime | None]] = []
        for moment, (_, kind, extra) in told:
            events.append(
                self.stamp(
                    moment,
                    complaint=row["id"],
                    at=moment,
                    kind=kind,
                    note=extra.get("note", ""),
                    channel=extra.get("channel"),
                    who=extra.get("who", ""),
                    recorded_by="priya.patel",
                    member=self.team_rng.choice(self.member_ids),
                )
            )
            row["status"] = _EVENT_STATUS.get(kind, row["status"])
            row["updated_at"] = moment
            if kind is ComplaintEventKind.ACKNOWLEDGED:
                row["acknowledged_at"] = moment
            elif kind is ComplaintEventKind.ON_HOLD:
                hold_start = moment
            elif kind is ComplaintEventKind.RESUMED and hold_start is not None:
                holds.append((hold_start, moment))
                hold_start = None
            elif kind is ComplaintEventKind.REFERRED:
                row.update(
                    referred_to=extra["who"],
                    referred_on=moment.date(),
                    referral_reason="Outside Business Support's remit.",
                )
            elif kind is ComplaintEventKind.REFERRAL_OUTCOME:
                row["referral_outcome"] = "Line manager has spoken to the staff member concerned."
            elif kind is ComplaintEventKind.EXTENDED:
                row["extended_due"] = cal.add_working_days(received, settings.resolve_within + 5)
                row["extension_reason"] = "A key witness is on leave."
            elif kind is ComplaintEventKind.RESOLVED:
                outcome = rng.choices(list(ComplaintOutcome), weights=[35, 30, 35])[0]
                row.update(
                    resolved_at=moment,
                    outcome=outcome,
                    resolution="Thank you for raising this. We have looked into what happened "
                    "and set out below what we found and what we will change.",
                    remedy_given="Apology given" if outcome != ComplaintOutcome.NOT_UPHELD else "",
                    lessons_learned=rng.choice(
                        (
                            "Confirm completion to the customer every time.",
                            "Check figures twice before submission.",
                            "Give new starters a named contact.",
                            "",
                        )
                    ),
                )
            elif kind is ComplaintEventKind.CLOSED:
                row.update(
                    closed_at=moment, followed_up_on=moment.date(), satisfied=rng.random() < 0.72
                )
            elif kind is ComplaintEventKind.REOPENED:  # as the step does (complaint_lifecycle)
                row.update(
                    closed_at=None,
                    satisfied=None,
                    followed_up_on=None,
                    resolved_at=None,
                    outcome=None,
                    resolution="",
                    remedy_given="",
                )
        if hold_start is not None:
            holds.append((hold_start, None))
        row["acknowledge_due"], row["resolve_due"] = complaint_dues(
            received, holds, row["extended_due"], settings, cal, as_of=self.now
        )
        return row, events

    def feedback(self) -> None:
        rng = self.rng
        total = self.size.feedback
        codes = [
            self.stamp(
                datetime.combine(self.start, time(9)),
                name=name,
                description=description,
                retired=False,
            )
            for name, description, _ in text.CODES
        ]
        bulk_insert(Code, codes)
        self.code_ids = [row["id"] for row in codes]
        codes_by_type: dict[FeedbackType, list[str]] = {}
        for row, (_, _, types) in zip(codes, text.CODES, strict=True):
            for kind in types:
                codes_by_type.setdefault(kind, []).append(row["id"])

        channels = list(FeedbackChannel)
        channel_weights = [10, 4, 25, 30, 3, 3, 5, 8, 4, 4, 4]
        types = list(text.COMMENTS)
        type_weights = [40, 22, 8, 6, 3, 5, 3, 2, 3]
        rows, links = [], []
        for number in range(1, total + 1):
            received = self.receipt_moment()
            progress = (received.date() - self.start).days / max(self.days, 1)
            channel = rng.choices(channels, weights=channel_weights)[0]
            anonymous = channel is FeedbackChannel.SUGGESTIONS_BOX or rng.random() < 0.15
            customer, department = rng.choice(self.customers)
            scored = channel in (FeedbackChannel.QUESTIONNAIRE, FeedbackChannel.FEEDBACK_SHEET)
            kind = rng.choices(types, weights=type_weights)[0]
            mood = 1.0 if kind is FeedbackType.GENERIC_POSITIVE else 0.0
            nps = ces = csat = None
            if scored or rng.random() < 0.2:
                lift = 1.2 * progress + mood  # satisfaction improves over the year
                nps = min(10, max(0, round(rng.gauss(7.0 + lift, 2.2))))
                csat = min(5, max(1, round(rng.gauss(3.7 + lift / 2.5, 0.9))))
                if channel is FeedbackChannel.QUESTIONNAIRE or rng.random() < 0.5:
                    ces = min(7, max(1, round(rng.gauss(5.0 + lift / 2, 1.2))))
            item = self.stamp(
                received,
                received_on=received.date(),
                channel=channel,
                customer=None if anonymous else customer,
                department=None if anonymous and rng.random() < 0.5 else department,
                service=rng.choice(self.services)[0] if rng.random() < 0.7 else None,
                anonymous=anonymous,
                nps=nps,
                ces=ces,
                csat=csat,
                comment=rng.choice(text.COMMENTS[kind]) if rng.random() < 0.85 else "",
                type=kind,
                theme=kind.label,
            )
            rows.append(item)
            candidates = codes_by_type.get(kind, [])
            if candidates and rng.random() < 0.85:
                for code in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2)))):
                    links.append(self.stamp(received, feedback=item["id"], code=code))
            if len(rows) == 5000:
                bulk_insert(Feedback, rows)
                rows = []
            self.tick("Feedback", number, total)
        bulk_insert(Feedback, rows)
        for start in range(0, len(links), 5000):
            bulk_insert(FeedbackCode, links[start : start + 5000])

    def actions(self) -> None:
        rng = self.rng
        rows = []
        resolved = [c for c in self.complaint_rows if c["resolved_at"] is not None]
        standards = self.standard_rows
        statuses = list(ActionStatus)
        for _ in range(self.size.actions):
            opened = datetime.combine(
                self.start + timedelta(days=rng.randrange(self.days)), time(10)
            )
            source = rng.choices(
                [
                    ActionSource.COMPLAINT,
                    ActionSource.FEEDBACK_CODE,
                    ActionSource.MISSED_STANDARD,
                    ActionSource.MEETING,
                ],
                weights=[4, 4, 2, 1],
            )[0]
            links: Row = {"complaint": None, "feedback": None, "code": None, "standard": None}
            if source is ActionSource.COMPLAINT and resolved:
                links["complaint"] = rng.choice(resolved)["id"]
            elif source is ActionSource.FEEDBACK_CODE:
                links["code"] = rng.choice(self.code_ids)
            elif source is ActionSource.MISSED_STANDARD:
                links["standard"] = rng.choice(standards)["id"]
            due_on = opened.date() + timedelta(days=rng.randrange(20, 90))
            age = (self.today - opened.date()).days
            status = statuses[max(0, min(4, age // 70 + rng.randrange(-1, 2)))]
            if status is ActionStatus.REVIEWED and due_on + timedelta(days=60) >= self.today:
                status = ActionStatus.IMPLEMENTED  # not reviewed before its review date
            done = status in (ActionStatus.IMPLEMENTED, ActionStatus.REVIEWED)
            reviewed = status is ActionStatus.REVIEWED
            title = rng.choice(text.ACTION_TITLES)
            rng.choice(text.OWNERS)  # drawn here once for the owner: kept, so the rest is unchanged
            rows.append(
                self.stamp(
                    opened,
                    title=title,
                    source=source,
                    **links,
                    problem="Customers told us this through complaints and feedback.",
                    analysis="Root cause: no step in the process makes it happen every time.",
                    options="1. Remind staff. 2. Change the process. 3. Change the system.",
                    chosen_action="Change the process and check it monthly.",
                    owner=self.owner(
                        self.action_owners,
                        datetime.combine(due_on + timedelta(days=60), time(12))
                        if reviewed
                        else None,
                    ),
                    due_on=due_on,
                    status=status,
                    completed_on=min(due_on, self.today - timedelta(days=1)) if done else None,
                    review_on=due_on + timedelta(days=60) if done else None,
                    review_outcome="Fewer complaints on this since." if reviewed else "",
                    effective=(rng.random() < 0.75) if reviewed else None,
                    measure_before="78 % on time" if reviewed else "",
                    measure_after="93 % on time" if reviewed else "",
                )
            )
        bulk_insert(ImprovementAction, rows)


def _next_deadline(request: Row) -> datetime | None:
    """An open request's next deadline, as `service_log.request_next_due` reads it (the demo
    works on rows before they are written, so in Python)."""
    response = request["response_due"] if request["responded_at"] is None else None
    dues = [due for due in (response, request["completion_due"]) if due is not None]
    return min(dues) if dues else None
