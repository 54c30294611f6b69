"""Every kind of file Rapport imports and exports, by its command-line name."""

from __future__ import annotations

from desktop.formats import CustomersFormat, MembersFormat, ServicesFormat, StandardsFormat
from desktop.importing import ImportKind
from desktop.log_formats import ComplaintsFormat, FeedbackFormat, RequestsFormat
from desktop.questionnaire import QuestionnaireFormat

# Classes, not objects: each import makes its own, which holds the state of that one file.
FORMATS: dict[str, type[ImportKind]] = {
    kind.name: kind
    for kind in (
        CustomersFormat,
        ServicesFormat,
        StandardsFormat,
        RequestsFormat,
        ComplaintsFormat,
        FeedbackFormat,
        QuestionnaireFormat,
        MembersFormat,
    )
}

# Those that can also be written: a questionnaire import makes feedback, exported as `feedback`.
EXPORTS: dict[str, type[ImportKind]] = {
    name: kind for name, kind in FORMATS.items() if kind.exports
}
