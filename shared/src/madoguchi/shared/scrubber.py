"""Scrub text bound for logs, spans and error messages (defence in depth).

Services must log ids and counts only; this catches what slips through anyway — an exception
message that echoes its input, a stray f-string. It is deliberately blunt and dependency-free
(no NLP model in every service): it masks

- any run of Japanese, Chinese or Korean script (log messages are written in English, so such a
  run is conversation content: names, addresses, whole utterances) → `<TEXT>`;
- e-mail addresses → `<EMAIL>`;
- 在留カード / passport shapes (2 letters + 7-8 digits [+ 2 letters], 1 letter + 8 digits)
  → `<ID>`;
- digit sequences of 6 or more digits, possibly grouped by spaces, dashes or brackets
  (phone numbers, マイナンバー, postal codes with 〒, account numbers), full-width digits
  included → `<NUMBER>`.

Digits glued to letters or dashes on both sides (uuids, hex event ids, `mg.v1...` subjects) are
left alone so that logs stay useful. Latin-script names cannot be told apart from ordinary words
by a pattern: keeping content out of log calls remains the first rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
    r"\u3130-\u318f\uff66-\uff9f々〆〇ー]+"
    r"(?:[\s\u3000、。・]*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
    r"\u1100-\u11ff\u3130-\u318f\uff66-\uff9f々〆〇ー0-9０-９]+)*"
    # The block number that ends a Japanese address (西新宿2-8-1).
    r"(?:[-－ー‐]?[0-9０-９]+)*"
)
_EMAIL = re.compile(r"[\w.%+-]+(?:@|＠)[\w-]+(?:\.[\w-]+)+")
_ID = re.compile(
    r"(?<![A-Za-z0-9\-])(?:[A-Za-z]{2}\d{7,8}(?:[A-Za-z]{2})?|[A-Za-z]\d{8})(?![A-Za-z0-9])"
)
_DIGIT = r"[0-9０-９]"
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9_\-:])(?<!\d\.){_DIGIT}(?:[\s()\-‐－ー/〒]{{0,2}}{_DIGIT}){{5,}}"
    r"(?![A-Za-z0-9_\-:]|\.\d)"
    rf"|〒\s?{_DIGIT}{{3}}[-－ー]?{_DIGIT}{{4}}"
    rf"|\+{_DIGIT}{{1,3}}[\s\-]?(?:{_DIGIT}[\s\-]?){{6,}}{_DIGIT}"
)


def scrub(text: str) -> str:
    """Return `text` with anything that may be personal data masked by a typed placeholder."""
    if not text:
        return text
    text = _EMAIL.sub("<EMAIL>", text)
    text = _CJK.sub("<TEXT>", text)
    text = _ID.sub("<ID>", text)
    return _NUMBER.sub("<NUMBER>", text)


def scrub_value(value: Any) -> Any:
    """Scrub strings (also inside lists/tuples/dicts); other values pass unchanged."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {key: scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(item) for item in value)
    return value


def scrub_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """For span attributes and event fields before they are exported."""
    return {key: scrub_value(value) for key, value in attributes.items()}
