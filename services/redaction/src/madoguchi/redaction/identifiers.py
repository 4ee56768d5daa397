"""Government and bank identifiers: マイナンバー, 在留カード, passports, bank accounts, and
the national ids of visitors' countries (中国 居民身份证, 한국 주민등록번호)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from madoguchi.redaction.recognizer_base import ContextPatternRecognizer, digits

# Digit runs are delimited by anything that is not a digit or a dash, so 12 digits inside a
# longer number never match.
_NB = r"(?<![\d-])"
_NA = r"(?![\d-])"
_AN_B = r"(?<![A-Za-z0-9])"
_AN_A = r"(?![A-Za-z0-9])"

MY_NUMBER_CONTEXT = (
    "マイナンバー", "個人番号", "マイナ", "my number", "mynumber", "individual number",
    "个人编号", "個人編號", "个人番号", "마이넘버", "개인번호", "mã số cá nhân",
)
RESIDENCE_CARD_CONTEXT = (
    "在留カード", "在留", "residence card", "zairyu", "在留卡", "居留卡", "체류카드", "재류카드",
    "thẻ cư trú", "thẻ lưu trú",
)
PASSPORT_CONTEXT = ("パスポート", "旅券", "passport", "护照", "護照", "여권", "hộ chiếu")
BANK_CONTEXT = (
    "口座", "account", "acct", "账号", "帐号", "账户", "賬戶", "계좌", "tài khoản", "支店",
    "普通", "当座", "ゆうちょ", "振込", "振り込み",
)
NATIONAL_ID_CONTEXT = (
    "身份证", "身分證", "居民身份", "주민등록", "주민번호", "id number", "national id",
    "căn cước", "cccd", "cmnd",
)


def my_number_check_digit(eleven: str) -> int:
    """総務省令第85号 第5条: P_n is the n-th digit from the right of the first 11 digits;
    Q_n = n + 1 (1 ≤ n ≤ 6), n − 5 (7 ≤ n ≤ 11); check = 0 if Σ mod 11 ≤ 1 else 11 − Σ mod 11."""
    total = 0
    for n, char in enumerate(reversed(eleven), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(char) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


class MyNumberRecognizer(ContextPatternRecognizer):
    """Twelve digits with a valid check digit are masked whatever surrounds them and in any
    language: context words only raise the score. About 1 in 11 random 12-digit numbers pass
    the check, so an order number is sometimes masked too — the trail is permanent and a
    missed My Number is not, so privacy wins over precision here."""

    def __init__(self, language: str) -> None:
        super().__init__(
            "MY_NUMBER",
            [Pattern("my_number_12", _NB + r"\d{4}-?\d{4}-?\d{4}" + _NA, 0.5)],
            MY_NUMBER_CONTEXT, language, name="my_number", context_required=False,
            window=(40, 15),
        )

    def validate_result(self, pattern_text: str) -> bool:
        number = digits(pattern_text)
        if len(number) != 12 or len(set(number)) == 1:
            return False
        return my_number_check_digit(number[:11]) == int(number[11])


class ResidenceCardRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "RESIDENCE_CARD",
            # read out in parts, a recogniser may put spaces between them (GR 5819 7220 WD,
            # whose digit groups normalisation has joined to 5819-7220)
            [Pattern("residence_card",
                     _AN_B + r"[A-Za-z]{2}[- ]?\d{4}-?\d{4}[- ]?[A-Za-z]{2}" + _AN_A, 0.85)],
            RESIDENCE_CARD_CONTEXT, language, name="residence_card",
        )


class PassportRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "PASSPORT",
            [
                # Japan: 2 letters + 7 digits (TK1234567). Other shapes need the word passport.
                # (a space after the letters: how a recogniser writes "T K, 1234567")
                Pattern("passport_jp", _AN_B + r"[A-Za-z]{2}[- ]?\d{7}" + _AN_A, 0.5),
                Pattern("passport_letter_8", _AN_B + r"[A-Za-z] ?\d{8}" + _AN_A, 0.3),
                Pattern("passport_letter_7", _AN_B + r"[A-Za-z] ?\d{7}" + _AN_A, 0.3),
                Pattern("passport_digits_9", _AN_B + r"\d{9}" + _AN_A, 0.1),
            ],
            PASSPORT_CONTEXT, language, name="passport", window=(40, 12),
        )


class PassportCodeRecognizer(ContextPatternRecognizer):
    """Passport numbers of other shapes (GH5CP9V5Y, 12NG46228, M 111P4859, XN196979): seven to
    ten letters and digits mixed, only beside the word passport — alone, such a token is as
    likely a booking or a product code."""

    def __init__(self, language: str) -> None:
        super().__init__(
            "PASSPORT",
            [Pattern("passport_code", _AN_B + r"(?:[A-Z]{1,2} )?[A-Za-z0-9]{5,10}" + _AN_A, 0.3)],
            PASSPORT_CONTEXT, language, name="passport_code", context_required=True,
            window=(40, 12),
        )

    def validate_result(self, pattern_text: str) -> bool:
        code = pattern_text.replace(" ", "")
        letters = sum(char.isalpha() for char in code)
        return 7 <= len(code) <= 10 and letters >= 1 and len(code) - letters >= 2


class BankAccountRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "BANK_ACCOUNT",
            [
                Pattern("bank_branch_account", _NB + r"\d{3}-\d{7}" + _NA, 0.4),
                Pattern("bank_jp_account", _NB + r"\d{7}" + _NA, 0.3),
                Pattern("yucho_kigo_bango", _NB + r"1\d{4}-\d{6,8}" + _NA, 0.4),
                Pattern("bank_generic", _NB + r"\d{8,16}" + _NA, 0.2),
            ],
            BANK_CONTEXT, language, name="bank_account", context_required=True, window=(30, 10),
        )


def cn_resident_id_valid(number: str) -> bool:
    """GB 11643-1999: ISO 7064 MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


class NationalIdRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "NATIONAL_ID",
            [
                Pattern("cn_resident_id", _AN_B + r"\d{17}[\dXx]" + _AN_A, 0.5),
                Pattern("kr_rrn", _NB + r"\d{6}-[1-8]\d{6}" + _NA, 0.7),
                Pattern("vn_cccd", _NB + r"0\d{11}" + _NA, 0.2),
            ],
            NATIONAL_ID_CONTEXT, language, name="national_id",
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        if len(pattern_text) == 18:
            return cn_resident_id_valid(pattern_text)
        return None
