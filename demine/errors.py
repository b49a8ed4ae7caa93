# SPDX-License-Identifier: GPL-3.0-or-later
"""The DemineError tree: every error the core raises on purpose."""

from __future__ import annotations


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


class NotFoundError(DemineError):
    """A record asked for by id does not exist."""

    http_status = 404
    default_message = "no such record"


class RecordError(DemineError):
    """A record breaks a rule of the register: names the record and the field."""

    http_status = 422
    default_message = "the record is not valid"

    def __init__(
        self,
        message: str,
        *,
        entity: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.entity = entity
        self.record = record
        self.field = field
        where = []
        if entity is not None:
            where.append(entity if record is None else f"{entity} {record}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class TransitionError(RecordError):
    """A status change or release that IMAS 07.11 does not allow."""

    http_status = 409
    default_message = "the change is not allowed in the record's current status"
