"""The complaint record: everything about one complaint, the document attached when a complaint
is escalated. A confidential complaint's record says so at the top of every page.

Being the full account, it prints every word of what was written about the complaint (its
summary, details, notes, response…), however long, in paragraphs and `whole()` cells that split
across pages; only names and the reference, which stand in fixed places, are `clipped()`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from desktop.figures_text import EMPTY
from desktop.reports.typography import (
    STATUS_FILLS,
    Built,
    Lines,
    Progress,
    clipped,
    para,
    register_fonts,
    table,
    whole,
    write_pdf,
)
from models import clock
from models.complaint_lifecycle import dues_now, timeline_rows
from models.complaints import Complaint
from models.delivery import met
from models.improvements import actions_for_complaint
from models.organisation import get_settings
from models.people import shown_name
from models.words import day_text, moment_text

CONFIDENTIAL = "CONFIDENTIAL — handle under the complaints procedure's confidentiality rules"
REFERENCE_LIMIT = 40  # as the column holds it: CMP-YYYY-NNNN, with room to spare
OWNER_LINES = 2  # a member's name in the actions' owner column


def _on_time(done: datetime | None, due: datetime | None, now: datetime) -> str:
    verdict = met(done, due, now)
    return {True: "on time", False: "late", None: "not yet due"}[verdict] if due else EMPTY


def build_complaint_record(
    complaint: Complaint, path: Path | BinaryIO, *, progress: Progress | None = None
) -> Built:
    """Write `complaint`'s record to `path` (whole, or not at all)."""
    register_fonts()
    now = clock.now()
    organisation = clipped(get_settings().organisation_name or "Rapport", lines=1)
    reference = clipped(complaint.reference, REFERENCE_LIMIT, lines=1)
    who = complaint.customer.name if complaint.customer_id else EMPTY
    owner = complaint.owner if complaint.owner_id else None
    owner_name = (  # cut the name, never the mark that they have left
        EMPTY if owner is None else shown_name(clipped(owner.name), left=bool(owner.deleted_at))
    )
    acknowledge_due, resolve_due = dues_now(complaint)
    timescales = [
        ("Acknowledge", acknowledge_due, complaint.acknowledged_at),
        ("Resolve", resolve_due, complaint.resolved_at),
    ]
    story: list[Any] = []
    if complaint.confidential:
        story.append(para(CONFIDENTIAL, "banner"))
    story += [
        para(organisation, "subtitle"),
        para(f"Complaint record {reference}", "title"),
        table(
            ["", ""],
            [
                ["Summary", whole(complaint.summary)],
                ["Received", moment_text(complaint.received_at)],
                ["From", who],
                ["Department", complaint.department.name if complaint.department_id else EMPTY],
                ["Service", complaint.service.name if complaint.service_id else EMPTY],
                ["Category", complaint.category.label if complaint.category else EMPTY],
                ["Status", complaint.status.label],
                ["Owner", owner_name],
                ["Confidential", "Yes" if complaint.confidential else "No"],
            ],
            [0.25, 0.75],
        ),
        para("Timescales", "h2"),
        table(
            ["", "Due", "Done", "Judged"],
            [
                [task, moment_text(due), moment_text(done), _on_time(done, due, now)]
                for task, due, done in timescales
            ],
            [0.2, 0.25, 0.25, 0.3],
            fills=[
                (3, row, STATUS_FILLS["red"])
                for row, (_task, due, done) in enumerate(timescales)
                if due and met(done, due, now) is False
            ],
        ),
    ]
    if complaint.extended_due:
        story.append(
            para(
                f"Extension agreed to {moment_text(complaint.extended_due)}: "
                f"{complaint.extension_reason or EMPTY}"
            )
        )
    story += [para("Details", "h2"), para(complaint.details or EMPTY)]
    if complaint.remedy_sought:
        story += [para("Remedy sought", "h2"), para(complaint.remedy_sought)]
    steps = timeline_rows(complaint)
    story += [
        para("Timeline and communications", "h2"),
        table(
            ["When", "What", "With whom", "By", "Note"],
            [
                [
                    moment_text(step.at),
                    step.step,
                    step.who or EMPTY,
                    step.by or EMPTY,
                    whole(step.note or ""),
                ]
                for step in steps
            ]
            or [["", "Nothing recorded yet.", "", "", ""]],
            [0.17, 0.18, 0.14, 0.14, 0.37],
        ),
    ]
    if complaint.referred_to:
        story += [
            para("Referral", "h2"),
            table(
                ["", ""],
                [
                    ["Referred to", complaint.referred_to],
                    ["On", day_text(complaint.referred_on)],
                    ["Reason", whole(complaint.referral_reason or EMPTY)],
                    ["Outcome", whole(complaint.referral_outcome or EMPTY)],
                ],
                [0.25, 0.75],
            ),
        ]
    story += [
        para("Response sent", "h2"),
        para(complaint.resolution or "No response recorded yet."),
        para("Outcome", "h2"),
        table(
            ["", ""],
            [
                ["Outcome", complaint.outcome.label if complaint.outcome else EMPTY],
                ["Remedy sought", whole(complaint.remedy_sought or EMPTY)],
                ["Remedy given", whole(complaint.remedy_given or EMPTY)],
                ["Lessons learned", whole(complaint.lessons_learned or EMPTY)],
                [
                    "Followed up",
                    day_text(complaint.followed_up_on),
                ],
                [
                    "Satisfied with the outcome",
                    EMPTY
                    if complaint.satisfied is None
                    else ("Yes" if complaint.satisfied else "No"),
                ],
            ],
            [0.25, 0.75],
        ),
    ]
    actions = actions_for_complaint(complaint)
    if actions:
        story += [
            para("Improvement actions", "h2"),
            table(
                ["Action", "Owner", "Due", "Status"],
                [
                    [
                        action.title,
                        Lines(action.owner or EMPTY, "cell", OWNER_LINES),
                        day_text(action.due_on),
                        action.status.label + (" (overdue)" if action.overdue else ""),
                    ]
                    for action in actions
                ],
                [0.5, 0.2, 0.12, 0.18],
                fills=[
                    (3, row, STATUS_FILLS["red"])
                    for row, action in enumerate(actions)
                    if action.overdue
                ],
            ),
        ]

    return write_pdf(
        story,
        path,
        title=f"Complaint record {reference}",
        subject=organisation,
        footer=f"{organisation} · Complaint record {reference} · printed {moment_text(now)}",
        banner="CONFIDENTIAL" if complaint.confidential else "",
        progress=progress,
    )
