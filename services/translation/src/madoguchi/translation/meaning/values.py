"""Critical values in a sentence: amounts, counts, dates, times, durations, counter and floor
numbers, plain numbers — found in ja, en, zh, ko and vi and written one way (`kind:value`).

300円, ¥300 and 300 yen are all `amount:300`; 令和8年4月1日 and April 1, 2026 are
`date:2026-04-01`; 午後3時 and 3 p.m. are `time:15:00`; 14日以内, within 14 days and 2週間
are `duration:14d`; 3番窓口 and counter 3 are `counter:3`; 2階 and 2nd floor `floor:2`.
Composite values are found first and their span is taken, so the 3 of 3 p.m. is not also a
plain number. A value carries its span in the (NFKC) text, so a tablet can highlight it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from madoguchi.shared.numerals import KANJI_DIGITS, KANJI_UNITS, kanji_number

_EN_UNITS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_EN_TENS = {w: 10 * i for i, w in enumerate((
    "_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))
    if w != "_"}
_KO_NATIVE = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5,
              "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_VI_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
             "chín": 9, "mười": 10}
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_MONTHS = {m: i for i, m in enumerate((
    "_", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december")) if m != "_"}

_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_KANJI = r"[〇零一二三四五六七八九十百千万两]+"
_EN_WORD = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|"
            r"three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|"
            r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
            r"eighteen|nineteen)(?: hundred)?")
_KO_WORD = "|".join(sorted(_KO_NATIVE, key=len, reverse=True))
_VI_WORD = "|".join(_VI_WORDS)
NUM = {
    "ja": rf"(?:{_DIGITS}|{_KANJI})", "zh": rf"(?:{_DIGITS}|{_KANJI})",
    "en": rf"\b(?:{_DIGITS}|{_EN_WORD}|a|an)\b", "ko": rf"(?:{_DIGITS}|{_KO_WORD})",
    "vi": rf"\b(?:{_DIGITS}|{_VI_WORD})\b",
}


def number(text: str) -> int | None:
    """A number as written in any of the five languages (digits, kanji, words)."""
    text = text.strip().lower().replace(",", "")
    if text.isdigit():
        return int(text)
    if text in ("a", "an"):
        return 1
    if text in _KO_NATIVE:
        return _KO_NATIVE[text]
    if text in _VI_WORDS:
        return _VI_WORDS[text]
    if all(c in KANJI_DIGITS or c in KANJI_UNITS or c == "万" for c in text):
        return kanji_number(text)
    return _english(text)


def _english(text: str) -> int | None:
    value, hundred = 0, False
    for word in re.split(r"[- ]+", text):
        if word in _EN_UNITS:
            value += _EN_UNITS[word]
        elif word in _EN_TENS:
            value += _EN_TENS[word]
        elif word == "hundred":
            value, hundred = (value or 1) * 100, True
        else:
            return None
    return value if value or hundred or text == "zero" else 0


@dataclass(frozen=True)
class Value:
    kind: str
    value: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


def _hour(hour: int, marker: str | None) -> int:
    if marker is None:
        return hour
    if marker in ("pm", "p.m.", "午後", "下午", "晚上", "오후", "chiều", "tối") and hour < 12:
        return hour + 12
    if marker in ("am", "a.m.", "午前", "上午", "早上", "오전", "sáng") and hour == 12:
        return 0
    return hour


def _time(hour: str, minute: str | None, marker: str | None, half: bool = False) -> str | None:
    h, m = number(hour), (number(minute) if minute else (30 if half else 0))
    if h is None or m is None or h > 24 or m > 59:
        return None
    return f"{_hour(h, marker.lower() if marker else None):02d}:{m:02d}"


def _date(year: int | None, month: int | None, day: int | None) -> str | None:
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    parts = [f"{year:04d}" if year else None, f"{month:02d}" if month else None,
             f"{day:02d}" if day else None]
    return "-".join(p for p in parts if p) or None


def _year(era: str | None, value: str | None) -> int | None:
    if value is None:
        return None
    year = 1 if value == "元" else number(value)
    if year is None:
        return None
    return _ERAS[era] + year if era else year


_DURATION_UNITS = {
    "d": ("日", "日間", "days", "day", "天", "일", "ngày"),
    "w": ("週間", "weeks", "week", "周", "星期", "주", "주일", "tuần"),
    "mo": ("か月", "ヶ月", "カ月", "ケ月", "months", "month", "个月", "個月", "개월", "달",
           "tháng"),
    "y": ("年間", "years", "year", "년", "năm"),
    "h": ("時間", "hours", "hour", "小时", "小時", "시간", "tiếng", "giờ đồng hồ"),
    "min": ("分間", "minutes", "minute", "分钟", "분", "phút"),
}


def _duration(amount: str, unit: str) -> str | None:
    value = number(amount)
    if value is None:
        return None
    unit = unit.lower()
    code = next(c for c, words in _DURATION_UNITS.items() if unit in words)
    if code == "w":
        return f"{value * 7}d"
    return f"{value}{code}"


def _patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    n = NUM[lang]
    found: list[tuple[str, str]] = []
    if lang in ("ja", "zh"):
        found += [
            ("date", rf"(?P<era>令和|平成|昭和)?(?P<y>{n}|元)年"
                     rf"(?:(?P<m>{n})月(?:(?P<d>{n})[日号])?)?"),
            ("date", rf"(?P<m>{n})月(?P<d>{n})[日号]"),
            ("time", rf"(?P<ampm>午前|午後|上午|下午|早上|晚上)?(?P<h>{n})[時时](?:(?P<min>{n})分"
                     rf"|(?P<half>半))?"),
            # 点 is an hour only with a marker, digits, or minutes (一点 alone is "a little").
            ("time", rf"(?P<ampm>上午|下午|早上|晚上)(?P<h>{n})[点點]"
                     rf"(?:(?P<min>{n})分|(?P<half>半))?"
                     rf"|(?P<h2>\d{{1,2}})[点點](?:(?P<min2>{n})分|(?P<half2>半))?"
                     rf"|(?P<h3>{n})[点點](?:(?P<min3>{n})分|(?P<half3>半))"),
            ("duration", rf"(?P<n>{n})(?P<u>週間|か月|ヶ月|カ月|ケ月|年間|時間|分間|日間|个月|個月|"
                         rf"小时|小時|"
                         rf"分钟|周|星期|天)"),
            ("duration", rf"(?P<n>{n})(?P<u>日)(?=以内|以上|まで|内|之内)"),
            ("amount", rf"(?:¥|￥)\s?(?P<n>{n})|(?P<n2>{n})\s?(?:円|日元|日圆|元)"),
            ("counter", rf"(?P<n>{n})\s?[番号]\s?(?:の)?(?:窓口|窗口)"
                        rf"|(?:窓口|窗口)\s?(?P<n2>{n})\s?[番号]?"),
            ("floor", rf"(?P<n>{n})\s?[階阶楼層层]"),
            ("count", rf"(?P<n>{n})\s?(?:通|枚|部|人|名|件|冊|份|张|張|个|個|次|回|つ)"),
            ("number", rf"(?P<n>{_DIGITS}|{_KANJI}(?=番|号))"),
        ]
    elif lang == "en":
        found += [
            ("date", r"(?P<mon>January|February|March|April|May|June|July|August|September|"
                     r"October|November|December)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
                     r"(?:,?\s+(?P<y>\d{4}))?"),
            ("date", r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>January|February|"
                     r"March|April|May|June|July|August|September|October|November|December)"
                     r"(?:,?\s+(?P<y>\d{4}))?"),
            ("date", r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
            ("date", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"),
            ("date", r"(?:in|year)\s+(?P<y>\d{4})"),
            ("time", rf"(?P<h>\d{{1,2}}|{_EN_WORD})(?::(?P<min>\d{{2}}))?\s*(?P<ampm>a\.m\.|p\.m\.|"
                     rf"am\b|pm\b)"),
            ("time", r"(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*o'clock|(?P<h2>\d{1,2}):(?P<min2>"
                     r"\d{2})"),
            ("duration", rf"(?P<n>{n})[\s-]+(?P<u>days?|weeks?|months?|years?|hours?|minutes?)"),
            ("amount", rf"(?:¥|JPY)\s?(?P<n>{_DIGITS})|(?P<n2>{n})\s?(?:yen|JPY)\b"),
            ("counter", rf"(?:counter|window|desk)\s+(?:number\s+|no\.\s*)?(?P<n>{n})\b"),
            ("floor", r"(?P<n>\d{1,2})(?:st|nd|rd|th)\s+floor|(?P<w>first|second|third|fourth|"
                      r"fifth|sixth|seventh|eighth|ninth|tenth)\s+floor|floor\s+(?P<n2>\d{1,2})"),
            ("count", rf"(?P<n>{n})\s+(?:copies|copy|sheets?|people|persons?|times|forms?|"
                      rf"documents?|certificates?|pieces?)\b"),
            ("number", rf"(?P<n>{_DIGITS})"),
        ]
    elif lang == "ko":
        found += [
            ("date", r"(?P<y>\d{4})\s?년(?:\s?(?P<m>\d{1,2})\s?월(?:\s?(?P<d>\d{1,2})\s?일)?)?"),
            ("date", r"(?P<m>\d{1,2})\s?월\s?(?P<d>\d{1,2})\s?일"),
            ("time", rf"(?P<ampm>오전|오후)?\s?(?P<h>{n})\s?시"
                     rf"(?:\s?(?P<min>{n})\s?분|\s?(?P<half>반))?"),
            ("duration", rf"(?P<n>{n})\s?(?P<u>주일|주|개월|달|년|시간|분|일)"
                         rf"(?=\s?(?:이내|안에|동안|이상|간))"),
            ("duration", rf"(?P<n>{n})\s?(?P<u>주일|개월|시간)"),
            ("amount", rf"(?:¥|￥)\s?(?P<n>{_DIGITS})|(?P<n2>{n})\s?(?:엔|円)"),
            ("counter", rf"(?P<n>{n})\s?번\s?창구|창구\s?(?P<n2>{n})\s?번?"),
            ("floor", rf"(?P<n>{n})\s?층"),
            ("count", rf"(?P<n>{n})\s?(?:통|장|부|명|개|번|회|건)"),
            ("number", rf"(?P<n>{_DIGITS})"),
        ]
    elif lang == "vi":
        found += [
            ("date", r"ngày\s+(?P<d>\d{1,2})(?:\s+tháng\s+(?P<m>\d{1,2}))?"
                     r"(?:\s+năm\s+(?P<y>\d{4}))?"),
            ("date", r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
            ("date", r"tháng\s+(?P<m>\d{1,2})(?:\s+năm\s+(?P<y>\d{4}))?"),
            ("date", r"năm\s+(?P<y>\d{4})"),
            ("time", rf"(?P<h>{n})\s?(?:giờ|h)(?:\s?(?P<min>{n})(?:\s?phút)?|\s?(?P<half>rưỡi))?"
                     rf"(?:\s+(?P<ampm>sáng|chiều|tối))?"),
            ("duration", rf"(?P<n>{n})\s+(?P<u>ngày|tuần|tháng|năm|tiếng|phút)"),
            ("amount", rf"(?:¥|￥)\s?(?P<n>{_DIGITS})|(?P<n2>{n})\s?(?:yên|yen|JPY)\b"),
            ("counter", rf"quầy\s+(?:số\s+)?(?P<n>{n})"),
            ("floor", rf"tầng\s+(?:số\s+)?(?P<n>{n})"),
            ("count", rf"(?P<n>{n})\s+(?:bản|tờ|người|lần|bộ|giấy)\b"),
            ("number", rf"(?P<n>{_DIGITS})"),
        ]
    return [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in found]


_FLOOR_WORDS = {w: i for i, w in enumerate((
    "_", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth")) if w != "_"}


def _value(kind: str, m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if kind == "date":
        month = _MONTHS.get((g.get("mon") or "").lower()) or (
            number(g["m"]) if g.get("m") else None)
        day = number(g["d"]) if g.get("d") else None
        return _date(_year(g.get("era"), g.get("y")), month, day)
    if kind == "time":
        hour = g.get("h") or g.get("h2") or g.get("h3")
        minute = g.get("min") or g.get("min2") or g.get("min3")
        if hour is None:
            return None
        half = bool(g.get("half") or g.get("half2") or g.get("half3"))
        return _time(hour, minute, g.get("ampm"), half)
    if kind == "duration":
        return _duration(g["n"], g["u"])
    if kind == "floor" and g.get("w"):
        return str(_FLOOR_WORDS[g["w"].lower()])
    found = number(g.get("n") or g.get("n2") or "")
    return None if found is None else str(found)


def language_family(tag: str) -> str | None:
    primary = tag.split("-")[0].lower()
    return primary if primary in NUM else None


def extract(text: str, language: str) -> list[Value]:
    """Every critical value in `text`, composite kinds first (their spans are taken)."""
    lang = language_family(language)
    if lang is None:
        return []
    text = unicodedata.normalize("NFKC", text)
    taken = [False] * len(text)
    values: list[Value] = []
    for kind, pattern in _patterns(lang):
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            value = _value(kind, m)
            if value is None:
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            values.append(Value(kind, value, m.start(), m.end()))
    return sorted(values, key=lambda v: v.start)
