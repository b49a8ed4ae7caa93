# SPDX-License-Identifier: GPL-3.0-or-later
"""Which language a text is made in: negotiation, context, threads."""

from __future__ import annotations

import pytest

from demine.i18n import (
    LANGUAGES,
    check_language,
    negotiate,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, de;q=0.8", None),
        ("fr;q=0.9, en;q=0.1", "en"),
        ("EN-us", "en"),
        ("en;q=0", None),  # q=0 means "not acceptable"
        ("*", None),
        ("en;q=banana", None),
        ("<script>, en", "en"),
    ],
)
def test_accept_language_picks_the_best_known_language(
    header: str | None, expected: str | None
) -> None:
    assert negotiate(header) == expected


def test_weights_decide_over_order() -> None:
    code = next(iter(LANGUAGES))
    assert negotiate(f"fr, xx;q=0.9, {code};q=0.5") == code
    assert negotiate(f"{code};q=0.2, fr;q=0.9") == code


def test_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="use one of en"):
        check_language("klingon")
