# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/cli.md and docs/api.md are what the code gives now."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "docs_reference", ROOT / "scripts" / "docs_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_reference"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["cli.md", "api.md"])
def test_reference_page_is_current(reference: ModuleType, page: str) -> None:
    path = ROOT / "docs" / page
    make = {"cli.md": reference.cli_page, "api.md": reference.api_page}[page]
    assert path.exists(), f"docs/{page} is missing: run make docs-reference"
    assert path.read_text(encoding="utf-8") == make(), (
        f"docs/{page} is stale: run make docs-reference"
    )


def test_every_command_and_option_has_help(reference: ModuleType) -> None:
    """A reference is only as good as its help texts: none may be empty."""
    missing = []
    for name, command in reference.cli_commands().items():
        if not (command.help or "").strip():
            missing.append(f"demine {name}")
        for param in command.params:
            if param.name != "help" and not (getattr(param, "help", "") or "").strip():
                missing.append(f"demine {name} {param.opts[0]}")
    assert missing == []


def test_every_api_route_names_who_may_call_it(reference: ModuleType) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for path, methods in reference._app().openapi()["paths"].items():
        for method in methods:
            if method in reference.HTTP_METHODS:
                assert f"| {method.upper()} | `{path}` |" in text, (method, path)


def test_readme_and_web_page_link_the_references() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme
    assert "docs/api.md" in readme
