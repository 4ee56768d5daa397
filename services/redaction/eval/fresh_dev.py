# ruff: noqa: E501
"""Fresh *development* corpus for the redaction evaluation (split: dev).

Written by an independent author in the ninth sitting (2026-12-03), without reading the
redaction rules, their documentation, any evaluation result, or the three other corpora
(corpus.py, independent.py, fresh.py). Only the ``Sample`` dataclass in sample.py was read.
The templates are the author's own picture of what is said at a Tokyo ward's family-register
and resident counter (戸籍住民課): moving in and out, 住民票, 印鑑登録, マイナンバーカード,
在留カード, 国民健康保険, 児童手当, marriage and birth registration, proxies with a 委任状,
phone callbacks and e-mail follow-ups, as a speech recogniser would transcribe clerks and
foreign visitors (odd punctuation, full-width digits, kanji numerals, digits said as words in
five languages, fillers inside numbers, romaji and hangul addresses).

This is the DEV split: rule writers may look at it and write rules against it. A separate
corpus (fresh.py) is kept unread and is the one that measures generalisation.

Conventions:
* spans are (type, start, end, value) with text[start:end] == value; the value is minimal
  (no honorific such as さん/様/씨, no particle, no context word). A leading 〒 mark is a
  context mark and is left outside the POSTAL_CODE span.
* DATE_OF_BIRTH marks birth dates only; moving dates, deadlines and other dates are unmarked.
* About a fifth of the samples are negatives: no personal data, but fees, window and ticket
  numbers, floors, counts, deadlines, office hours, moving dates and public place names.
* build() is deterministic: Faker instances and random.Random are seeded from SEED.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
import unicodedata
from collections.abc import Callable

from faker import Faker
from sample import Sample, my_number_check_digit

SEED = 48151
LANGUAGES = ("ja", "en", "zh", "ko", "vi")
# language -> (positive samples, negative samples)
COUNTS = {"ja": (170, 42), "en": (80, 20), "zh": (68, 17), "ko": (68, 17), "vi": (68, 17)}

FULLWIDTH = str.maketrans("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
KANJI_DIGITS = "〇一二三四五六七八九"
KATA_DIGITS = ("ゼロ", "イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ", "キュウ")
KATA_PHONE = ("ゼロ", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュー")
ZH_DIGITS = "零一二三四五六七八九"
KO_DIGITS = ("공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

FILLERS = {
    "ja": ("えっと", "あの", "えー", "まあ", "あのー"),
    "en": ("uh", "um", "uh,", "so"),
    "zh": ("嗯", "那个", "就是"),
    "ko": ("음", "어", "그"),
    "vi": ("ờ", "à", "ừm"),
}

# (ward kanji, ward zh, ward romaji, ward hangul, town kanji, town zh, town romaji, town hangul)
TOWNS = (
    ("新宿区", "新宿区", "Shinjuku-ku", "신주쿠구", "西新宿", "西新宿", "Nishi-Shinjuku", "니시신주쿠"),
    ("新宿区", "新宿区", "Shinjuku-ku", "신주쿠구", "百人町", "百人町", "Hyakunincho", "햐쿠닌초"),
    ("新宿区", "新宿区", "Shinjuku-ku", "신주쿠구", "大久保", "大久保", "Okubo", "오쿠보"),
    ("新宿区", "新宿区", "Shinjuku-ku", "신주쿠구", "高田馬場", "高田马场", "Takadanobaba", "다카다노바바"),
    ("新宿区", "新宿区", "Shinjuku-ku", "신주쿠구", "北新宿", "北新宿", "Kita-Shinjuku", "기타신주쿠"),
    ("豊島区", "丰岛区", "Toshima-ku", "도시마구", "東池袋", "东池袋", "Higashi-Ikebukuro", "히가시이케부쿠로"),
    ("豊島区", "丰岛区", "Toshima-ku", "도시마구", "池袋", "池袋", "Ikebukuro", "이케부쿠로"),
    ("豊島区", "丰岛区", "Toshima-ku", "도시마구", "南大塚", "南大冢", "Minami-Otsuka", "미나미오쓰카"),
    ("江東区", "江东区", "Koto-ku", "고토구", "亀戸", "龟户", "Kameido", "가메이도"),
    ("江東区", "江东区", "Koto-ku", "고토구", "大島", "大岛", "Ojima", "오지마"),
    ("台東区", "台东区", "Taito-ku", "다이토구", "浅草", "浅草", "Asakusa", "아사쿠사"),
    ("台東区", "台东区", "Taito-ku", "다이토구", "上野", "上野", "Ueno", "우에노"),
    ("北区", "北区", "Kita-ku", "기타구", "赤羽", "赤羽", "Akabane", "아카바네"),
    ("北区", "北区", "Kita-ku", "기타구", "王子", "王子", "Oji", "오지"),
    ("江戸川区", "江户川区", "Edogawa-ku", "에도가와구", "西葛西", "西葛西", "Nishi-Kasai", "니시카사이"),
    ("江戸川区", "江户川区", "Edogawa-ku", "에도가와구", "南小岩", "南小岩", "Minami-Koiwa", "미나미코이와"),
    ("大田区", "大田区", "Ota-ku", "오타구", "蒲田", "蒲田", "Kamata", "가마타"),
    ("荒川区", "荒川区", "Arakawa-ku", "아라카와구", "西日暮里", "西日暮里", "Nishi-Nippori", "니시닛포리"),
    ("板橋区", "板桥区", "Itabashi-ku", "이타바시구", "板橋", "板桥", "Itabashi", "이타바시"),
)
WARDS_JA = ("新宿区", "豊島区", "江東区", "台東区", "北区", "江戸川区", "大田区", "荒川区", "板橋区", "中野区", "練馬区", "足立区")
BUILDINGS_ROMAJI = ("Sakura Heights", "Corpo Aoi", "Maison Ueno", "Sunny Court", "Palace Kita", "Green Haitsu")

FOREIGN_KATA = (
    "グエン・ティ・ラン", "キム・ミンジュン", "ワン・ウェイ", "マリア・サントス", "ジョン・スミス",
    "チャン・バン・ナム", "パク・ジヨン", "リ・メイ", "アナ・ゴンザレス", "ラジ・クマール", "ファム・トゥアン", "イ・スジン",
)

EMAIL_DOMAINS = {
    "ja": ("gmail.com", "yahoo.co.jp", "icloud.com", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "outlook.jp"),
    "en": ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"),
    "zh": ("qq.com", "163.com", "126.com", "gmail.com", "sina.com"),
    "ko": ("naver.com", "daum.net", "gmail.com", "kakao.com"),
    "vi": ("gmail.com", "yahoo.com.vn", "outlook.com"),
}
EMAIL_SPOKEN = {  # (at, dot)
    "ja": (" アットマーク ", " ドット "),
    "en": (" at ", " dot "),
    "zh": (" at ", " 点 "),
    "ko": (" 골뱅이 ", " 점 "),
    "vi": (" a còng ", " chấm "),
}

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)(?:\|([a-z_]+))?\}")




def kanji_num(n: int) -> str:
    """1..99 as kanji numerals (十二, 二十一)."""
    tens, ones = divmod(n, 10)
    out = "" if tens == 0 else ("十" if tens == 1 else KANJI_DIGITS[tens] + "十")
    return out + (KANJI_DIGITS[ones] if ones else "")


def ascii_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def japanese_era(d: _dt.date) -> tuple[str, int]:
    if d >= _dt.date(2019, 5, 1):
        return "令和", d.year - 2018
    if d >= _dt.date(1989, 1, 8):
        return "平成", d.year - 1988
    return "昭和", d.year - 1925


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _Gen:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - corpus generation, not cryptography
        self.fk: dict[str, Faker] = {}
        for i, loc in enumerate(("ja_JP", "en_US", "zh_CN", "ko_KR", "vi_VN")):
            f = Faker(loc)
            f.seed_instance(SEED + i)
            self.fk[loc[:2]] = f

    # ---------------------------------------------------------------- digits
    def digit_mode(self, lang: str, spoken: bool) -> str:
        r = self.rng.random()
        if lang == "ja":
            if spoken:
                return "kata" if r < 0.6 else "kanji"
            return "ascii" if r < 0.45 else "full" if r < 0.65 else "kanji" if r < 0.82 else "kata"
        words = {"en": "en", "zh": "zh", "ko": "ko", "vi": "vi"}[lang]
        if spoken:
            return words
        if lang == "zh" and r < 0.1:
            return "full"
        return "ascii" if r < 0.6 else words

    def say_group(self, digits: str, mode: str, phone: bool) -> str:
        rng = self.rng
        if mode == "ascii":
            return digits
        if mode == "full":
            return digits.translate(FULLWIDTH)
        if mode == "kanji":
            return "".join(KANJI_DIGITS[int(c)] for c in digits)
        if mode == "kata":
            table = KATA_PHONE if phone else KATA_DIGITS
            return "".join(table[int(c)] if c != "0" or rng.random() < 0.8 else "マル" for c in digits)
        if mode == "zh":
            return "".join("幺" if c == "1" and phone and rng.random() < 0.5 else ZH_DIGITS[int(c)] for c in digits)
        if mode == "ko":
            return "".join(KO_DIGITS[int(c)] for c in digits)
        if mode == "vi":
            return " ".join(VI_DIGITS[int(c)] for c in digits)
        if mode == "en":
            return " ".join("oh" if c == "0" and phone and rng.random() < 0.4 else EN_DIGITS[int(c)] for c in digits)
        raise ValueError(mode)

    def separators(self, mode: str) -> tuple[str, ...]:
        return {
            "ascii": ("-", "-", " ", "", "ー", "の"),
            "full": ("－", "ー", "　", "", "の"),
            "kanji": ("の", " ", "、", ""),
            "kata": ("の", " ", "、"),
            "zh": (" ", "，", ""),
            "ko": (" ", "에 ", "-"),
            "vi": (" ", ", "),
            "en": (" ", ", ", " dash "),
        }[mode]

    def digits_spoken(self, groups: list[str], lang: str, mode: str, phone: bool, filler_p: float = 0.15) -> str:
        seps = self.separators(mode)
        if mode == "ascii" and lang != "ja":
            seps = tuple(s for s in seps if s not in ("ー", "の"))
        sep = self.rng.choice(seps)
        pieces = [self.say_group(g, mode, phone) for g in groups]
        filler_gap = self.rng.randrange(1, len(groups)) if len(groups) > 1 and self.rng.random() < filler_p else -1
        out = pieces[0]
        for i, p in enumerate(pieces[1:], start=1):
            if i == filler_gap:
                f = self.rng.choice(FILLERS[lang]).rstrip(",")
                out += ("、" + f + "、") if lang == "ja" and mode in ("kanji", "kata") else (" " + f + " ")
            else:
                out += sep
            out += p
        return out

    # ---------------------------------------------------------------- entities
    def person(self, lang: str, style: str | None) -> str:
        rng, fk = self.rng, self.fk
        if style is None:
            r = rng.random()
            if lang == "ja":
                style = "kanji" if r < 0.5 else "last" if r < 0.62 else "kana" if r < 0.8 else "foreign"
            elif lang == "en":
                style = "latin" if r < 0.5 else "romaji" if r < 0.7 else "vi_ascii" if r < 0.85 else "zh_roman"
            else:
                style = lang
        if style in ("kanji", "ja"):
            return fk["ja"].last_name() + rng.choice(("", " ", "")) + fk["ja"].first_name()
        if style == "last":
            return fk["ja"].last_name()
        if style == "kana":
            return fk["ja"].last_kana_name() + rng.choice(("", " ")) + fk["ja"].first_kana_name()
        if style == "foreign":
            return rng.choice(FOREIGN_KATA) if rng.random() < 0.5 else self.person("en", "latin")
        if style == "latin":
            return fk["en"].first_name() + " " + fk["en"].last_name()
        if style == "romaji":
            first, last = fk["ja"].first_romanized_name(), fk["ja"].last_romanized_name()
            return f"{first} {last}" if rng.random() < 0.5 else f"{last} {first}"
        if style == "zh_roman":
            return str(fk["zh"].romanized_name())
        if style == "zh":
            return fk["zh"].name()
        if style == "ko":
            return fk["ko"].last_name() + fk["ko"].first_name()
        if style in ("vi", "vi_ascii"):
            v = fk["vi"]
            female = rng.random() < 0.5
            middle = "Thị" if female and rng.random() < 0.6 else "Văn" if not female and rng.random() < 0.5 else v.middle_name()
            first = v.first_name_female() if female else v.first_name_male()
            name = f"{v.last_name()} {middle} {first}"
            return ascii_fold(name) if style == "vi_ascii" else name
        raise ValueError(style)

    def _addr_numbers(self) -> tuple[int, int, int]:
        return self.rng.randint(1, 5), self.rng.randint(1, 35), self.rng.randint(1, 25)

    def address(self, lang: str, style: str | None) -> str:
        rng = self.rng
        if style is None:
            style = {"ja": "ja", "en": "romaji", "zh": "zh", "ko": "hangul", "vi": "romaji"}[lang]
        c, b, g = self._addr_numbers()
        ward, ward_zh, ward_r, ward_h, town, town_zh, town_r, town_h = rng.choice(TOWNS)
        if style in ("ja", "other"):
            if style == "other":
                fja = self.fk["ja"]
                head = fja.prefecture() + fja.city() + fja.town()
            elif rng.random() < 0.6:
                head = rng.choice(("東京都", "", "東京都")) + ward + town
            else:
                head = rng.choice(("東京都", "")) + rng.choice(WARDS_JA) + self.fk["ja"].town()
            k = rng.randrange(7)
            nums = [
                f"{c}丁目{b}番{g}号",
                f"{kanji_num(c)}丁目{kanji_num(b)}番{kanji_num(g)}号",
                f"{c}-{b}-{g}",
                f"{c}-{b}-{g}".translate(FULLWIDTH),
                f"{c}の{b}の{g}",
                f"{c}丁目{b}の{g}",
                f"{kanji_num(c)}丁目{b}-{g}",
            ][k]
            out = head + nums
            if rng.random() < 0.3:
                room = f"{rng.randint(1, 9)}0{rng.randint(1, 9)}"
                out += rng.choice((" ", "", "　")) + self.fk["ja"].town() + self.fk["ja"].building_name() + room + rng.choice(("号室", "", "号室"))
            return out
        if style == "zh":
            pre = rng.choice(("东京都", ""))
            if rng.random() < 0.5:
                return f"{pre}{ward_zh}{town_zh}{c}丁目{b}番{g}号"
            return f"{pre}{ward_zh}{town_zh}{c}-{b}-{g}"
        if style == "romaji":
            bld = ""
            if rng.random() < 0.3:
                bld = f"{rng.choice(BUILDINGS_ROMAJI)} {rng.randint(1, 5)}0{rng.randint(1, 9)}, "
            k = rng.randrange(3)
            if k == 0:
                return f"{bld}{c}-{b}-{g} {town_r}, {ward_r}, Tokyo"
            if k == 1:
                return f"{bld}{town_r} {c}-chome {b}-{g}, {ward_r}"
            return f"{bld}{ward_r.replace('-ku', ' ku')} {town_r.replace('-', ' ')} {c} {b} {g}"
        if style == "hangul":
            pre = rng.choice(("도쿄도 ", ""))
            if rng.random() < 0.5:
                return f"{pre}{ward_h} {town_h} {c}-{b}-{g}"
            return f"{pre}{ward_h} {town_h} {c}초메 {b}-{g}"
        raise ValueError(style)

    def phone(self, lang: str, style: str | None) -> str:
        rng = self.rng
        kind = style if style in ("mobile", "land") else rng.choice(("mobile", "mobile", "mobile", "land", "other"))
        if kind == "mobile":
            groups = [rng.choice(("090", "080", "070")), f"{rng.randrange(10000):04d}", f"{rng.randrange(10000):04d}"]
        elif kind == "land":
            groups = ["03", f"{rng.randint(3000, 6999):04d}", f"{rng.randrange(10000):04d}"]
        else:
            groups = [rng.choice(("045", "048", "047")), f"{rng.randint(200, 999):03d}", f"{rng.randrange(10000):04d}"]
        mode = self.digit_mode(lang, style == "spoken")
        return self.digits_spoken(groups, lang, mode, phone=True)

    def my_number(self, lang: str, style: str | None) -> str:
        base = "".join(str(self.rng.randrange(10)) for _ in range(11))
        digits = base + str(my_number_check_digit(base))
        mode = self.digit_mode(lang, style == "spoken")
        if mode in ("ascii", "full") and self.rng.random() < 0.25:
            return self.say_group(digits, mode, phone=False)
        return self.digits_spoken([digits[0:4], digits[4:8], digits[8:12]], lang, mode, phone=False)

    def residence_card(self, lang: str, style: str | None) -> str:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        a = rng.choice(letters) + rng.choice(letters)
        z = rng.choice(letters) + rng.choice(letters)
        d = f"{rng.randrange(10**8):08d}"
        k = rng.randrange(6)
        if k == 0 or k == 1:
            return a + d + z
        if k == 2:
            return f"{a} {d[:4]} {d[4:]} {z}"
        if k == 3:
            return (a + d + z).lower()
        if k == 4:
            return (a + d + z).translate(FULLWIDTH)
        return f"{a}-{d[:4]}-{d[4:]}-{z}"

    def passport(self, lang: str, style: str | None) -> str:
        rng = self.rng
        up = "ABCDEFGHJKLMNPRSTUVWXYZ"

        def dd(n: int) -> str:
            return "".join(str(rng.randrange(10)) for _ in range(n))

        formats: dict[str, Callable[[], str]] = {
            "CN": lambda: "E" + dd(8) if rng.random() < 0.6 else "E" + rng.choice(up) + dd(7),
            "TW": lambda: "3" + dd(8),
            "KR": lambda: "M" + dd(8) if rng.random() < 0.5 else "M" + dd(3) + rng.choice(up) + dd(4),
            "VN": lambda: rng.choice("CBN") + dd(7),
            "US": lambda: rng.choice(("5", "6", "A")) + dd(8),
            "GB": lambda: "1" + dd(8),
            "PH": lambda: "P" + dd(7) + rng.choice(up),
            "IN": lambda: rng.choice("JKLMNPRTZ") + dd(7),
            "DE": lambda: rng.choice("CFGHJK") + "".join(rng.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8)),
            "FR": lambda: dd(2) + rng.choice(up) + rng.choice(up) + dd(5),
            "BR": lambda: rng.choice(up) + rng.choice(up) + dd(6),
            "ID": lambda: rng.choice("BCX") + dd(7),
            "TH": lambda: rng.choice(up) + rng.choice(up) + dd(7),
            "NP": lambda: "PA" + dd(7),
        }
        pool = {
            "ja": tuple(formats),
            "en": ("US", "GB", "PH", "IN", "DE", "FR", "BR", "ID", "TH"),
            "zh": ("CN", "CN", "TW"),
            "ko": ("KR",),
            "vi": ("VN",),
        }[lang]
        value = formats[rng.choice(pool)]()
        r = rng.random()
        if r < 0.15 and value[0].isalpha() and value[1].isdigit():
            return value[0] + " " + value[1:]
        if r < 0.25 and lang in ("ja", "zh"):
            return value.translate(FULLWIDTH)
        if r < 0.32 and lang == "en":
            return value.lower()
        return value

    def postal(self, lang: str, style: str | None) -> str:
        rng = self.rng
        groups = [f"1{rng.randrange(100):02d}", f"{rng.randrange(10000):04d}"]
        if style == "plain":
            return "-".join(groups)
        mode = self.digit_mode(lang, style == "spoken")
        if mode == "ascii" and rng.random() < 0.7:
            return "-".join(groups)
        return self.digits_spoken(groups, lang, mode, phone=False, filler_p=0.1)

    def email(self, lang: str, style: str | None) -> str:
        rng, fk = self.rng, self.fk
        if lang == "ja":
            parts = [fk["ja"].first_romanized_name(), fk["ja"].last_romanized_name()]
        elif lang == "zh":
            parts = str(fk["zh"].romanized_name()).split()
        elif lang == "ko":
            parts = [fk["ko"].user_name()]
        elif lang == "vi":
            parts = ascii_fold(self.person("vi", "vi")).split()[-2:]
        else:
            parts = [fk["en"].first_name(), fk["en"].last_name()]
        parts = [p.lower() for p in parts]
        local = rng.choice((".", "_", "")).join(parts)
        if rng.random() < 0.4:
            local += str(rng.randint(1, 99))
        addr = f"{local}@{rng.choice(EMAIL_DOMAINS[lang])}"
        if style == "spoken":
            at, dot = EMAIL_SPOKEN[lang]
            user, domain = addr.split("@")
            if lang == "en":
                user = user.replace(".", dot).replace("_", " underscore ")
            return user + at + domain.replace(".", dot)
        return addr

    def _date(self, start_year: int, end_year: int) -> _dt.date:
        a = _dt.date(start_year, 1, 1).toordinal()
        b = _dt.date(end_year, 12, 31).toordinal()
        return _dt.date.fromordinal(self.rng.randint(a, b))

    def birth_date(self, lang: str, style: str | None) -> str:
        rng = self.rng
        d = self._date(1948, 2024)
        y, m, dd = d.year, d.month, d.day
        k = rng.randrange(7)
        if lang == "ja":
            era, ey = japanese_era(d)
            eys = "元" if ey == 1 else str(ey)
            return [
                f"{y}年{m}月{dd}日",
                f"{era}{eys}年{m}月{dd}日",
                f"{era}{'元' if ey == 1 else kanji_num(ey)}年{kanji_num(m)}月{kanji_num(dd)}日",
                f"{y}年{m}月{dd}日".translate(FULLWIDTH),
                f"{y}/{m:02d}/{dd:02d}",
                "".join(KANJI_DIGITS[int(c)] for c in str(y)) + f"年{kanji_num(m)}月{kanji_num(dd)}日",
                f"{y}年 {m}月 {dd}日",
            ][k]
        if lang == "en":
            mon = EN_MONTHS[m - 1]
            return [
                f"{mon} {dd}, {y}",
                f"{dd} {mon} {y}",
                f"{mon} {ordinal(dd)} {y}",
                f"{m:02d}/{dd:02d}/{y}",
                f"{y}-{m:02d}-{dd:02d}",
                f"{ordinal(dd)} of {mon}, {y}",
                f"{mon} {ordinal(dd)}, {y}",
            ][k]
        if lang == "zh":
            return [
                f"{y}年{m}月{dd}日",
                "".join(ZH_DIGITS[int(c)] for c in str(y)) + f"年{kanji_num(m)}月{kanji_num(dd)}日",
                f"{y}年{m}月{dd}号",
                f"{y}.{m}.{dd}",
                f"{y}年{m}月{dd}日".translate(FULLWIDTH),
                f"{y}年{m}月{dd}日",
                f"{y}年{m}月{dd}号",
            ][k]
        if lang == "ko":
            return [
                f"{y}년 {m}월 {dd}일",
                f"{y % 100:02d}년 {m}월 {dd}일",
                f"{y}.{m:02d}.{dd:02d}",
                f"{y}년{m}월{dd}일",
                f"{y}년 {m}월 {dd}일",
                f"{y}. {m}. {dd}",
                f"{y}년 {m:02d}월 {dd:02d}일",
            ][k]
        return [
            f"{dd} tháng {m} năm {y}",
            f"{dd}/{m}/{y}",
            f"{dd:02d}/{m:02d}/{y}",
            f"{dd} tháng {m} năm {y}",
            f"{dd}-{m}-{y}",
            f"{dd} tháng {m:02d} {y}",
            f"{dd}/{m:02d}/{y}",
        ][k]

    # ---------------------------------------------------------------- context values (no span)
    def context(self, name: str, lang: str) -> str:
        rng = self.rng
        if name == "filler":
            f = rng.choice(FILLERS[lang]).rstrip(",")
            return f + ("、" if lang == "ja" else " " if lang in ("zh", "ko") else ", ")
        if name == "fee":
            n = rng.choice((200, 300, 350, 400, 450, 750, 1200))
            kanji = {200: "二百", 300: "三百", 350: "三百五十", 400: "四百", 450: "四百五十", 750: "七百五十", 1200: "千二百"}[n]
            return {
                "ja": rng.choice((f"{n}円", f"{kanji}円", f"{n:,}円".translate(FULLWIDTH))),
                "en": rng.choice((f"{n} yen", f"{n:,} yen", f"¥{n}")),
                "zh": rng.choice((f"{n}日元", f"{kanji}日元")),
                "ko": f"{n}엔",
                "vi": f"{n} yên",
            }[lang]
        if name in ("window", "count", "floor", "minutes"):
            n = {"window": rng.randint(1, 15), "count": rng.randint(2 if lang == "en" else 1, 5), "floor": rng.randint(1, 7), "minutes": rng.choice((5, 10, 15, 20))}[name]
            if lang == "en" and name == "floor":
                return ("first", "second", "third", "4th", "5th", "6th", "7th")[n - 1]
            if lang == "ja":
                return rng.choice((str(n), str(n).translate(FULLWIDTH), kanji_num(n)))
            return str(n)
        if name == "ticket":
            n = rng.randint(1, 350)
            return rng.choice((str(n), f"{n:03d}", f"{n:03d}".translate(FULLWIDTH) if lang == "ja" else str(n)))
        if name == "receipt":
            return str(rng.randint(1000, 99999))
        if name == "place":
            return rng.choice({
                "ja": ("新宿駅", "池袋駅", "区役所の本庁舎", "出張所", "都庁前駅"),
                "en": ("Shinjuku Station", "Ikebukuro Station", "the city hall", "the branch office"),
                "zh": ("新宿站", "池袋站", "区役所", "都厅"),
                "ko": ("신주쿠역", "이케부쿠로역", "구청", "도청"),
                "vi": ("ga Shinjuku", "ga Ikebukuro", "văn phòng quận", "tòa thị chính"),
            }[lang])
        if name == "mdate":
            d = self._date(2025, 2026)
            m, dd = d.month, d.day
            return {
                "ja": rng.choice((f"{m}月{dd}日", f"令和{d.year - 2018}年{m}月{dd}日", f"{m}月{dd}日".translate(FULLWIDTH), f"{kanji_num(m)}月{kanji_num(dd)}日")),
                "en": rng.choice((f"{EN_MONTHS[m - 1]} {ordinal(dd)}", f"{EN_MONTHS[m - 1]} {dd}")),
                "zh": rng.choice((f"{m}月{dd}日", f"{m}月{dd}号")),
                "ko": f"{m}월 {dd}일",
                "vi": f"ngày {dd} tháng {m}",
            }[lang]
        raise ValueError(name)

    def entity(self, etype: str, lang: str, style: str | None) -> str:
        fn: Callable[[str, str | None], str] = {
            "PERSON": self.person,
            "ADDRESS_JP": self.address,
            "PHONE_JP": self.phone,
            "MY_NUMBER": self.my_number,
            "RESIDENCE_CARD": self.residence_card,
            "PASSPORT": self.passport,
            "POSTAL_CODE": self.postal,
            "EMAIL": self.email,
            "DATE_OF_BIRTH": self.birth_date,
        }[etype]
        value = fn(lang, style).strip()
        if not value:
            raise ValueError(etype)
        return value

    def render(self, template: str, lang: str) -> tuple[str, tuple[tuple[str, int, int, str], ...]]:
        """Assemble the sentence piece by piece, recording each span's offsets as it is placed."""
        text = ""
        spans: list[tuple[str, int, int, str]] = []
        pos = 0
        for m in PLACEHOLDER.finditer(template):
            text += template[pos : m.start()]
            name, style = m.group(1), m.group(2)
            if name.isupper():
                value = self.entity(name, lang, style)
                start = len(text)
                text += value
                spans.append((name, start, len(text), value))
            else:
                text += self.context(name, lang)
            pos = m.end()
        text += template[pos:]
        return text, tuple(spans)


POSITIVE: dict[str, tuple[str, ...]] = {
    "ja": (
        "{PERSON}さんの住民票を{count}通お願いします",
        "えっと、お名前は{PERSON}様でお間違いないですか",
        "{filler}生年月日をお願いします。はい、{DATE_OF_BIRTH}です",
        "{PERSON}です、{DATE_OF_BIRTH}生まれです",
        "ご住所は{ADDRESS_JP}ですね",
        "新しい住所は{ADDRESS_JP}で{mdate}に引っ越してきました",
        "前の住所は{ADDRESS_JP|other}で、今は{ADDRESS_JP}に住んでいます",
        "郵便番号は{POSTAL_CODE}です",
        "〒{POSTAL_CODE|plain} {ADDRESS_JP}までお送りします",
        "お電話番号をお願いします。はい{PHONE_JP}です",
        "確認が取れましたら{PHONE_JP}にお電話しますね",
        "携帯は{PHONE_JP|mobile}で自宅は{PHONE_JP|land}です",
        "マイナンバーは{MY_NUMBER}です",
        "個人番号の欄には{MY_NUMBER}と書きました",
        "在留カードの番号は{RESIDENCE_CARD}です",
        "在留カード{RESIDENCE_CARD}、{PERSON|foreign}さんですね、{window}番窓口でお待ちください",
        "パスポート番号は{PASSPORT}です",
        "パスポートの番号が{PASSPORT}で合ってますか",
        "メールアドレスは{EMAIL}です",
        "結果は{EMAIL}のほうにメールで送ってください",
        "委任状はありますか。はい、代理人が{PERSON}で本人は{PERSON}です",
        "{PERSON|kana}さま、{window}番窓口までお越しください",
        "子どもの名前は{PERSON}で{DATE_OF_BIRTH}に生まれました、出生届を出したいんですけど",
        "婚姻届を出します、夫が{PERSON}、妻が{PERSON}です",
        "国民健康保険の加入ですね、マイナンバー{MY_NUMBER}、お電話{PHONE_JP}で承りました",
        "児童手当の申請で{PERSON}、生年月日{DATE_OF_BIRTH}、住所は{ADDRESS_JP}です",
        "わたし {PERSON|foreign} です。ざいりゅうカード {RESIDENCE_CARD} です",
        "わたしの でんわ {PHONE_JP|spoken} おねがいします",
        "印鑑登録をしたいです、{PERSON}です、{ADDRESS_JP}に住んでます",
        "暗証番号は言わなくて大丈夫です、カードの番号{MY_NUMBER}だけ確認させてください",
        "メールは{EMAIL|spoken}です",
        "{PERSON|latin}と申します、パスポートは{PASSPORT}、生年月日は{DATE_OF_BIRTH}です",
        "郵便番号{POSTAL_CODE}、{ADDRESS_JP}、{PERSON}様宛てでよろしいですか",
        "転出届ですね、{mdate}に引っ越されるんですね、連絡先は{PHONE_JP}でいいですか",
        "たんじょうびは {DATE_OF_BIRTH} です、なまえは {PERSON|foreign} です",
        "マイナンバーカードの受け取りです、{PERSON}、番号は{MY_NUMBER}",
        "在留カードは{RESIDENCE_CARD}でマイナンバーは{MY_NUMBER}です",
        "えっとメールアドレス{EMAIL}と電話番号{PHONE_JP}を書いておきます",
        "ゆうびんばんごう {POSTAL_CODE|spoken} です",
        "{PERSON}の母です、娘の住民票を取りに来ました、委任状もあります",
    ),
    "en": (
        "Hi, my name is {PERSON} and I just moved here from Canada",
        "I'm {PERSON|romaji}, I need a copy of my juminhyo",
        "My date of birth is {DATE_OF_BIRTH}",
        "I was born on {DATE_OF_BIRTH} in Manila",
        "{filler}my new address is {ADDRESS_JP}",
        "The postal code is {POSTAL_CODE}",
        "You can call me back at {PHONE_JP}",
        "My phone number is {PHONE_JP|spoken}, that's my cell",
        "My individual number, the My Number, is {MY_NUMBER}",
        "Residence card number {RESIDENCE_CARD}",
        "The passport number is {PASSPORT}, it's a new passport",
        "Can you email me at {EMAIL}",
        "My email is {EMAIL|spoken}",
        "I'm here for {PERSON}, I have a letter of proxy, my name is {PERSON}",
        "We'd like to register our marriage, I'm {PERSON} and my wife is {PERSON|romaji}, she was born {DATE_OF_BIRTH}",
        "For the national health insurance, name {PERSON}, residence card {RESIDENCE_CARD}, phone {PHONE_JP}",
        "This is for child allowance, my son {PERSON} was born {DATE_OF_BIRTH}, we live at {ADDRESS_JP}, postal code {POSTAL_CODE}",
        "{filler}my My Number is {MY_NUMBER} and my email is {EMAIL}",
        "Passport {PASSPORT} and residence card {RESIDENCE_CARD}, both under {PERSON}",
        "I moved in on {mdate}, the address is {ADDRESS_JP}, {POSTAL_CODE}",
    ),
    "zh": (
        "你好，我叫{PERSON}，我想办转入手续",
        "我的出生日期是{DATE_OF_BIRTH}",
        "{filler}我是{DATE_OF_BIRTH}出生的",
        "我现在住在{ADDRESS_JP}",
        "新地址是{ADDRESS_JP|ja}，邮编{POSTAL_CODE}",
        "邮政编码是{POSTAL_CODE}",
        "我的电话是{PHONE_JP}",
        "手机号码{PHONE_JP|spoken}，有事请打给我",
        "我的个人编号是{MY_NUMBER}",
        "My Number卡上的号码是{MY_NUMBER}",
        "在留卡号码是{RESIDENCE_CARD}",
        "护照号码{PASSPORT}",
        "我的护照号是{PASSPORT}，在留卡是{RESIDENCE_CARD}",
        "结果请发到我的邮箱{EMAIL}",
        "邮箱是{EMAIL|spoken}",
        "我替{PERSON}来办的，有委托书，我叫{PERSON}",
        "孩子叫{PERSON}，{DATE_OF_BIRTH}出生，想申请儿童补贴",
        "印章登记，名字是{PERSON|ja}，住址{ADDRESS_JP}",
        "加入国民健康保险，个人编号{MY_NUMBER}，电话{PHONE_JP}",
    ),
    "ko": (
        "안녕하세요 저는 {PERSON}입니다 전입신고 하러 왔어요",
        "생년월일은 {DATE_OF_BIRTH}입니다",
        "{filler}저 {DATE_OF_BIRTH}에 태어났어요",
        "주소는 {ADDRESS_JP}이에요",
        "새 주소는 {ADDRESS_JP|ja}입니다",
        "우편번호는 {POSTAL_CODE}입니다",
        "전화번호는 {PHONE_JP} 이에요",
        "제 휴대폰 번호는 {PHONE_JP|spoken}입니다",
        "마이넘버는 {MY_NUMBER}입니다",
        "개인번호 {MY_NUMBER} 맞아요",
        "재류카드 번호는 {RESIDENCE_CARD}입니다",
        "여권번호는 {PASSPORT}입니다",
        "이메일은 {EMAIL}이에요",
        "메일 주소는 {EMAIL|spoken}입니다",
        "{PERSON}씨 대신 왔어요 위임장 가져왔어요 저는 {PERSON}입니다",
        "혼인신고 하러 왔어요 저는 {PERSON}이고 아내는 {PERSON|ja}예요",
        "아이 이름은 {PERSON}이고 {DATE_OF_BIRTH}에 태어났어요 아동수당 신청하고 싶어요",
        "국민건강보험 가입하려고요 재류카드 {RESIDENCE_CARD} 전화 {PHONE_JP}",
        "우편번호 {POSTAL_CODE|spoken} 주소는 {ADDRESS_JP}",
        "여권은 {PASSPORT}이고 마이넘버는 {MY_NUMBER}예요",
    ),
    "vi": (
        "Xin chào, tôi tên là {PERSON}, tôi muốn làm thủ tục chuyển đến",
        "Ngày sinh của tôi là {DATE_OF_BIRTH}",
        "{filler}em sinh ngày {DATE_OF_BIRTH} ạ",
        "Địa chỉ của tôi là {ADDRESS_JP}",
        "Địa chỉ mới là {ADDRESS_JP|ja} ạ",
        "Mã bưu điện là {POSTAL_CODE}",
        "Số điện thoại của em là {PHONE_JP}",
        "Số điện thoại {PHONE_JP|spoken} ạ, chị gọi lại giúp em",
        "Mã số cá nhân My Number của tôi là {MY_NUMBER}",
        "Số my number {MY_NUMBER} đúng không ạ",
        "Số thẻ lưu trú là {RESIDENCE_CARD}",
        "Số hộ chiếu của tôi là {PASSPORT}",
        "Email của em là {EMAIL}",
        "Gửi kết quả qua email {EMAIL|spoken} giúp em",
        "Em đến thay cho anh {PERSON}, có giấy ủy quyền, em tên là {PERSON}",
        "Con tôi tên là {PERSON}, sinh ngày {DATE_OF_BIRTH}, tôi muốn xin trợ cấp nhi đồng",
        "Tôi muốn đăng ký kết hôn với {PERSON|romaji}",
        "Bảo hiểm y tế quốc dân: thẻ lưu trú {RESIDENCE_CARD}, điện thoại {PHONE_JP}",
        "Mã bưu điện {POSTAL_CODE|spoken}, địa chỉ {ADDRESS_JP}",
        "Hộ chiếu {PASSPORT}, my number {MY_NUMBER}",
    ),
}

NEGATIVE: dict[str, tuple[str, ...]] = {
    "ja": (
        "住民票の写しは一通{fee}です",
        "{window}番窓口でお待ちください",
        "受付番号{ticket}番の方、{window}番窓口へどうぞ",
        "印鑑登録証明書は{count}通で{fee}になります",
        "転入届は引っ越してから14日以内に出してください",
        "マイナンバーカードの受け取りは{floor}階の{window}番窓口です",
        "開庁時間は平日の8時30分から17時15分までです",
        "{mdate}に引っ越す予定なんですけど何を持ってくればいいですか",
        "{place}から区役所まではバスで{minutes}分くらいです",
        "レシート番号は{receipt}です",
        "在留カードの更新は入管でお願いします、こちらではできません",
        "電話番号とお名前はこちらの用紙にご記入ください",
        "国民健康保険料の納期限は{mdate}です",
        "児童手当は出生日の翌日から15日以内に申請してください",
        "{filler}整理券が{ticket}番なんですけどまだですか",
        "{floor}階の国保年金課に行ってください",
        "手数料は合計で{fee}です、{window}番でお支払いください",
        "マイナンバーの通知カードは{count}枚お持ちですか",
        "暗証番号は数字4桁で設定してください、ここでは言わないでくださいね",
        "戸籍謄本は一通四百五十円で、{count}通なので金額はあちらに表示されます",
    ),
    "en": (
        "The fee is {fee} per copy",
        "Please wait at window {window}",
        "Your ticket number is {ticket}, it will be called on the screen",
        "Office hours are eight thirty to five fifteen on weekdays",
        "I moved on {mdate}, is that too late to register",
        "Take the elevator to the {floor} floor",
        "Is this the right counter for the My Number card",
        "The receipt number is {receipt}",
        "It takes about {minutes} minutes from {place} to the ward office",
        "I need {count} copies of the residence certificate, how much is it",
        "You have to file within 14 days of moving in",
    ),
    "zh": (
        "住民票一份{fee}",
        "请在{window}号窗口等候",
        "您的号码是{ticket}号，请看屏幕",
        "办公时间是工作日八点半到五点十五分",
        "我{mdate}搬家，需要带什么材料",
        "请坐电梯到{floor}楼",
        "收据号码是{receipt}",
        "从{place}到区役所大概{minutes}分钟",
        "我要{count}份住民票",
    ),
    "ko": (
        "주민표는 한 통에 {fee}입니다",
        "{window}번 창구에서 기다려 주세요",
        "번호표가 {ticket}번인데 언제 불러요",
        "업무 시간은 평일 8시 30분부터 5시 15분까지예요",
        "{mdate}에 이사하는데 뭘 가져와야 돼요",
        "{floor}층으로 가세요",
        "영수증 번호는 {receipt}입니다",
        "{place}에서 구청까지 {minutes}분 정도 걸려요",
        "주민표 {count}통 주세요",
    ),
    "vi": (
        "Phí là {fee} một bản",
        "Vui lòng đợi ở quầy số {window}",
        "Số thứ tự của em là {ticket}",
        "Giờ làm việc từ 8 giờ 30 đến 5 giờ 15 các ngày trong tuần",
        "Em chuyển nhà {mdate}, cần mang gì ạ",
        "Chị lên tầng {floor} nhé",
        "Số biên lai là {receipt}",
        "Từ {place} đến văn phòng quận mất khoảng {minutes} phút",
        "Cho em {count} bản phiếu cư trú",
    ),
}


def build() -> list[Sample]:
    gen = _Gen()
    samples: list[Sample] = []
    for lang in LANGUAGES:
        n_pos, n_neg = COUNTS[lang]
        order = ["P"] * n_pos + ["N"] * n_neg
        gen.rng.shuffle(order)
        pos_cycle: list[str] = []
        neg_cycle: list[str] = []
        for n, kind in enumerate(order, start=1):
            if kind == "P":
                if not pos_cycle:
                    pos_cycle = list(POSITIVE[lang])
                    gen.rng.shuffle(pos_cycle)
                template = pos_cycle.pop()
            else:
                if not neg_cycle:
                    neg_cycle = list(NEGATIVE[lang])
                    gen.rng.shuffle(neg_cycle)
                template = neg_cycle.pop()
            text, spans = gen.render(template, lang)
            samples.append(Sample(f"freshdev-{lang}-{n:04d}", lang, text, spans))
    return samples
