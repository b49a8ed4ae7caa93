# SPDX-License-Identifier: GPL-3.0-or-later
"""The DemineError tree: every error the core raises on purpose.

Messages are made in the language of the request or command that meets
them (:mod:`demine.i18n`); a default message is marked here and translated
when the error is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from demine.i18n import N_, _, ngettext, npgettext
from demine.i18n.kinds import kind_word
from demine.i18n.numbers import number


class DemineError(Exception):
    """Base of every error demine raises deliberately.

    ``user_message`` is safe to show to any user; ``http_status`` is what the
    API answers with.
    """

    http_status: int = 500
    default_message: str = N_("demine could not complete the request")

    def __init__(self, message: str | None = None) -> None:
        self.user_message = message or _(self.default_message)
        super().__init__(self.user_message)


class ConfigurationError(DemineError):
    """A setting or database URL is unusable."""

    http_status = 500
    default_message = N_("demine is not configured correctly")


class StoreError(DemineError):
    """The database refused or failed an operation."""

    http_status = 503
    default_message = N_("the register database is not available")


class BusyError(StoreError):
    """Another writer held the register longer than the busy timeout.

    Nothing was written; the same request a little later will pass.
    ``retry_after`` is the seconds a client should wait (HTTP Retry-After).
    """

    http_status = 503
    default_message = N_(
        "the register is busy with another change (an import?) and stayed "
        "busy longer than the wait allowed; nothing was written, try again shortly"
    )
    retry_after = 10


class NotFoundError(DemineError):
    """A record asked for by id does not exist."""

    http_status = 404
    default_message = N_("no such record")


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule of one record: the field (None: the whole record) and why."""

    field: str | None
    reason: str

    def __str__(self) -> str:
        if not self.field:
            return self.reason
        named = _("field '%(field)s'", field=self.field)
        return f"{named}: {self.reason}"


class RecordError(DemineError):
    """A record breaks rules of the register: names the record and the fields.

    ``problems`` lists every broken rule found (each field at once, not the
    first only); ``field`` and ``reason`` are the first one's.
    """

    http_status = 422
    default_message = N_("the record is not valid")

    def __init__(
        self,
        message: str,
        *,
        entity: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
        problems: Sequence[FieldProblem] = (),
    ) -> None:
        self.entity = entity
        self.record = record
        self.problems = list(problems) or [FieldProblem(field, message)]
        first = self.problems[0]
        self.field = first.field
        #: The first problem's message without the record and field it names.
        self.reason = first.reason
        where = ""
        if entity is not None:
            kind = kind_word(entity)
            where = kind if record is None else f"{kind} {record}"
        if len(self.problems) == 1:
            text = str(first)
            glue = ", " if first.field else ": "
        else:
            listed = "; ".join(str(p) for p in self.problems)
            text = ngettext(
                "%(num)s problem: %(listed)s",
                "%(num)s problems: %(listed)s",
                len(self.problems),
                num=number(len(self.problems)),
                listed=listed,
            )
            glue = ": "
        super().__init__(f"{where}{glue}{text}" if where else text)

    @property
    def fields(self) -> dict[str, str]:
        """The reason of each field with a problem (the first, if several)."""
        out: dict[str, str] = {}
        for problem in self.problems:
            if problem.field is not None:
                out.setdefault(problem.field, problem.reason)
        return out


class TransitionError(RecordError):
    """A status change or release that IMAS 07.11 does not allow."""

    http_status = 409
    default_message = N_("the change is not allowed in the record's current status")


class SourceError(DemineError):
    """An import file cannot be read as given: names file, row, field, value.

    ``row`` is the row as the file's user sees it (spreadsheet and CSV rows
    count the header as row 1; vector layers count features from 1).
    """

    http_status = 422
    default_message = N_("the file cannot be imported")

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        self.value = value
        where = [file] if file else []
        if row is not None:
            where.append(_("row %(row)s", row=row))
        if field is not None:
            where.append(_("field '%(field)s'", field=field))
        if value is not None:
            where.append(_("value %(value)r", value=str(value)[:80]))
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


REQUIRED = "is required"


def ordered_problems(problems: list[SourceError]) -> list[SourceError]:
    """Problems by file and row (as the sender reads the file), each once.

    A value already reported as unreadable is not also "required" (a bad
    year makes no date, and the empty date is no second problem).
    """
    reported = {(p.file, p.row, p.field) for p in problems if p.reason != REQUIRED}
    kept = [
        p
        for p in problems
        if p.reason != REQUIRED or (p.file, p.row, p.field) not in reported
    ]
    return sorted(kept, key=lambda p: (p.file or "", p.row or 0))


class ImportRejectedError(DemineError):
    """Rows of an import break the register's rules; nothing was written.

    ``problems`` lists every bad row as a :class:`SourceError` (``file``,
    ``row``, ``field``, ``value``, ``reason``).
    """

    http_status = 422
    default_message = N_("the import was rejected; nothing was written")

    def __init__(self, problems: list[SourceError], file: str | None = None) -> None:
        self.problems = ordered_problems(problems)
        problems = self.problems
        self.file = file
        rows = {(p.file, p.row) for p in problems}
        first = problems[0] if problems else None
        head = f"{file}: " if file else ""
        counted = ngettext(
            "%(num)s problem in %(rows)s; nothing was written",
            "%(num)s problems in %(rows)s; nothing was written",
            len(problems),
            num=number(len(problems)),
            # Translators: the rows the problems are in ("3 problems in 2 rows").
            rows=npgettext(
                "problems in rows",
                "%(num)s row",
                "%(num)s rows",
                len(rows),
                num=number(len(rows)),
            ),
        )
        text = head + counted
        if first is not None:
            text += _("; first: %(problem)s", problem=first)
        super().__init__(text)


class PredictionError(DemineError):
    """A grid, label, model or feature table that prediction cannot use."""

    http_status = 422
    default_message = N_("the prediction input is not usable")


class AuthenticationError(DemineError):
    """The request carries no valid session or token, or a wrong password."""

    http_status = 401
    default_message = N_("log in first")


class PermissionDeniedError(DemineError):
    """The user is known but the role does not allow this."""

    http_status = 403
    default_message = N_("your role does not allow this")


class PasswordChangeRequiredError(PermissionDeniedError):
    """A user with a one-time password must change it before anything else."""

    default_message = "change your one-time password first (/account/password)"


class ConflictError(DemineError):
    """Someone else changed the record since it was read.

    ``current`` is the record as stored now, ``submitted`` what the caller sent.
    """

    http_status = 409
    default_message = N_("the record was changed by someone else")

    def __init__(
        self,
        message: str | None = None,
        *,
        current: dict[str, object] | None = None,
        submitted: dict[str, object] | None = None,
    ) -> None:
        self.current = current
        self.submitted = submitted
        super().__init__(message)


class RateLimitError(DemineError):
    """Too many attempts in a short time (login)."""

    http_status = 429
    default_message = N_("too many attempts; wait a minute and try again")

    def __init__(self, message: str | None = None, retry_after: int = 60) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class PayloadTooLargeError(DemineError):
    """An upload or request body is larger than the configured limit."""

    http_status = 413
    default_message = N_("the upload is larger than allowed")
