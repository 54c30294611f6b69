"""Numbered schema steps. Step N takes a database from version N-1 to N.

Each step is frozen once released: it spells out its SQL instead of asking today's model classes,
so an old database upgrades the same way whatever the models look like later. A test checks that
the schema these steps build is the one the models describe.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence

from peewee import Database

from models import clock

Step = Callable[[Database], None]


def run_script(db: Database, script: str) -> None:
    """Run `;`-separated statements one by one (inside the caller's transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_INITIAL_SCHEMA = """
CREATE TABLE "department" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "name" VARCHAR(200) NOT NULL,
    "notes" TEXT NOT NULL
);
CREATE INDEX "department_deleted_at" ON "department" ("deleted_at");
CREATE UNIQUE INDEX "department_name" ON "department" ("name");
CREATE TABLE "customer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "department_id" TEXT,
    "job_title" VARCHAR(200) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "phone" VARCHAR(50) NOT NULL,
    "location" VARCHAR(200) NOT NULL,
    "needs" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT
);
CREATE INDEX "customer_deleted_at" ON "customer" ("deleted_at");
CREATE INDEX "customer_name" ON "customer" ("name");
CREATE INDEX "customer_department_id" ON "customer" ("department_id");
CREATE INDEX "customer_email" ON "customer" ("email");
CREATE TABLE "agreement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "title" VARCHAR(200) NOT NULL,
    "department_id" TEXT,
    "customer_id" TEXT,
    "procedure" TEXT NOT NULL,
    "signed_off_by" VARCHAR(200) NOT NULL,
    "signed_on" DATE,
    "next_review" DATE,
    "notes" TEXT NOT NULL,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);
CREATE INDEX "agreement_deleted_at" ON "agreement" ("deleted_at");
CREATE INDEX "agreement_department_id" ON "agreement" ("department_id");
CREATE INDEX "agreement_customer_id" ON "agreement" ("customer_id");
CREATE TABLE "service" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "name" VARCHAR(200) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "provider" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "active" INTEGER NOT NULL
);
CREATE INDEX "service_deleted_at" ON "service" ("deleted_at");
CREATE UNIQUE INDEX "service_name" ON "service" ("name");
CREATE TABLE "agreement_service" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "agreement_id" TEXT NOT NULL,
    "service_id" TEXT NOT NULL,
    FOREIGN KEY ("agreement_id") REFERENCES "agreement" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT
);
CREATE INDEX "agreement_service_agreement_id" ON "agreement_service" ("agreement_id");
CREATE INDEX "agreement_service_service_id" ON "agreement_service" ("service_id");
CREATE UNIQUE INDEX "agreement_service_agreement_id_service_id"
    ON "agreement_service" ("agreement_id", "service_id");
CREATE TABLE "standard" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "service_id" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "measure" VARCHAR(40) NOT NULL,
    "target" REAL NOT NULL,
    "unit" VARCHAR(40) NOT NULL,
    "compliance_target" REAL NOT NULL CHECK (compliance_target BETWEEN 0 AND 100),
    "department_id" TEXT,
    "customer_id" TEXT,
    "agreed_on" DATE,
    "review_on" DATE,
    "status" VARCHAR(40) NOT NULL,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    CHECK (target >= 0)
);
CREATE INDEX "standard_deleted_at" ON "standard" ("deleted_at");
CREATE INDEX "standard_service_id" ON "standard" ("service_id");
CREATE INDEX "standard_department_id" ON "standard" ("department_id");
CREATE INDEX "standard_customer_id" ON "standard" ("customer_id");
CREATE INDEX "standard_review_on" ON "standard" ("review_on");
CREATE TABLE "agreement_standard" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "agreement_id" TEXT NOT NULL,
    "standard_id" TEXT NOT NULL,
    FOREIGN KEY ("agreement_id") REFERENCES "agreement" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("standard_id") REFERENCES "standard" ("id") ON DELETE RESTRICT
);
CREATE INDEX "agreement_standard_agreement_id" ON "agreement_standard" ("agreement_id");
CREATE INDEX "agreement_standard_standard_id" ON "agreement_standard" ("standard_id");
CREATE UNIQUE INDEX "agreement_standard_agreement_id_standard_id"
    ON "agreement_standard" ("agreement_id", "standard_id");
CREATE TABLE "audit_entry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "at" DATETIME NOT NULL,
    "user" VARCHAR(200) NOT NULL,
    "action" VARCHAR(40) NOT NULL,
    "table_name" VARCHAR(100) NOT NULL,
    "record_id" VARCHAR(40) NOT NULL,
    "field" VARCHAR(100) NOT NULL,
    "old_value" TEXT,
    "new_value" TEXT
);
CREATE INDEX "audit_entry_at" ON "audit_entry" ("at");
CREATE INDEX "audit_entry_record_id" ON "audit_entry" ("record_id");
CREATE TABLE "closure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "day" DATE NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(40) NOT NULL
);
CREATE INDEX "closure_deleted_at" ON "closure" ("deleted_at");
CREATE UNIQUE INDEX "closure_day" ON "closure" ("day");
CREATE TABLE "code" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "retired" INTEGER NOT NULL
);
CREATE INDEX "code_deleted_at" ON "code" ("deleted_at");
CREATE UNIQUE INDEX "code_name" ON "code" ("name");
CREATE TABLE "complaint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "reference" VARCHAR(40) NOT NULL,
    "received_at" DATETIME NOT NULL,
    "customer_id" TEXT,
    "department_id" TEXT,
    "service_id" TEXT,
    "category" VARCHAR(40),
    "summary" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "remedy_sought" TEXT NOT NULL,
    "confidential" INTEGER NOT NULL,
    "status" VARCHAR(40) NOT NULL,
    "acknowledge_due" DATETIME,
    "acknowledged_at" DATETIME,
    "resolve_due" DATETIME,
    "extended_due" DATETIME,
    "extension_reason" TEXT NOT NULL,
    "referred_to" VARCHAR(200) NOT NULL,
    "referred_on" DATE,
    "referral_reason" TEXT NOT NULL,
    "referral_outcome" TEXT NOT NULL,
    "resolved_at" DATETIME,
    "resolution" TEXT NOT NULL,
    "outcome" VARCHAR(40),
    "remedy_given" TEXT NOT NULL,
    "lessons_learned" TEXT NOT NULL,
    "closed_at" DATETIME,
    "followed_up_on" DATE,
    "satisfied" INTEGER,
    FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT
);
CREATE INDEX "complaint_deleted_at" ON "complaint" ("deleted_at");
CREATE UNIQUE INDEX "complaint_reference" ON "complaint" ("reference");
CREATE INDEX "complaint_received_at" ON "complaint" ("received_at");
CREATE INDEX "complaint_customer_id" ON "complaint" ("customer_id");
CREATE INDEX "complaint_department_id" ON "complaint" ("department_id");
CREATE INDEX "complaint_service_id" ON "complaint" ("service_id");
CREATE INDEX "complaint_status" ON "complaint" ("status");
CREATE INDEX "complaint_resolved_at" ON "complaint" ("resolved_at");
CREATE TABLE "complaint_event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "complaint_id" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "note" TEXT NOT NULL,
    "channel" VARCHAR(40),
    "who" VARCHAR(200) NOT NULL,
    "recorded_by" VARCHAR(200) NOT NULL,
    FOREIGN KEY ("complaint_id") REFERENCES "complaint" ("id") ON DELETE CASCADE
);
CREATE INDEX "complaint_event_complaint_id" ON "complaint_event" ("complaint_id");
CREATE INDEX "complaint_event_at" ON "complaint_event" ("at");
CREATE TABLE "feedback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "received_on" DATE NOT NULL,
    "channel" VARCHAR(40) NOT NULL,
    "customer_id" TEXT,
    "department_id" TEXT,
    "service_id" TEXT,
    "anonymous" INTEGER NOT NULL,
    "nps" INTEGER CHECK (nps BETWEEN 0 AND 10),
    "ces" INTEGER CHECK (ces BETWEEN 1 AND 7),
    "csat" INTEGER CHECK (csat BETWEEN 1 AND 5),
    "comment" TEXT NOT NULL,
    "type" VARCHAR(40),
    "theme" VARCHAR(200) NOT NULL,
    FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT
);
CREATE INDEX "feedback_deleted_at" ON "feedback" ("deleted_at");
CREATE INDEX "feedback_received_on" ON "feedback" ("received_on");
CREATE INDEX "feedback_customer_id" ON "feedback" ("customer_id");
CREATE INDEX "feedback_department_id" ON "feedback" ("department_id");
CREATE INDEX "feedback_service_id" ON "feedback" ("service_id");
CREATE TABLE "feedback_code" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "feedback_id" TEXT NOT NULL,
    "code_id" TEXT NOT NULL,
    FOREIGN KEY ("feedback_id") REFERENCES "feedback" ("id") ON DELETE CASCADE,
    FOREIGN KEY ("code_id") REFERENCES "code" ("id") ON DELETE RESTRICT
);
CREATE INDEX "feedback_code_feedback_id" ON "feedback_code" ("feedback_id");
CREATE INDEX "feedback_code_code_id" ON "feedback_code" ("code_id");
CREATE UNIQUE INDEX "feedback_code_feedback_id_code_id"
    ON "feedback_code" ("feedback_id", "code_id");
CREATE TABLE "improvement_action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "title" VARCHAR(200) NOT NULL,
    "source" VARCHAR(40) NOT NULL,
    "complaint_id" TEXT,
    "feedback_id" TEXT,
    "code_id" TEXT,
    "standard_id" TEXT,
    "problem" TEXT NOT NULL,
    "analysis" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "chosen_action" TEXT NOT NULL,
    "owner" VARCHAR(200) NOT NULL,
    "due_on" DATE,
    "status" VARCHAR(40) NOT NULL,
    "completed_on" DATE,
    "review_on" DATE,
    "review_outcome" TEXT NOT NULL,
    "effective" INTEGER,
    "measure_before" VARCHAR(200) NOT NULL,
    "measure_after" VARCHAR(200) NOT NULL,
    FOREIGN KEY ("complaint_id") REFERENCES "complaint" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("feedback_id") REFERENCES "feedback" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("code_id") REFERENCES "code" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("standard_id") REFERENCES "standard" ("id") ON DELETE RESTRICT
);
CREATE INDEX "improvement_action_deleted_at" ON "improvement_action" ("deleted_at");
CREATE INDEX "improvement_action_complaint_id" ON "improvement_action" ("complaint_id");
CREATE INDEX "improvement_action_feedback_id" ON "improvement_action" ("feedback_id");
CREATE INDEX "improvement_action_code_id" ON "improvement_action" ("code_id");
CREATE INDEX "improvement_action_standard_id" ON "improvement_action" ("standard_id");
CREATE INDEX "improvement_action_due_on" ON "improvement_action" ("due_on");
CREATE TABLE "service_request" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "deleted_at" DATETIME,
    "service_id" TEXT NOT NULL,
    "customer_id" TEXT,
    "department_id" TEXT,
    "received_at" DATETIME NOT NULL,
    "channel" VARCHAR(40) NOT NULL,
    "description" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "responded_at" DATETIME,
    "completed_at" DATETIME,
    "accurate" INTEGER,
    "needs_met" INTEGER,
    "needs_met_note" TEXT NOT NULL,
    "response_standard_id" TEXT,
    "completion_standard_id" TEXT,
    "response_due" DATETIME,
    "completion_due" DATETIME,
    FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("department_id") REFERENCES "department" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("response_standard_id") REFERENCES "standard" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("completion_standard_id") REFERENCES "standard" ("id") ON DELETE RESTRICT
);
CREATE INDEX "service_request_deleted_at" ON "service_request" ("deleted_at");
CREATE INDEX "service_request_service_id" ON "service_request" ("service_id");
CREATE INDEX "service_request_customer_id" ON "service_request" ("customer_id");
CREATE INDEX "service_request_department_id" ON "service_request" ("department_id");
CREATE INDEX "service_request_received_at" ON "service_request" ("received_at");
CREATE INDEX "service_request_response_standard_id"
    ON "service_request" ("response_standard_id");
CREATE INDEX "service_request_completion_standard_id"
    ON "service_request" ("completion_standard_id");
CREATE TABLE "settings" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "organisation_name" VARCHAR(200) NOT NULL,
    "office_start" TIME NOT NULL,
    "office_end" TIME NOT NULL,
    "working_weekdays" VARCHAR(20) NOT NULL,
    "holiday_country" VARCHAR(10) NOT NULL,
    "holiday_subdivision" VARCHAR(10) NOT NULL,
    "time_zone" VARCHAR(60) NOT NULL,
    "acknowledge_within" INTEGER NOT NULL,
    "acknowledge_unit" VARCHAR(40) NOT NULL,
    "resolve_within" INTEGER NOT NULL,
    "resolve_unit" VARCHAR(40) NOT NULL,
    "holidays_seeded_through" INTEGER NOT NULL
);
"""


def _initial_schema(db: Database) -> None:
    run_script(db, _INITIAL_SCHEMA)


def _import_mappings(db: Database) -> None:
    """Version 2: questionnaire column mappings, remembered per shape of file."""
    run_script(
        db,
        """
        CREATE TABLE "import_mapping" (
            "id" TEXT NOT NULL PRIMARY KEY,
            "created_at" DATETIME NOT NULL,
            "updated_at" DATETIME NOT NULL,
            "kind" VARCHAR(40) NOT NULL,
            "shape" TEXT NOT NULL,
            "mapping" TEXT NOT NULL
        );
        CREATE UNIQUE INDEX "import_mapping_kind_shape" ON "import_mapping" ("kind", "shape");
        """,
    )


def _demo_flag(db: Database) -> None:
    """Version 3: whether the database holds the demo organisation (which may stay plain)."""
    run_script(db, 'ALTER TABLE "settings" ADD COLUMN "demo" INTEGER NOT NULL DEFAULT 0;')


def _open_requests_index(db: Database) -> None:
    """Version 4: the open requests by their completion date, for what is due and overdue
    (a scan of every request is slow on a large encrypted database)."""
    run_script(
        db,
        'CREATE INDEX "service_request_open" ON "service_request" ("completion_due") '
        'WHERE "completed_at" IS NULL;',
    )


def _date_range(db: Database) -> None:
    """Version 5: the dates a record may hold, from a first year to some years ahead."""
    run_script(
        db,
        'ALTER TABLE "settings" ADD COLUMN "earliest_year" INTEGER NOT NULL DEFAULT 1990;'
        'ALTER TABLE "settings" ADD COLUMN "years_ahead" INTEGER NOT NULL DEFAULT 10;',
    )


def _team(db: Database) -> None:
    """Version 6: the people of the team."""
    run_script(
        db,
        """
        CREATE TABLE "member" (
            "id" TEXT NOT NULL PRIMARY KEY,
            "created_at" DATETIME NOT NULL,
            "updated_at" DATETIME NOT NULL,
            "deleted_at" DATETIME,
            "name" VARCHAR(200) NOT NULL,
            "email" VARCHAR(254) NOT NULL,
            "role" VARCHAR(40) NOT NULL
        );
        CREATE INDEX "member_deleted_at" ON "member" ("deleted_at");
        CREATE UNIQUE INDEX "member_name" ON "member" ("name");
        """,
    )


def _who_by_key(db: Database) -> None:
    """Version 7: the audit trail and a complaint's timeline name the member at the keyboard
    by key; entries made before keep the login they recorded."""
    run_script(
        db,
        'ALTER TABLE "audit_entry" ADD COLUMN "member" TEXT;'
        'ALTER TABLE "complaint_event" ADD COLUMN "member" TEXT;',
    )


def _owners(db: Database) -> None:
    """Version 8: who owns each request, complaint and improvement action, who looks after each
    agreement's and standard's reviews, and to whom a complaint was passed. An action's owner
    was free text: each distinct name becomes a member (see `_member_for_owner`)."""
    owned = ("service_request", "complaint", "improvement_action")
    looked_after = ("agreement", "standard")
    for table, column in [(t, "owner_id") for t in owned] + [
        (t, "looked_after_by_id") for t in looked_after
    ]:
        run_script(
            db,
            f'ALTER TABLE "{table}" ADD COLUMN "{column}" TEXT '
            'REFERENCES "member" ("id") ON DELETE RESTRICT;'
            f'CREATE INDEX "{table}_{column}" ON "{table}" ("{column}");',
        )
    run_script(db, 'ALTER TABLE "complaint_event" ADD COLUMN "passed_to" TEXT;')
    members: dict[str, str] = {}
    for key, name in db.execute_sql(
        'SELECT "id", "name" FROM "member" ORDER BY "deleted_at" IS NULL'
    ):  # those still in the team last, so that they win a name shared with a leaver
        members[_owner_name(name).casefold()] = key
    moment = str(clock.now())
    owners = db.execute_sql(
        'SELECT "id", "owner", "problem", "deleted_at" IS NULL AND "status" NOT IN '
        "('implemented', 'reviewed') FROM \"improvement_action\""
    ).fetchall()
    still_open = {_owner_name(written).casefold() for _, written, _, open_ in owners if open_}
    for action, written, problem, _ in owners:
        name = _owner_name(written)
        if not name:
            continue
        key = members.get(name.casefold())
        if key is None:
            key = members[name.casefold()] = uuid.uuid4().hex
            left = None if name.casefold() in still_open else moment  # owns only past work
            db.execute_sql(
                'INSERT INTO "member" ("id", "created_at", "updated_at", "deleted_at", "name", '
                '"email", "role") VALUES (?, ?, ?, ?, ?, \'\', ?)',
                (key, moment, moment, left, name, "team member"),
            )
        if " ".join(written.split()) != name:  # cut or cleaned: the words as written are kept
            problem = f"{problem}\n\nOwner as first written: {written.strip()}".strip()
        db.execute_sql(
            'UPDATE "improvement_action" SET "owner_id" = ?, "problem" = ? WHERE "id" = ?',
            (key, problem, action),
        )
    run_script(db, 'ALTER TABLE "improvement_action" DROP COLUMN "owner";')


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _owner_name(written: str) -> str:
    """A free-text owner as a member's name (frozen for step 8): control characters out,
    spaces tidied, at most 200 characters."""
    return " ".join(_CONTROL.sub(" ", written).split())[:200].strip()


_TEAM_TABLES_9 = (
    "settings", "closure", "department", "customer", "service", "standard", "agreement",
    "agreement_service", "agreement_standard", "service_request", "complaint",
    "complaint_event", "code", "feedback", "feedback_code", "improvement_action", "member",
    "audit_entry",
)  # fmt: skip


def _sync_bookkeeping(db: Database) -> None:
    """Version 9: what a laptop needs to sync with a team server: the outbox of local writes
    (filled by triggers while tracking is on), the server's state and record versions, and the
    conflicts a person must settle."""
    from models.sync.tracking import track_writes

    run_script(
        db,
        """
        CREATE TABLE "sync_outbox" (
            "seq" INTEGER NOT NULL PRIMARY KEY,
            "kind" VARCHAR(100) NOT NULL,
            "record_id" VARCHAR(40) NOT NULL,
            "old" TEXT,
            "new" TEXT
        );
        CREATE INDEX "sync_outbox_kind_record_id" ON "sync_outbox" ("kind", "record_id");
        CREATE TABLE "sync_switch" ("id" INTEGER NOT NULL PRIMARY KEY, "tracking" INTEGER NOT NULL);
        INSERT INTO "sync_switch" ("tracking") VALUES (0);
        CREATE TABLE "sync_state" ("key" VARCHAR(100) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
        CREATE TABLE "sync_version" (
            "kind" VARCHAR(100) NOT NULL,
            "record_id" VARCHAR(40) NOT NULL,
            "version" INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX "sync_version_kind_record_id" ON "sync_version" ("kind", "record_id");
        CREATE TABLE "sync_conflict" (
            "id" INTEGER NOT NULL PRIMARY KEY,
            "server_id" INTEGER,
            "kind" VARCHAR(100) NOT NULL,
            "record_id" VARCHAR(40) NOT NULL,
            "field" VARCHAR(100) NOT NULL,
            "base" TEXT,
            "mine" TEXT,
            "theirs" TEXT,
            "at" DATETIME NOT NULL,
            "resolved_at" DATETIME,
            "resolution" TEXT NOT NULL
        );
        CREATE INDEX "sync_conflict_kind_record_id" ON "sync_conflict" ("kind", "record_id");
        """,
    )
    track_writes(db, _TEAM_TABLES_9)


MIGRATIONS: Sequence[Step] = (
    _initial_schema,
    _import_mappings,
    _demo_flag,
    _open_requests_index,
    _date_range,
    _team,
    _who_by_key,
    _owners,
    _sync_bookkeeping,
)
SCHEMA_VERSION = len(MIGRATIONS)
