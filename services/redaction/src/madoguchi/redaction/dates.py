"""Dates of birth: western (1985年3月5日, 1985/03/05, March 5, 1985) and 和暦
(昭和60年3月5日, 平成元年, H3.4.5). A date alone is not a birth date (申請日, 予約日), so the
full-date patterns need a birth context word; `...年生まれ` carries its own."""

from __future__ import annotations

from presidio_analyzer import Pattern

from madoguchi.redaction.recognizer_base import ContextPatternRecognizer

_ERA = r"(?:明治|大正|昭和|平成|令和)"
_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = rf"(?:{_ERA}\s?(?:{_N}|元)|\d{{4}})"
# A hesitation between the parts of a date said aloud: 2026年7月，嗯，9号 / 1994년, 어, 1월 28일
_PAUSE = r"(?:[，,、]?\s?(?:嗯|呃|那个|えー|あの|어|음|저기|그)[，,、]?\s?|[，,]\s?)?"
# Sino-Korean numerals and the eras as Koreans say them (이천일년 일월 십이일, 쇼와 54년)
_KO_NUM = r"(?:\d{1,4}|[일이삼사오육칠팔구십백천]{1,6})"
_KO_MONTH = r"(?:\d{1,2}|[일이삼사오칠팔구십]{1,3}|유|시)"
_KO_YEAR = rf"(?:(?:쇼와|헤이세이|레이와|다이쇼)\s?\d{{1,2}}|{_KO_NUM})"
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# 2 tháng 3 năm 2020, 2 tháng 03 2020 (normalisation joins "03 2020" to 03-2020)
_VI_DATE = r"\d{1,2} tháng \d{1,2}(?:(?: năm|,)? |-)\d{4}(?!\d)"

BIRTH_CONTEXT = (
    "生年月日", "生まれ", "誕生日", "生年", "たんじょうび", "せいねんがっぴ", "うまれ",
    "born", "birth", "dob", "birthday", "出生", "生日",
    "생년월일", "태어", "생일", "출생", "생이", "生的",  # 10일생이에요, 1991/8/27生的
    "ngày sinh", "sinh ngày", "sinh năm", "sinh vào", "tôi sinh", ", sinh",
)


class DateOfBirthRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "DATE_OF_BIRTH",
            [
                # 1985年の3月5日 as spoken; 号 for the day in Chinese (1985年3月5号)
                Pattern("ja_full", rf"{_YEAR}\s?年\s?の?{_PAUSE}\s?{_N}\s?月{_PAUSE}"
                                   rf"\s?{_N}\s?(?:日|号)",
                        0.35),
                # a two-digit year (96年6月17号): only with a birth word near
                Pattern("two_digit_year", rf"(?<!\d)\d{{2}}\s?年{_PAUSE}\s?{_N}\s?月{_PAUSE}\s?{_N}"
                                          r"\s?(?:日|号)", 0.2),
                Pattern("ja_year_month", rf"{_YEAR}\s?年\s?{_N}\s?月(?!\s?{_N}\s?日)", 0.25),
                Pattern("ja_year_born", rf"{_YEAR}\s?年(?=\s?(?:生まれ|の生まれ))", 0.8),
                Pattern("era_letter", r"(?<![A-Za-z])[MTSHR]\d{1,2}[./]\d{1,2}[./]\d{1,2}(?!\d)",
                        0.35),
                Pattern("iso", r"(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?![\d-])", 0.35),
                Pattern("dmy", r"(?<![\d-])\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?!\d)", 0.35),
                Pattern("en_mdy", rf"{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}", 0.35),
                Pattern("en_dmy", rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS},? \d{{4}}", 0.35),
                Pattern("ko_full", rf"(?<![\d가-힣]){_KO_YEAR}\s?년{_PAUSE}"
                                   rf"\s?{_KO_MONTH}\s?월{_PAUSE}"
                                   rf"\s?{_KO_NUM}\s?일", 0.35),
                Pattern("vi_full", rf"(?:ngày )?{_VI_DATE}", 0.35),
                # "sinh ngày ..." says birth inside the date's own words
                Pattern("vi_born", rf"(?<=sinh (?:vào )?(?:ngày )?){_VI_DATE}", 0.8),
            ],
            BIRTH_CONTEXT, language, name="date_of_birth", window=(30, 12),
        )
