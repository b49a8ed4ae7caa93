# SPDX-License-Identifier: GPL-3.0-or-later
"""The DemineError tree: every error the core raises on purpose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DemineError(Exception):
    """Base of every error demine raises deliberately.

    ``user_message`` is safe to show to any user; ``http_status`` is what the
    API answers with.
    """

    http_status: int = 500
    default_message: str = "demine could not complete the request"

    def __init__(self, message: str | None = None) -> None:
        self.user_message = message or self.default_message
        super().__init__(self.user_message)


class ConfigurationError(DemineError):
    """A setting or database URL is unusable."""

    http_status = 500
    default_message = "demine is not configured correctly"


class StoreError(DemineError):
    """The database refused or failed an operation."""

    http_status = 503
    default_message = "the register database is not available"


class BusyError(StoreError):
    """Another writer held the register longer than the busy timeout.

    Nothing was written; the same request a little later will pass.
    ``retry_after`` is the seconds a client should wait (HTTP Retry-After).
    """

    http_status = 503
    default_message = (
        "the register is busy with another change (an import?) and stayed "
        "busy longer than the wait allowed; nothing was written, try again shortly"
    )
    retry_after = 10


class NotFoundError(DemineError):
    """A record asked for by id does not exist."""

    http_status = 404
    default_message = "no such record"


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule of one record: the field (None: the whole record) and why."""

    field: str | None
    reason: str

    def __str__(self) -> str:
        return f"field '{self.field}': {self.reason}" if self.field else self.reason


class RecordError(DemineError):
    """A record breaks rules of the register: names the record and the fields.

    ``problems`` lists every broken rule found (each field at once, not the
    first only); ``field`` and ``reason`` are the first one's.
    """

    http_status = 422
    default_message = "the record is not valid"

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
        self.reason = first.reason
        where = ""
        if entity is not None:
            where = entity if record is None else f"{entity} {record}"
        if len(self.problems) == 1:
            text = str(first)
            glue = ", " if first.field else ": "
        else:
            listed = "; ".join(str(p) for p in self.problems)
            text = f"{len(self.problems)} problems: {listed}"
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
    default_message = "the change is not allowed in the record's current status"


class SourceError(DemineError):
    """An import file cannot be read as given: names file, row, field, value.

    ``row`` is the row as the file's user sees it (spreadsheet and CSV rows
    count the header as row 1; vector layers count features from 1).
    """

    http_status = 422
    default_message = "the file cannot be imported"

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
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        if value is not None:
            where.append(f"value {str(value)[:80]!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


class ImportRejectedError(DemineError):
    """Rows of an import break the register's rules; nothing was written.

    ``problems`` lists every bad row as a :class:`SourceError` (``file``,
    ``row``, ``field``, ``value``, ``reason``).
    """

    http_status = 422
    default_message = "the import was rejected; nothing was written"

    def __init__(self, problems: list[SourceError], file: str | None = None) -> None:
        self.problems = problems
        self.file = file
        rows = {(p.file, p.row) for p in problems}
        first = problems[0] if problems else None
        head = f"{file}: " if file else ""
        text = (
            f"{head}{len(problems):,} problem(s) in {len(rows):,} row(s); "
            "nothing was written"
        )
        if first is not None:
            text += f"; first: {first}"
        super().__init__(text)


class PredictionError(DemineError):
    """A grid, label, model or feature table that prediction cannot use."""

    http_status = 422
    default_message = "the prediction input is not usable"


class AuthenticationError(DemineError):
    """The request carries no valid session or token, or a wrong password."""

    http_status = 401
    default_message = "log in first"


class PermissionDeniedError(DemineError):
    """The user is known but the role does not allow this."""

    http_status = 403
    default_message = "your role does not allow this"


class ConflictError(DemineError):
    """Someone else changed the record since it was read.

    ``current`` is the record as stored now, ``submitted`` what the caller sent.
    """

    http_status = 409
    default_message = "the record was changed by someone else"

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
    default_message = "too many attempts; wait a minute and try again"


class PayloadTooLargeError(DemineError):
    """An upload or request body is larger than the configured limit."""

    http_status = 413
    default_message = "the upload is larger than allowed"
