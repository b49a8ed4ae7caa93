# SPDX-License-Identifier: GPL-3.0-or-later
"""JSON output is the same text for the same register (issue 11, defect 9).

After ``pg_dump``/``pg_restore`` the keys of ``summary --json`` came out in
another order, and floats summed in another row order differ in their last
digits: keys are sorted and floats rounded where the digits mean nothing.
The end-to-end proof is ``tests/reliability/test_backup.py``.
"""

from __future__ import annotations

import pytest

from demine.commands.app import emit_json


def test_keys_are_sorted_and_noise_is_rounded(capsys: pytest.CaptureFixture) -> None:
    emit_json({"remaining": 0.1 + 0.2, "cleared": -1e-12, "by": {"b": 1, "a": 2}})
    first = capsys.readouterr().out
    emit_json({"by": {"a": 2, "b": 1}, "cleared": 0.0, "remaining": 0.3})
    assert capsys.readouterr().out == first
    assert first.index('"a"') < first.index('"b"')
    assert '"remaining": 0.3' in first
    assert "-0.0" not in first
