"""What did staff type into the one search box? Detection and normalisation, no I/O."""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

from cso_tui.services.schemas import SearchKind

_IDENT = re.compile(r"^[A-Za-z]{1,5}-[0-9-]*$|^[A-Za-z]{1,5}[0-9][0-9-]*$")
_PHONEISH = re.compile(r"^[+()0-9 .\-]+$")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

METER_PREFIXES = ("M-",)
DEVICE_PREFIXES = ("D-",)
ACCOUNT_PREFIXES = ("WU-", "ACC-")
MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class Detected:
    kind: SearchKind
    key: str  # normalised: upper-case identifier, lower-case email, reversed phone digits
    tokens: tuple[str, ...] = ()  # name/address words, lower-case
    digits: str = ""  # for short digit runs: also tried as an account number suffix


def phone_key(phone: str | None) -> str | None:
    """National-number digits, reversed, so 'ends with' becomes an index range."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[::-1] or None


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def unaccent(text: str) -> str:
    """ "José Álvarez" -> "Jose Alvarez": staff type names without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(text: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in _TOKEN.findall(text))


def detect(term: str) -> Detected:
    text = term.strip()
    if not text:
        return Detected(SearchKind.EMPTY, "")
    if "@" in text:
        return Detected(SearchKind.EMAIL, text.lower())
    if _IDENT.match(text):
        key = text.upper()
        if key.startswith(METER_PREFIXES):
            return Detected(SearchKind.METER, key)
        if key.startswith(DEVICE_PREFIXES):
            return Detected(SearchKind.DEVICE, key)
        return Detected(SearchKind.ACCOUNT, key)
    if _PHONEISH.match(text):
        digits = re.sub(r"\D", "", text)
        punctuated = any(c in text for c in "()+ .-")
        if len(digits) >= MIN_PHONE_DIGITS or (punctuated and len(digits) >= 3):
            return Detected(SearchKind.PHONE, phone_key(text) or "")
        if len(digits) >= 1:
            # a short number: an account number's digits ("10001") or a phone's last digits
            return Detected(SearchKind.ACCOUNT, "", digits=digits)
    tokens = name_tokens(text)
    if not tokens:
        return Detected(SearchKind.EMPTY, "")
    return Detected(SearchKind.NAME, " ".join(tokens), tokens=tokens)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix``, or None when
    there is none (the prefix is empty or all U+10FFFF): then the range has no upper end."""
    stem = prefix.rstrip(chr(sys.maxunicode))
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)
