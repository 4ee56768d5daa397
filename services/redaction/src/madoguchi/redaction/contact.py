"""Phone numbers (Japanese plans and visitors' home formats), e-mail and postal codes."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from madoguchi.redaction.recognizer_base import ContextPatternRecognizer, digits

_NB = r"(?<![\d-])"
_NA = r"(?![\d-])"

PHONE_CONTEXT = (
    "電話", "でんわ", "tel", "phone", "携帯", "連絡先", "番号", "电话", "手机", "電話號碼", "联系",
    "전화", "핸드폰", "휴대폰", "연락처", "điện thoại", "số", "call", "mobile", "cell",
)
POSTAL_CONTEXT = (
    "郵便番号", "〒", "postal", "zip", "post code", "postcode", "邮编", "邮政编码", "郵遞區號",
    "우편번호", "mã bưu", "ゆうびん",
    "-ku,", " ku,", "tokyo,",  # straight after a romaji address: "..., Shinjuku-ku, 167-4897"
)


class JapanesePhoneRecognizer(ContextPatternRecognizer):
    """固定 (10 digits), 携帯 070/080/090 and IP 050 (11), 0120 (10), 0800 (11), +81."""

    def __init__(self, language: str) -> None:
        super().__init__(
            "PHONE_JP",
            [
                Pattern("jp_mobile_ip", _NB + r"0[5789]0-?\d{4}-?\d{4}" + _NA, 0.75),
                Pattern("jp_toll_free", _NB + r"0120-?\d{3}-?\d{3}" + _NA, 0.75),
                Pattern("jp_0800", _NB + r"0800-?\d{3}-?\d{4}" + _NA, 0.75),
                Pattern("jp_landline", _NB + r"0\d{1,4}-\d{1,4}-\d{4}" + _NA, 0.6),
                Pattern("jp_landline_paren", _NB + r"0\d{1,4}\(\d{1,4}\)\d{4}" + _NA, 0.6),
                Pattern("jp_continuous", _NB + r"0\d{9,10}" + _NA, 0.45),
                # read in two groups (03 / 63819145, 033303 / 3884): the digit count decides
                Pattern("jp_two_groups", _NB + r"0\d{1,5}-\d{4,8}" + _NA, 0.45),
                Pattern("jp_intl", r"\+81[- ]?(?:\(0\))?\d{1,4}-?\d{1,4}-?\d{4}" + _NA, 0.8),
            ],
            PHONE_CONTEXT, language, name="phone_jp",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        number = digits(pattern_text)
        if pattern_text.startswith("+81"):
            national = number[2:]
            return 9 <= len(national) <= 10
        if number[:3] in {"050", "070", "080", "090"} or number.startswith("0800"):
            return len(number) == 11
        if number.startswith("0120"):
            return len(number) == 10
        # Landlines: 10 digits; returning None keeps the pattern's own score (not "validated").
        return None if len(number) == 10 else False


class ForeignPhoneRecognizer(ContextPatternRecognizer):
    """Visitors' home numbers, per language (so a Japanese number is never typed as foreign)."""

    _BY_LANGUAGE: ClassVar[dict[str, list[Pattern]]] = {
        "zh": [Pattern("cn_mobile", _NB + r"1[3-9]\d-?\d{4}-?\d{4}" + _NA, 0.6)],
        "ko": [Pattern("kr_mobile", _NB + r"01[016789]-?\d{3,4}-?\d{4}" + _NA, 0.6)],
        "vi": [Pattern("vn_mobile", _NB + r"0[35789]\d{8}" + _NA, 0.6),
               Pattern("vn_mobile_grouped", _NB + r"0[35789]\d{2}-\d{3}-\d{3}" + _NA, 0.6)],
        "en": [Pattern("nanp", r"(?<![\d-])\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}" + _NA, 0.5)],
    }

    def __init__(self, language: str) -> None:
        patterns = [
            # Any +CC number that is not Japanese (+81 is PHONE_JP).
            Pattern("intl", r"\+(?!81)\d{1,3}[- ]?\(?\d{1,4}\)?(?:[- ]?\d{2,4}){2,3}" + _NA, 0.6),
            *self._BY_LANGUAGE.get(language, []),
        ]
        super().__init__("PHONE_NUMBER", patterns, PHONE_CONTEXT, language, name="phone_foreign")


_SPOKEN_LOCAL = (r"[A-Za-z0-9._%+-]+"
                 r"(?:(?: (?:dot|underscore|dash|hyphen|chấm) "
                 r"| ?(?:点|점|下划线|언더바|アンダーバー) ?)"
                 r"[A-Za-z0-9._%+-]+)*")
_SPOKEN_DOMAIN = (r"[A-Za-z0-9-]+(?:(?: ?(?:ドット|dot|点|점|chấm|\.) ?[A-Za-z0-9-]+)+"
                  r"| ?닷컴)")


class EmailRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "EMAIL",
            [Pattern("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@"
                              r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z])", 0.9),
             # read out: "taro アットマーク example ドット jp", "taro 골뱅이 naver 점 com",
             # "an a còng gmail chấm com", "li_meng at 163 点 com", "amber dot lee at x dot com"
             Pattern("email_spoken", rf"(?<![A-Za-z0-9._%+-]){_SPOKEN_LOCAL} ?"
                                     r"(?:アットマーク|アット|골뱅이|앳|a còng|a móc|艾特) ?"
                                     rf"{_SPOKEN_DOMAIN}(?![A-Za-z])", 0.8),
             Pattern("email_spoken_at", rf"(?<![A-Za-z0-9._%+-]){_SPOKEN_LOCAL} at "
                                        rf"{_SPOKEN_DOMAIN}(?![A-Za-z])", 0.6)],
            ("mail", "メール", "邮箱", "이메일", "email"), language, name="email",
        )


class PostalCodeRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        patterns = [
            Pattern("jp_postal_mark", r"〒\s?\d{3}-?\d{4}" + _NA, 0.95),
            Pattern("jp_postal", _NB + r"\d{3}-\d{4}" + _NA, 0.3),
            Pattern("jp_postal_7", _NB + r"\d{7}" + _NA, 0.1),
        ]
        if language in {"en", "ko"}:
            patterns.append(Pattern("zip5", _NB + r"\d{5}(?:-\d{4})?" + _NA, 0.05))
        super().__init__("POSTAL_CODE", patterns, POSTAL_CONTEXT, language, name="postal_code",
                         window=(20, 6))
