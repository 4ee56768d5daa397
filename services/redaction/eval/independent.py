"""An evaluation corpus independent of the recognizers (issue 17).

Nothing here is shared with `madoguchi.redaction`: no import, no template, no pool. Values come
from Faker's providers (ja_JP, zh_CN, ko_KR, en_US, vi_VN) and from the formats' own rules (the
My Number check digit is re-implemented from its specification); they are rendered as a
speech recogniser writes them — full-width and kanji digits, katakana and hangul digit words,
の/、 and spaces between digit groups, fillers inside numbers, sentences without punctuation.

Two splits with separate templates *and* separate Faker seeds: `dev` may be looked at while
writing rules, `test` is only evaluated. Spans are exact by construction (computed while the
sentence is assembled).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from faker import Faker
from sample import Sample  # the sibling module: this folder is run as a script

LOCALES = {"ja": "ja_JP", "en": "en_US", "zh": "zh_CN", "ko": "ko_KR", "vi": "vi_VN"}
SEEDS = {"dev": 170_001, "test": 170_002}


# --- renderings of digits as speech comes out of a recogniser ---------------------------

_KANJI = "〇一二三四五六七八九"
_KATAKANA = [["ゼロ", "レイ", "マル"], ["イチ"], ["ニー", "ニ"], ["サン"], ["ヨン"],
             ["ゴー", "ゴ"], ["ロク"], ["ナナ"], ["ハチ"], ["キュー", "キュウ"]]
_HANGUL = ["공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
_ERA = [("令和", date(2019, 5, 1)), ("平成", date(1989, 1, 8)), ("昭和", date(1926, 12, 25))]


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _kanji_digits(text: str) -> str:
    return "".join(_KANJI[int(c)] if c.isdigit() else c for c in text)


def _kanji_number(n: int) -> str:
    """Positional kanji numerals as in 平成十二年 (1-99)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _KANJI[tens]) + "十" if tens else "") + (
        _KANJI[ones] if ones else "")


def _groups(digits: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return [g for g in out if g]


def _spoken(groups: list[str], rng: random.Random, language: str) -> str:
    if language == "ko":
        return " ".join("".join(_HANGUL[int(c)] for c in g) for g in groups)
    words = ["".join(rng.choice(_KATAKANA[int(c)]) for c in g) for g in groups]
    return rng.choice(["の", "、", " ", ""]).join(words)


def _digits(groups: list[str], rng: random.Random, language: str) -> str:
    """One of the ways a digit string in groups reaches the transcript."""
    style = rng.random()
    joiner = rng.choice(["-", " ", "-", "", "の" if language == "ja" else " "])
    plain = joiner.join(groups)
    if language in ("ja", "ko") and style < 0.15:
        return _spoken(groups, rng, language)
    if language == "ja" and style < 0.30:
        return _kanji_digits(rng.choice(["ー", "の", "、"]).join(groups))
    if language in ("ja", "zh") and style < 0.45:
        return _wide(plain)
    if style < 0.55 and len(groups) > 1:  # a filler between two groups
        filler = {"ja": "えー", "en": "uh", "zh": "嗯", "ko": "어", "vi": "ờ"}[language]
        return f"{groups[0]} {filler} {' '.join(groups[1:])}"
    return plain


# --- values ------------------------------------------------------------------------------


def my_number(rng: random.Random) -> str:
    """11 digits and the check digit of the My Number specification (個人番号の検査用数字)."""
    body = [rng.randrange(10) for _ in range(11)]
    total = sum(d * (n + 1 if n <= 6 else n - 5)
                for n, d in enumerate(reversed(body), start=1))
    check = 0 if total % 11 <= 1 else 11 - total % 11
    return "".join(map(str, body)) + str(check)


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def _numbers(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


Render = Callable[[Faker, random.Random, str], str]


def r_my_number(fake: Faker, rng: random.Random, language: str) -> str:
    return _digits(_groups(my_number(rng), [4, 4, 4]), rng, language)


def r_residence_card(fake: Faker, rng: random.Random, language: str) -> str:
    head, body, tail = _letters(rng, 2), _numbers(rng, 8), _letters(rng, 2)
    style = rng.random()
    if style < 0.2:
        return f"{head} {body} {tail}"
    if style < 0.35 and language in ("ja", "zh"):
        return _wide(head + body + tail)
    if style < 0.45:
        return (head + body + tail).lower()
    return head + body + tail


def r_passport(fake: Faker, rng: random.Random, language: str) -> str:
    value = _letters(rng, 2) + _numbers(rng, 7) if rng.random() < 0.7 else (
        _letters(rng, 1) + _numbers(rng, 8))
    letters = 2 if value[1].isalpha() else 1
    style = rng.random()
    if style < 0.3:
        return f"{value[:letters]} {value[letters:]}"
    if style < 0.4 and language == "ja":
        return _wide(value)
    return value


def _ja(rng: random.Random) -> Faker:
    """A ja_JP Faker seeded from the split's generator: the corpus is reproducible."""
    ja = Faker("ja_JP")
    ja.seed_instance(rng.randrange(2**31))
    return ja


def r_phone(fake: Faker, rng: random.Random, language: str) -> str:
    number = _ja(rng).numerify(rng.choice(
        ["090-####-####", "080-####-####", "070-####-####", "03-####-####", "06-####-####",
         "045-###-####", "0120-###-###", "050-####-####"]))
    return _digits(number.split("-"), rng, language)


def r_postal(fake: Faker, rng: random.Random, language: str) -> str:
    code = _ja(rng).zipcode()
    rendered = _digits(code.split("-"), rng, language)
    return ("〒" + rendered) if rng.random() < 0.5 else rendered


def r_address(fake: Faker, rng: random.Random, language: str) -> str:
    ja = _ja(rng)
    chome, ban, gou = rng.randrange(1, 10), rng.randrange(1, 30), rng.randrange(1, 40)
    place = ja.prefecture() + ja.city() + ja.town()
    style = rng.random()
    if style < 0.3:
        number = f"{chome}丁目{ban}番{gou}号"
    elif style < 0.5:
        number = f"{chome}-{ban}-{gou}"
    elif style < 0.65:
        number = f"{_kanji_number(chome)}丁目{ban}番地{gou}"
    else:
        number = f"{chome}の{ban}の{gou}"
    building = ""
    if rng.random() < 0.6:
        room = f"{rng.randrange(1, 12)}0{rng.randrange(1, 9)}"
        building = rng.choice([" ", "", "　"]) + ja.building_name() + rng.choice(
            [f"{room}号室", f" {room}", f"の{room}", f"{room}"])
    return place + number + building


def _era(day: date) -> str:
    for name, start in _ERA:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def r_birth(fake: Faker, rng: random.Random, language: str) -> str:
    day = fake.date_of_birth(minimum_age=1, maximum_age=90)
    style = rng.random()
    if language == "ja":
        if style < 0.25:
            return _era(day)
        if style < 0.4:
            return f"{day.year}年の{day.month}月{day.day}日"
        if style < 0.5:
            return _kanji_digits(f"{day.year}年{day.month}月{day.day}日")
        if style < 0.6:
            return f"{day.year}/{day.month:02d}/{day.day:02d}"
        return f"{day.year}年{day.month}月{day.day}日"
    if language == "en":
        return rng.choice([day.strftime("%B %-d, %Y"), day.strftime("%-d %B %Y"),
                           day.strftime("%m/%d/%Y"), day.isoformat()])
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}{rng.choice(['日', '号'])}"
    if language == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return rng.choice([f"ngày {day.day} tháng {day.month} năm {day.year}",
                       f"{day.day:02d}/{day.month:02d}/{day.year}"])


def r_email(fake: Faker, rng: random.Random, language: str) -> str:
    user, domain = fake.user_name(), fake.free_email_domain()
    if rng.random() < 0.3:
        if language == "ja":
            return f"{user} アットマーク {domain.replace('.', ' ドット ')}"
        if language == "en":
            return f"{user} at {domain.replace('.', ' dot ')}"
    return f"{user}@{domain}"


def r_person(fake: Faker, rng: random.Random, language: str) -> str:
    if language != "ja":
        return fake.name()
    ja = _ja(rng)
    style = rng.random()
    if style < 0.35:
        return ja.last_name() + rng.choice(["", " "]) + ja.first_name()
    if style < 0.55:
        return ja.last_kana_name() + " " + ja.first_kana_name()
    if style < 0.7:
        kana = ja.last_kana_name() + " " + ja.first_kana_name()
        return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)
    if style < 0.85:
        return f"{ja.last_romanized_name().upper()} {ja.first_romanized_name()}"
    foreign = Faker(rng.choice(["en_US", "vi_VN", "zh_CN", "ko_KR"]))
    foreign.seed_instance(rng.randrange(2**31))
    return foreign.name()


RENDER: dict[str, Render] = {
    "MY_NUMBER": r_my_number, "RESIDENCE_CARD": r_residence_card, "PASSPORT": r_passport,
    "PHONE_JP": r_phone, "POSTAL_CODE": r_postal, "ADDRESS_JP": r_address,
    "DATE_OF_BIRTH": r_birth, "EMAIL": r_email, "PERSON": r_person,
}

# --- sentences (separate sets per split: test templates are never seen while tuning) ----

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "dev": {
        "ja": [
            "えっと {PERSON} です 転入届を出したいんですけど",
            "個人番号は {MY_NUMBER} になります",
            "在留カード番号 {RESIDENCE_CARD} です",
            "旅券番号は {PASSPORT} です",
            "携帯の番号が {PHONE_JP} なんですけど",
            "郵便番号 {POSTAL_CODE} の {ADDRESS_JP} に住んでます",
            "新しい住所は {ADDRESS_JP} です",
            "生まれたのは {DATE_OF_BIRTH} です",
            "メールは {EMAIL} でお願いします",
            "世帯主は {PERSON} で 生年月日は {DATE_OF_BIRTH} です",
            "はい {PERSON} 様 こちらにご記入ください",
            "連絡先 {PHONE_JP} 住所 {ADDRESS_JP}",
            "マイナンバー {MY_NUMBER} と在留カード {RESIDENCE_CARD} を確認しました",
            "夫の {PERSON} の代わりに来ました",
            # added in the fifth sitting: the old dev templates were saturated (0.998), so
            # new addresses and names in new positions give the rules fresh data to fail on
            "{ADDRESS_JP}に引っ越してきました",
            "住所変更で {ADDRESS_JP} になります",
            "今は {ADDRESS_JP} で 前は {ADDRESS_JP} に住んでました",
            "{ADDRESS_JP} の {PERSON} です",
            "転居先 {ADDRESS_JP}",
            "{PERSON}さんのご住所は{ADDRESS_JP}ですね",
            "えー {ADDRESS_JP} えっと そこです",
            "娘の {PERSON} と息子の {PERSON} も一緒です",
            "届出人は {PERSON} 連絡先は {PHONE_JP}",
            "私は {PERSON} です よろしくお願いします",
            "{PERSON} の妻です 代理で来ました",
            "届け出る人は {PERSON} で {DATE_OF_BIRTH} 生まれです",
            "えっと {PERSON} って書けばいいですか",
        ],
        "en": [
            "my name is {PERSON} and I moved here last week",
            "the passport number is {PASSPORT}",
            "you can call me at {PHONE_JP}",
            "I was born {DATE_OF_BIRTH}",
            "my email address is {EMAIL}",
            "my residence card says {RESIDENCE_CARD}",
            "I live at {ADDRESS_JP} now",
            "the new address is {ADDRESS_JP} since Monday",
            "we moved from {ADDRESS_JP} to {ADDRESS_JP}",
            "{PERSON} lives at {ADDRESS_JP} with me",
            "this is {PERSON} speaking",
            "{PERSON} is my son and he lives with me",
            "the form is for {PERSON} not for me",
        ],
        "zh": [
            "我的名字是{PERSON} 我要办转入手续",
            "电话号码是{PHONE_JP}",
            "护照号码{PASSPORT}",
            "我是{DATE_OF_BIRTH}出生的",
            "在留卡号码是{RESIDENCE_CARD}",
            "我现在住在{ADDRESS_JP}",
            "我搬到了{ADDRESS_JP}",
            "{PERSON}住在{ADDRESS_JP}",
            "{PERSON}是我的丈夫",
            "这是{PERSON}的护照",
            "我丈夫{PERSON}也要办",
        ],
        "ko": [
            "제 이름은 {PERSON}이고 전입 신고하러 왔어요",
            "전화번호는 {PHONE_JP} 입니다",
            "여권 번호 {PASSPORT}",
            "생일은 {DATE_OF_BIRTH} 이에요",
            "재류카드 번호는 {RESIDENCE_CARD} 입니다",
            "주소는 {ADDRESS_JP} 입니다",
            "{ADDRESS_JP}로 이사했어요",
            "{PERSON}입니다 잘 부탁드립니다",
            "저는 {PERSON} 씨의 아내입니다",
            "신청인은 {PERSON} 입니다",
        ],
        "vi": [
            "tên tôi là {PERSON} tôi muốn đăng ký cư trú",
            "số điện thoại của tôi là {PHONE_JP}",
            "số hộ chiếu là {PASSPORT}",
            "tôi sinh {DATE_OF_BIRTH}",
            "số thẻ cư trú là {RESIDENCE_CARD}",
            "email của tôi là {EMAIL}",
            "địa chỉ của tôi là {ADDRESS_JP}",
            "tôi mới chuyển đến {ADDRESS_JP}",
            "vợ tôi là {PERSON}",
            "chồng tôi là {PERSON}",
            "{PERSON} là con gái tôi",
        ],
    },
    "test": {
        "ja": [
            "あの {PERSON} と申しますが 住民票をお願いします",
            "番号は {MY_NUMBER} です マイナンバーの",
            "カードの番号は {RESIDENCE_CARD} です",
            "パスポートの番号 {PASSPORT} です",
            "電話は {PHONE_JP} です",
            "〒は {POSTAL_CODE} です",
            "前の住所は {ADDRESS_JP} でした",
            "{ADDRESS_JP} から引っ越してきました",
            "誕生日は {DATE_OF_BIRTH} です",
            "アドレスは {EMAIL} です",
            "申請者 {PERSON} 生年月日 {DATE_OF_BIRTH}",
            "{PERSON} さんの電話番号は {PHONE_JP} ですね",
            "子供の {PERSON} の分もお願いします",
            "在留カード {RESIDENCE_CARD} とパスポート {PASSPORT} をお持ちですね",
        ],
        "en": [
            "hello I am {PERSON}",
            "passport {PASSPORT}",
            "my number is {PHONE_JP}",
            "date of birth {DATE_OF_BIRTH}",
            "please write to {EMAIL}",
            "card number {RESIDENCE_CARD}",
            "the address is {ADDRESS_JP}",
        ],
        "zh": [
            "我叫{PERSON}",
            "我的手机是{PHONE_JP}",
            "我的护照是{PASSPORT}",
            "出生日期{DATE_OF_BIRTH}",
            "卡号是{RESIDENCE_CARD}",
            "地址是{ADDRESS_JP}",
        ],
        "ko": [
            "저는 {PERSON}입니다",
            "연락처는 {PHONE_JP}",
            "여권은 {PASSPORT} 입니다",
            "{DATE_OF_BIRTH}에 태어났어요",
            "카드 번호 {RESIDENCE_CARD}",
        ],
        "vi": [
            "tôi là {PERSON}",
            "điện thoại {PHONE_JP}",
            "hộ chiếu của tôi {PASSPORT}",
            "ngày sinh {DATE_OF_BIRTH}",
            "thẻ cư trú {RESIDENCE_CARD}",
            "thư điện tử {EMAIL}",
        ],
    },
}

# Counter talk with numbers that are not personal data: must come out unchanged.
NEGATIVES: dict[str, list[str]] = {
    "ja": ["{N}番の窓口でお待ちください", "手数料は{N}円です", "整理券は{N}番です",
           "{N}分ほどかかります", "受付は{N}時までです", "書類は{N}枚必要です",
           "{N}階の市民課へどうぞ"],
    "en": ["please wait at counter {N}", "the fee is {N} yen", "it takes {N} minutes"],
    "zh": ["请到{N}号窗口", "手续费是{N}日元"],
    "ko": ["{N}번 창구로 가세요", "수수료는 {N}엔입니다"],
    "vi": ["vui lòng đến quầy số {N}", "lệ phí là {N} yên"],
}
NEGATIVE_NUMBERS = ["3", "12", "300", "1,000", "4", "25", "128", "2"]


def build(split: str, repeats: int = 12) -> list[Sample]:
    """The split's sentences: every template `repeats` times with fresh values."""
    rng = random.Random(SEEDS[split])  # noqa: S311 - a reproducible corpus, not a secret
    samples: list[Sample] = []
    for language, templates in TEMPLATES[split].items():
        fake = Faker(LOCALES[language])
        fake.seed_instance(SEEDS[split])
        for t_index, template in enumerate(templates):
            for r in range(repeats):
                samples.append(_fill(f"{split}-{language}-{t_index}-{r}", language, template,
                                     fake, rng))
    for language, texts in NEGATIVES.items():
        for n, text in enumerate(texts):
            for number in NEGATIVE_NUMBERS[:4] if split == "dev" else NEGATIVE_NUMBERS[4:]:
                samples.append(Sample(f"{split}-{language}-neg-{n}-{number}", language,
                                      text.replace("{N}", number), ()))
    return samples


def _fill(sample_id: str, language: str, template: str, fake: Faker,
          rng: random.Random) -> Sample:
    text, spans, rest = "", [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        entity, _, rest = after.partition("}")
        text += before
        value = RENDER[entity](fake, rng, language)
        spans.append((entity, len(text), len(text) + len(value), value))
        text += value
    text += rest
    return Sample(sample_id, language, text, tuple(spans))
