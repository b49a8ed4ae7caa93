# SPDX-License-Identifier: GPL-3.0-or-later
"""Every text the browser UI shows, by key, from the catalogue in ``locales/``.

``locales/<lang>/*.yaml`` hold one topic each (``core.yaml``, ``planning.yaml``...).
Add a language by adding a directory with files of the same keys (Azerbaijani
``az``, Russian ``ru``...); a missing key falls back to English.
"""

from __future__ import annotations

from pathlib import Path

import yaml

LOCALES = Path(__file__).parent / "locales"


def load_catalogue(directory: Path) -> dict[str, str]:
    """All keys of one language; a key defined in two topic files is an error."""
    merged: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        texts = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(texts, dict):
            raise ValueError(f"{path}: expected a mapping of key: text")
        for key, text in texts.items():
            if key in merged:
                raise ValueError(f"{path}: message key {key!r} is defined twice")
            merged[str(key)] = str(text)
    return merged


CATALOGUES: dict[str, dict[str, str]] = {
    lang.name: load_catalogue(lang)
    for lang in sorted(LOCALES.iterdir())
    if lang.is_dir()
}
EN = CATALOGUES["en"]


def translate(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` (English if missing), filled with values."""
    text = CATALOGUES.get(lang, EN).get(key) or EN.get(key, key)
    return text.format(**values) if values else text
