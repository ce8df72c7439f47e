"""Phone numbers: tell a number from text, and make a `tel:` link for it.

libphonenumber (the `phonenumbers` package) knows which mainland numbers are
valid today. Short service numbers (110, 12356…) and 400/800 numbers are
dialled as written; everything else that it accepts becomes E.164.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from .messages import M

_ALLOWED = re.compile(r"^\+?[0-9(][0-9 ()\-]*$")


@dataclass(frozen=True)
class ParsedPhone:
    tel: str
    warning: str | None = None


class PhoneError(ValueError):
    """The text is not a phone number at all; `args[0]` is the message (a `Msg`)."""


def parse_phone(text: str, ext: str | None = None) -> ParsedPhone:
    """Parse one number as an editor wrote it; raise PhoneError for non-numbers."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("－", "-").replace("—", "-")
    if not cleaned or not _ALLOWED.match(cleaned):
        raise PhoneError(M("phone.not_a_number", "{text!r} is not a phone number (digits with an "
                           "area code, e.g. \"0755-55501234\", a mobile number, or a short number "
                           "like \"12356\")", text=text))
    digits = re.sub(r"\D", "", cleaned)
    suffix = f";ext={ext}" if ext else ""
    domestic = not cleaned.startswith("+") and not digits.startswith("00")
    if domestic and digits.startswith("0") and not 10 <= len(digits) <= 12:
        raise PhoneError(M("phone.area_code_length", "{text!r} has {count} digits, which no "
                           "number with an area code has (10–12: the area code, then a 7- or "
                           "8-digit local number, e.g. \"0755-55501234\")", text=text,
                           count=len(digits)))
    if not cleaned.startswith("+") and 3 <= len(digits) <= 6:
        return ParsedPhone(f"tel:{digits}{suffix}")
    if len(digits) < 7 or len(digits) > 15:
        raise PhoneError(M("phone.length", "{text!r} has {count} digit{s}, which no phone number "
                           "has (3–6 for a short number, 10–12 with the area code, 11 for a "
                           "mobile)", text=text, count=len(digits),
                           s="s" if len(digits) > 1 else ""))
    if domestic and digits.startswith("1") and len(digits) >= 9 and len(digits) != 11:
        raise PhoneError(M("phone.mobile_length", "{text!r} has {count} digits, which no mobile "
                           "number has (11 digits, e.g. \"13800138000\")", text=text,
                           count=len(digits)))
    if not cleaned.startswith("+") and digits[:3] in ("400", "800"):
        if len(digits) != 10:
            return ParsedPhone(f"tel:{digits}{suffix}",
                               M("phone.400_length", "{text!r}: 400/800 numbers have 10 digits "
                                 "(check the number)", text=text))
        return ParsedPhone(f"tel:{digits}{suffix}")
    try:
        number = phonenumbers.parse(cleaned, "CN")
    except phonenumbers.NumberParseException:
        raise PhoneError(M("phone.unparsable", "{text!r} is not a phone number (digits with an "
                           "area code)", text=text)) from None
    if phonenumbers.is_valid_number(number):
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return ParsedPhone(f"tel:{e164}{suffix}")
    # A plausible shape that is not valid today (e.g. an old 7-digit local number):
    # show it and let the visitor try, dialled as written.
    return ParsedPhone(f"tel:{digits}{suffix}",
                       M("phone.not_valid_today", "{text!r} is not a valid number today (check "
                         "it; old 7-digit local numbers have changed)", text=text))


def from_abroad(tel: str) -> str | None:
    """How a number is dialled from a phone that is not on a mainland network, written as
    libphonenumber writes it (`tel:+8675555500121` → `+86 755 5550 0121`); None for a
    short service number (12356, 110) and a 400/800 number, which only mainland networks
    connect."""
    if not tel.startswith("tel:+"):
        return None
    number = tel[len("tel:"):].split(";", 1)[0]
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(parsed)
    T = phonenumbers.PhoneNumberType
    if kind in (T.TOLL_FREE, T.SHARED_COST, T.UAN, T.PREMIUM_RATE):  # 400/800: mainland only
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
