# ruff: noqa: E501
"""A fresh, evaluation-only corpus for the redaction detector.

Written by an independent author in the eighth sitting (2026-12-03), without reading the
detection rules, their documentation, the earlier evaluation results or the two other corpora
(``corpus.py``, ``independent.py``). Every sentence template below was written from scratch
for this module from the author's own idea of what is said at a Tokyo ward's family-register
and resident counter (戸籍住民課): moving in and out (転入/転出), 住民票, 印鑑登録,
マイナンバーカード, 在留カード, 国民健康保険, 児童手当, 婚姻届, 出生届, 戸籍, proxies with a
委任状, phone callbacks and e-mail follow-ups, in Japanese, English, Chinese, Korean and
Vietnamese.

It covers nine entity types (PERSON, ADDRESS_JP, PHONE_JP, MY_NUMBER, RESIDENCE_CARD,
PASSPORT, POSTAL_CODE, EMAIL, DATE_OF_BIRTH), rendered the way Whisper transcripts show them:
missing or odd punctuation, full-width digits and letters, kanji digits and kanji numerals,
katakana / hangul / English / Vietnamese digit words, digit groups split by spaces, の, 、 or
ー, fillers inside numbers, several values in one sentence, Latin names inside Japanese and
Chinese sentences, and visitors' imperfect Japanese. About a fifth of the samples are
negatives: they carry fees, window and ticket numbers, floors, counts, moving and deadline
dates, office hours, short receipt numbers and public place names, and no personal data.

Spans are the minimal value (no honorific, particle or context word) and are computed while
each sentence is assembled, never by searching the finished text. The corpus is only ever
evaluated: no rule may be tuned against it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sample import Sample

SEED = 20261203


LANGUAGES = ("ja", "en", "zh", "ko", "vi")

# How many renderings of each template are produced (Japanese is the largest share).
REPEATS = {"ja": 4, "en": 3, "zh": 3, "ko": 3, "vi": 3}

# Placeholder syntax of this module: <UPPER> or <UPPER.mod> is a personal value with a gold
# span; <lower> is a value that is NOT personal data (fees, windows, dates of moving ...).
SLOT_TYPES = {
    "NAME": "PERSON",
    "CALL": "PERSON",
    "ADDR": "ADDRESS_JP",
    "TEL": "PHONE_JP",
    "MYNO": "MY_NUMBER",
    "ZAIRYU": "RESIDENCE_CARD",
    "PASSPORT": "PASSPORT",
    "ZIP": "POSTAL_CODE",
    "MAIL": "EMAIL",
    "BIRTH": "DATE_OF_BIRTH",
}
_SLOT = re.compile(r"<([A-Za-z]+)(?:\.([a-z]+))?>")

TEMPLATES: dict[str, list[str]] = {
    "ja": [
        "<NAME>と申します。先週<ADDR>に引っ越してきたので転入届を出したいです。",
        "新しいご住所は<ADDR>でよろしいですか。",
        "前の住所は<ADDR>で、郵便番号は<ZIP>です。",
        "〒<ZIP> <ADDR>、こちらで間違いないですね。",
        "生年月日は<BIRTH>です。",
        "<CALL>さん、生年月日をお伺いしてもよろしいですか。はい、<BIRTH>です。",
        "電話番号は<TEL>です、日中はこちらにお願いします。",
        "書類に不備があった場合、<TEL>にお電話してもよろしいですか。",
        "マイナンバーは<MYNO>です。",
        "個人番号、<MYNO>、で合っていますか。",
        "在留カードの番号は<ZAIRYU>です。",
        "在留カード拝見します。<ZAIRYU>、<NAME>さんですね。",
        "パスポート番号は<PASSPORT>になります。",
        "<NAME>さんのパスポート、番号<PASSPORT>、有効期限も確認しました。",
        "メールアドレスは<MAIL>です。",
        "結果は<MAIL>にメールでお送りしますね。",
        "委任状を持ってきました。本人は<NAME>で、私は代理人の<NAME>です。",
        "代理人の方のご住所は<ADDR>、お電話は<TEL>ですね。",
        "印鑑登録をしたいです。<NAME>、<BIRTH>生まれです。",
        "わたし の 名前 <NAME> です。住所 <ADDR> です。",
        "すみません、マイナンバーカード、受け取り 来ました。番号 <MYNO>。",
        "出生届です。子どもの名前は<NAME.ja>、生まれたのは<BIRTH.child>です。",
        "婚姻届を提出します。夫は<NAME>、妻は<NAME>です。",
        "妻の生年月日は<BIRTH>、国籍はベトナムです。",
        "国民健康保険に加入したいんですけど、<ADDR>に住んでいます、電話は<TEL>です。",
        "児童手当の申請です。子どもは<NAME>、<BIRTH.child>生まれです。",
        "転出先の住所は<ADDR>です。",
        "転出予定日は<moveday>で、新しい住所は<ADDR>になります。",
        "<CALL>様、<window>でお呼びしますので少々お待ちください。",
        "えーと、<NAME>の住民票を<copies>お願いします。",
        "戸籍謄本の請求ですね。筆頭者は<NAME.ja>さん、本籍は<ADDR>ですか。",
        "在留カードは<ZAIRYU>、マイナンバーは<MYNO>です。",
        "連絡先は<TEL>か、メールの<MAIL>でお願いします。",
        "<BIRTH>生まれの<NAME>さん、ご本人確認ができました。",
        "こちらの控えに<CALL>様のご住所<ADDR>と郵便番号<ZIP>を記入してください。",
        "あの、パスポート<PASSPORT>と在留カード<ZAIRYU>、両方持ってきました。",
        "折り返しのお電話は<TEL>ですね、<hours>の間におかけします。",
        "<MAIL>、これ私のメールです。",
        "マイナンバーカードの暗証番号を忘れました。<NAME>です、生年月日は<BIRTH>です。",
        "郵便番号<ZIP>、<ADDR>、<NAME>宛てに送付します。",
        "世帯主は<NAME>で、続柄は夫です。",
        "<TEL>、えっと、これは携帯です。",
        "<ZIP>の<ADDR>です。",
        "転入前の住所が<ADDR>で、転入日は<moveday>です。",
        "お子さんの名前は<NAME>、生年月日は<BIRTH.child>、パスポートは<PASSPORT>ですね。",
        "すみません 私 <NAME> 在留カード <ZAIRYU> 住所変更 お願いします",
        "個人番号カードの交付通知書が届いた<NAME>です。個人番号は<MYNO>。",
        "本人確認のため、お名前と生年月日を、はい、<NAME>さん、<BIRTH>ですね。",
        "<CALL>さんのメールアドレス、<MAIL>で登録しておきます。",
        "わたし、<BIRTH>に生まれた、パスポートの番号 <PASSPORT> です。",
        "通知カードの住所がまだ<ADDR>のままなんです。",
        # negatives: numbers, dates and public names that are not personal data
        "住民票の写しは<copies>で<fee>になります。",
        "<ticket>の方、<window>へお越しください。",
        "印鑑登録は<floor>の<window>で受け付けています。",
        "窓口の受付時間は平日<hours>です。",
        "転入届は引っ越してから<days>に出してください。",
        "<moveday>に引っ越しました、手続きはこちらでいいですか。",
        "<fyear>の児童手当の現況届は<moveday>までに提出してください。",
        "<place>から歩いて来ました、戸籍の窓口はどこですか。",
        "マイナンバーカードの受け取りは予約制で、<moveday>以降になります。",
        "申請番号は<receipt>です、控えをなくさないでください。",
        "家族<people>で転入します、住民票は<copies>必要です。",
        "国民健康保険の手続きは<floor>の<window>で、<place>へは行かなくて大丈夫です。",
    ],
    "en": [
        "Hi, my name is <NAME> and I moved to <ADDR> last week.",
        "My new address is <ADDR>, postal code <ZIP>.",
        "I was born on <BIRTH>.",
        "Date of birth <BIRTH>, that's what's on my residence card.",
        "You can reach me at <TEL> if anything is missing.",
        "My phone number, uh, it's <TEL>.",
        "My residence card number is <ZAIRYU>.",
        "Passport number <PASSPORT>, it was issued last year.",
        "Here's my My Number, <MYNO>.",
        "Could you send the confirmation to <MAIL>?",
        "My email is <MAIL>, all lowercase.",
        "I'm here on behalf of <NAME>, I have the letter of proxy, and my name is <NAME>.",
        "We want to register our marriage, I'm <NAME> and my fiancee is <NAME>, she was born <BIRTH>.",
        "The baby is <NAME>, born <BIRTH.child>, and we live at <ADDR>.",
        "For the national health insurance, my card number is <ZAIRYU> and my My Number is <MYNO>.",
        "<NAME>, passport <PASSPORT>, birthday <BIRTH>.",
        "Ms. <CALL> will call you back at <TEL> within <days>.",
        "Please write <ADDR> on the form, and your phone <TEL> below it.",
        "I'm moving out to <ADDR> on <moveday>.",
        "Is it okay if I give you my wife's email, <MAIL>, instead of mine?",
        "My previous address was <ADDR>, and the zip code there was <ZIP>.",
        "Mr. <CALL>, we'll mail the card to <ADDR>.",
        "The residence card says <ZAIRYU> and the name is spelled <NAME>.",
        "My son <NAME> was born on <BIRTH.child> at a hospital near <place>.",
        # negatives
        "A copy of the residence certificate is <fee> per copy, and you asked for <copies>.",
        "Number <ticket>, please come to <window>.",
        "The seal registration desk is on <floor>, next to <window>.",
        "We're open <hours> on weekdays.",
        "I moved in on <moveday>, am I too late?",
        "Your application number is <receipt>, please keep this slip.",
        "I came from <place>, where do I register my address?",
    ],
    "zh": [
        "你好，我叫<NAME>，上个月搬到了<ADDR>。",
        "我的新地址是<ADDR>，邮编<ZIP>。",
        "我是<BIRTH>出生的。",
        "出生日期<BIRTH>。",
        "我的手机号码是<TEL>。",
        "嗯，电话是<TEL>，白天都可以打。",
        "在留卡号码是<ZAIRYU>。",
        "护照号码<PASSPORT>。",
        "我的个人编号是<MYNO>。",
        "请把结果发到我的邮箱<MAIL>。",
        "我是代理人<NAME>，本人是<NAME>，这是委托书。",
        "我们来办结婚登记，我叫<NAME>，她叫<NAME>，她是<BIRTH>出生的。",
        "孩子叫<NAME>，<BIRTH.child>出生，我们住在<ADDR>。",
        "<NAME>，在留卡<ZAIRYU>，个人番号<MYNO>。",
        "我要加入国民健康保险，地址是<ADDR>，电话<TEL>。",
        "我的邮箱是<MAIL>，有问题请联系我。",
        "我<moveday>要搬到<ADDR>，需要办转出手续。",
        "<CALL>先生，您的护照号码是<PASSPORT>对吗？",
        "邮编是<ZIP>，地址<ADDR>，收件人<NAME>。",
        "我丈夫叫<NAME>，他的生日是<BIRTH>。",
        "以前住在<ADDR>，那边的邮编是<ZIP>。",
        # negatives
        "住民票一份<fee>，您要<copies>对吧。",
        "<ticket>请到<window>。",
        "印章登记在<floor>的<window>办理。",
        "办公时间是工作日<hours>。",
        "我是<moveday>搬过来的，现在办还来得及吗？",
        "我从<place>过来的，请问户籍窗口在哪里？",
        "您的受理号码是<receipt>，请保管好。",
    ],
    "ko": [
        "안녕하세요, 저는 <NAME>입니다. 지난주에 <ADDR>로 이사왔어요.",
        "새 주소는 <ADDR>이고 우편번호는 <ZIP>입니다.",
        "생년월일은 <BIRTH>입니다.",
        "제 생일은 <BIRTH>이에요.",
        "전화번호는 <TEL>입니다.",
        "어, 핸드폰 번호가 <TEL>이에요.",
        "재류카드 번호는 <ZAIRYU>입니다.",
        "여권 번호는 <PASSPORT>예요.",
        "마이넘버는 <MYNO>입니다.",
        "결과는 <MAIL>로 보내 주세요.",
        "위임장 가지고 왔어요. 본인은 <NAME>이고 저는 대리인 <NAME>입니다.",
        "혼인신고 하러 왔어요. 저는 <NAME>, 아내는 <NAME>이고 아내 생일은 <BIRTH>입니다.",
        "아기 이름은 <NAME>이고 <BIRTH.child>에 태어났어요.",
        "<NAME> 씨, 재류카드 <ZAIRYU> 확인했습니다.",
        "국민건강보험 가입하려고요. 주소는 <ADDR>, 전화는 <TEL>입니다.",
        "이메일 주소는 <MAIL>이에요.",
        "<moveday>에 <ADDR>로 전출할 예정입니다.",
        "여권 <PASSPORT>, 마이넘버 <MYNO>, 둘 다 가져왔어요.",
        "우편번호 <ZIP>, 주소 <ADDR>, 받는 사람 <NAME>입니다.",
        "남편 이름은 <NAME>이고 생년월일은 <BIRTH>이에요.",
        "<CALL> 씨, 나중에 <TEL>로 다시 전화드릴게요.",
        # negatives
        "주민표는 한 통에 <fee>이고 <copies> 필요하시죠?",
        "<ticket> 손님, <window>로 와 주세요.",
        "인감 등록은 <floor> <window>에서 합니다.",
        "창구 운영 시간은 평일 <hours>입니다.",
        "<moveday>에 이사했는데 지금 신고해도 되나요?",
        "<place>에서 왔는데 호적 창구가 어디예요?",
        "접수 번호는 <receipt>입니다. 영수증 잘 보관하세요.",
    ],
    "vi": [
        "Xin chào, tôi tên là <NAME>, tuần trước tôi mới chuyển đến <ADDR>.",
        "Địa chỉ mới của tôi là <ADDR>, mã bưu điện <ZIP>.",
        "Tôi sinh <BIRTH>.",
        "Ngày sinh của tôi là <BIRTH>.",
        "Số điện thoại của tôi là <TEL>.",
        "Ờ, số điện thoại là <TEL>, chị gọi buổi chiều nhé.",
        "Số thẻ lưu trú của em là <ZAIRYU>.",
        "Số hộ chiếu <PASSPORT>.",
        "Mã số My Number của tôi là <MYNO>.",
        "Gửi kết quả vào email <MAIL> giúp tôi.",
        "Tôi là người đại diện <NAME>, người ủy quyền là <NAME>, đây là giấy ủy quyền.",
        "Chúng tôi đăng ký kết hôn, tôi là <NAME>, vợ tôi là <NAME>, sinh <BIRTH>.",
        "Con tôi tên là <NAME>, sinh <BIRTH.child>, nhà ở <ADDR>.",
        "Anh <NAME>, thẻ lưu trú <ZAIRYU>, My Number <MYNO>.",
        "Tôi muốn tham gia bảo hiểm y tế quốc dân, địa chỉ <ADDR>, điện thoại <TEL>.",
        "Email của em là <MAIL> ạ.",
        "Vào <moveday> tôi sẽ chuyển đến <ADDR>.",
        "Chị <CALL> ơi, hộ chiếu của chị số <PASSPORT> phải không?",
        "Mã bưu điện <ZIP>, địa chỉ <ADDR>, người nhận <NAME>.",
        "Chồng tôi tên <NAME>, sinh <BIRTH>.",
        "Trước đây tôi ở <ADDR>, mã bưu điện <ZIP>.",
        # negatives
        "Phiếu cư trú mỗi bản <fee>, chị cần <copies> đúng không?",
        "<ticket> mời đến <window>.",
        "Đăng ký con dấu ở <floor>, <window>.",
        "Giờ làm việc là <hours> các ngày trong tuần.",
        "Tôi chuyển đến đây vào <moveday>, bây giờ làm thủ tục có muộn không?",
        "Tôi từ <place> đến, quầy hộ tịch ở đâu ạ?",
        "Mã hồ sơ của chị là <receipt>, giữ giấy này cẩn thận nhé.",
    ],
}

# Public places that are named at the counter and are not anybody's address.
PLACES: dict[str, list[str]] = {
    "ja": [
        "新宿駅",
        "区役所の2階",
        "出入国在留管理局",
        "ハローワーク新宿",
        "年金事務所",
        "都庁",
        "ベトナム大使館",
        "中央図書館",
        "西口のバス停",
        "高田馬場駅",
    ],
    "en": [
        "Shinjuku Station",
        "the immigration bureau",
        "city hall",
        "the Vietnamese embassy",
        "Takadanobaba Station",
        "the pension office",
    ],
    "zh": ["新宿站", "入管局", "区役所", "中国大使馆", "池袋站", "年金事务所"],
    "ko": ["신주쿠역", "출입국재류관리국", "구청", "한국 대사관", "신오쿠보역", "연금사무소"],
    "vi": [
        "ga Shinjuku",
        "cục xuất nhập cảnh",
        "đại sứ quán Việt Nam",
        "ga Takadanobaba",
        "văn phòng hưu trí",
        "tòa thị chính",
    ],
}


def my_number_check(first11: str) -> int:
    """Check digit of a 12-digit My Number (総務省令第85号 第5条)."""
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])  # P1 is the rightmost of the eleven digits
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number(rng: random.Random) -> str:
    """A valid 12-digit My Number."""
    first = "".join(str(rng.randrange(10)) for _ in range(11))
    return first + str(my_number_check(first))


# ---------------------------------------------------------------- numbers and scripts

_KANJI_DIGITS = "〇一二三四五六七八九"
_ZH_DIGITS = "零一二三四五六七八九"
_KATA_DIGITS = ("ゼロ", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュー")
_HANGUL_DIGITS = ("공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_FILLERS = {
    "ja": ("えー", "えっと", "あの", "えーと"),
    "zh": ("嗯", "那个", "呃"),
    "ko": ("어", "음"),
    "en": ("uh", "um"),
    "vi": ("ờ", "à", "ừm"),
}


def _fw(s: str) -> str:
    """ASCII to full-width (the way some transcripts come out)."""
    out = []
    for c in s:
        if "!" <= c <= "~":
            out.append(chr(ord(c) + 0xFEE0))
        elif c == " ":
            out.append("\u3000")
        else:
            out.append(c)
    return "".join(out)


def _kanji_num(n: int) -> str:
    """1..9999 as a kanji numeral (十二, 六十, 三百五十)."""
    if n == 0:
        return "〇"
    out = ""
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit_value)
        if q:
            out += ("" if q == 1 else _KANJI_DIGITS[q]) + unit
    if n:
        out += _KANJI_DIGITS[n]
    return out


def _sino_ko(n: int) -> str:
    """1..9999 as Sino-Korean numerals (천구백구십)."""
    ones = ("", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구")
    out = ""
    for unit_value, unit in ((1000, "천"), (100, "백"), (10, "십")):
        q, n = divmod(n, unit_value)
        if q:
            out += ("" if q == 1 else ones[q]) + unit
    if n:
        out += ones[n]
    return out


_EN_SMALL = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORDINAL_WORDS = (
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twenty-first",
    "twenty-second",
    "twenty-third",
    "twenty-fourth",
    "twenty-fifth",
    "twenty-sixth",
    "twenty-seventh",
    "twenty-eighth",
    "twenty-ninth",
    "thirtieth",
    "thirty-first",
)
_MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _en_two(n: int) -> str:
    if n < 20:
        return _EN_SMALL[n]
    tens, ones = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_SMALL[ones]}" if ones else "")


def _en_year(y: int) -> str:
    if 2000 <= y <= 2009:
        return "two thousand" + (f" and {_EN_SMALL[y - 2000]}" if y > 2000 else "")
    hi, lo = divmod(y, 100)
    if lo == 0:
        return f"{_en_two(hi)} hundred"
    if lo < 10:
        return f"{_en_two(hi)} oh {_EN_SMALL[lo]}"
    return f"{_en_two(hi)} {_en_two(lo)}"


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pick(rng: random.Random, weighted: Sequence[tuple[float, str]]) -> str:
    weights = [w for w, _ in weighted]
    return rng.choices([v for _, v in weighted], weights=weights)[0]


def _digit_word_group(group: str, words: tuple[str, ...] | str, joiner: str) -> str:
    return joiner.join(words[int(c)] for c in group)


def _render_digits(groups: list[str], lang: str, rng: random.Random, words_ok: bool = True) -> str:
    """Digit groups as a transcript shows them in ``lang``."""
    filler = rng.random() < 0.14 and len(groups) > 1
    if lang == "ja":
        style = _pick(
            rng, [(30, "ascii"), (14, "fw"), (16, "kanji"), (14 if words_ok else 0, "kata")]
        )
        if style == "ascii":
            sep = _pick(rng, [(40, "-"), (15, " "), (15, ""), (15, "の"), (8, "ー"), (7, "、")])
            parts = list(groups)
        elif style == "fw":
            sep = _pick(rng, [(45, "－"), (25, "ー"), (20, ""), (10, "\u3000")])
            parts = [_fw(g) for g in groups]
        elif style == "kanji":
            sep = _pick(rng, [(35, "の"), (25, "、"), (20, " "), (10, "ー"), (10, "")])
            parts = [_digit_word_group(g, _KANJI_DIGITS, "") for g in groups]
        else:
            sep = _pick(rng, [(45, "、"), (35, " "), (20, "の")])
            parts = [_digit_word_group(g, _KATA_DIGITS, "") for g in groups]
    elif lang == "zh":
        style = _pick(rng, [(55, "ascii"), (10, "fw"), (25 if words_ok else 0, "words")])
        if style == "ascii":
            sep = _pick(rng, [(45, "-"), (35, " "), (20, "")])
            parts = list(groups)
        elif style == "fw":
            sep = _pick(rng, [(60, "－"), (40, "")])
            parts = [_fw(g) for g in groups]
        else:
            sep = _pick(rng, [(60, " "), (25, ""), (15, "，")])
            digits = _ZH_DIGITS if rng.random() < 0.6 else _KANJI_DIGITS
            parts = [_digit_word_group(g, digits, "") for g in groups]
    elif lang == "ko":
        style = _pick(rng, [(60, "ascii"), (30 if words_ok else 0, "words")])
        if style == "ascii":
            sep = _pick(rng, [(50, "-"), (35, " "), (15, "")])
            parts = list(groups)
        else:
            sep = _pick(rng, [(60, " "), (40, "에 ")])
            parts = [_digit_word_group(g, _HANGUL_DIGITS, "") for g in groups]
    elif lang == "en":
        style = _pick(rng, [(65, "ascii"), (25 if words_ok else 0, "words")])
        if style == "ascii":
            sep = _pick(rng, [(50, "-"), (35, " "), (15, "")])
            parts = list(groups)
        else:
            sep = _pick(rng, [(55, ", "), (45, " ")])
            en_words = _EN_DIGITS if rng.random() < 0.5 else ("oh", *_EN_DIGITS[1:])
            parts = [_digit_word_group(g, en_words, " ") for g in groups]
    else:  # vi
        style = _pick(rng, [(65, "ascii"), (20 if words_ok else 0, "words")])
        if style == "ascii":
            sep = _pick(rng, [(40, "-"), (35, " "), (15, ""), (10, ".")])
            parts = list(groups)
        else:
            sep = _pick(rng, [(55, ", "), (45, " ")])
            parts = [_digit_word_group(g, _VI_DIGITS, " ") for g in groups]
    if not filler:
        return sep.join(parts)
    at = rng.randrange(1, len(parts))
    word = rng.choice(_FILLERS[lang])
    return sep.join(parts[:at]) + f" {word} " + sep.join(parts[at:])


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    out = [str(rng.randrange(1, 10) if first_nonzero else rng.randrange(10))]
    out += [str(rng.randrange(10)) for _ in range(n - 1)]
    return "".join(out)


# ---------------------------------------------------------------- people

_KO_LATIN_FAMILY = (
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Shin",
)
_KO_LATIN_GIVEN = (
    "Minjun",
    "Seoyeon",
    "Jiwoo",
    "Haeun",
    "Doyoon",
    "Sua",
    "Jaehyun",
    "Yuna",
    "Hyunwoo",
    "Eunji",
    "Jiho",
    "Soyoung",
)
_KO_KANA_FAMILY = ("キム", "イ", "パク", "チェ", "チョン", "カン", "ユン")
_KO_KANA_GIVEN = ("ミンジュン", "ソヨン", "ジウ", "ハウン", "ドユン", "ユナ", "ヒョヌ", "ウンジ")
_VI_KANA_FAMILY = ("グエン", "チャン", "レ", "ファム", "ホアン", "ヴー", "ダン")
_VI_KANA_GIVEN = (
    "ティ ラン",
    "ヴァン ナム",
    "ミン トゥアン",
    "ティ フオン",
    "ドゥック アイン",
    "ティ ホア",
    "クアン ハイ",
)
_JA_HANGUL_FAMILY = (
    "다나카",
    "스즈키",
    "사토",
    "야마다",
    "나카무라",
    "고바야시",
    "와타나베",
    "이토",
)
_JA_HANGUL_GIVEN = ("하나코", "유키", "겐타", "사쿠라", "히로시", "아야카", "쇼타", "메구미")
_NP_FAMILY = (
    "Gurung",
    "Tamang",
    "Shrestha",
    "Rai",
    "Magar",
    "Thapa",
    "Adhikari",
    "Sherpa",
    "Bhattarai",
    "Karki",
)
_NP_GIVEN = (
    "Sita",
    "Bishnu",
    "Anita",
    "Sunil",
    "Pemba",
    "Kamala",
    "Ramesh",
    "Sabina",
    "Dipak",
    "Manisha",
)

# Origin mix of the people named in each language's sentences.
_ORIGINS: dict[str, list[tuple[float, str]]] = {
    "ja": [
        (40, "ja"),
        (15, "zh"),
        (10, "ko"),
        (15, "vi"),
        (6, "us"),
        (3, "es"),
        (4, "pt"),
        (4, "ph"),
        (3, "np"),
    ],
    "en": [
        (15, "ja"),
        (12, "zh"),
        (10, "ko"),
        (13, "vi"),
        (20, "us"),
        (7, "es"),
        (8, "pt"),
        (8, "ph"),
        (7, "np"),
    ],
    "zh": [(65, "zh"), (25, "ja"), (3, "vi"), (3, "us"), (2, "ph"), (2, "np")],
    "ko": [(65, "ko"), (25, "ja"), (4, "vi"), (3, "us"), (3, "pt")],
    "vi": [(65, "vi"), (25, "ja"), (4, "zh"), (3, "us"), (3, "ph")],
}


def _unaccent(s: str) -> str:
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@dataclass
class _Person:
    origin: str
    family: str  # native script
    given: str
    latin_family: str
    latin_given: str
    kana_family: str = ""
    kana_given: str = ""
    hangul_family: str = ""
    hangul_given: str = ""


class _World:
    """All random sources of one build: one Random and one seeded Faker per locale."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (a reproducible corpus, not a secret)
        self.fake: dict[str, Faker] = {}
        for i, loc in enumerate(
            ("ja_JP", "zh_CN", "ko_KR", "vi_VN", "en_US", "es_ES", "pt_BR", "fil_PH", "en_PH")
        ):
            f = Faker(loc)
            f.seed_instance(seed + 101 * (i + 1))
            self.fake[loc] = f

    def person(self, origin: str) -> _Person:
        rng = self.rng
        if origin == "ja":
            f = self.fake["ja_JP"]
            return _Person(
                "ja",
                f.last_name(),
                f.first_name(),
                f.last_romanized_name(),
                f.first_romanized_name(),
                f.last_kana_name(),
                f.first_kana_name(),
                rng.choice(_JA_HANGUL_FAMILY),
                rng.choice(_JA_HANGUL_GIVEN),
            )
        if origin == "zh":
            f = self.fake["zh_CN"]
            return _Person(
                "zh",
                f.last_name(),
                f.first_name(),
                f.last_romanized_name(),
                f.first_romanized_name(),
            )
        if origin == "ko":
            f = self.fake["ko_KR"]
            return _Person(
                "ko",
                f.last_name(),
                f.first_name(),
                rng.choice(_KO_LATIN_FAMILY),
                rng.choice(_KO_LATIN_GIVEN),
                rng.choice(_KO_KANA_FAMILY),
                rng.choice(_KO_KANA_GIVEN),
            )
        if origin == "vi":
            f = self.fake["vi_VN"]
            first = f.first_name_female() if rng.random() < 0.5 else f.first_name_male()
            family = f.last_name()
            given = f"{f.middle_name()} {first}"
            return _Person(
                "vi",
                family,
                given,
                family,
                given,
                rng.choice(_VI_KANA_FAMILY),
                rng.choice(_VI_KANA_GIVEN),
            )
        if origin == "np":
            fam, giv = rng.choice(_NP_FAMILY), rng.choice(_NP_GIVEN)
            return _Person("np", fam, giv, fam, giv)
        loc = {"us": "en_US", "es": "es_ES", "pt": "pt_BR", "ph": rng.choice(("fil_PH", "en_PH"))}[
            origin
        ]
        f = self.fake[loc]
        fam, giv = f.last_name(), f.first_name()
        return _Person(origin, fam, giv, fam, giv)


def _latin_forms(p: _Person, rng: random.Random, keep_accents: bool) -> str:
    fam, giv = p.latin_family, p.latin_given
    if p.origin == "vi" and not keep_accents:
        fam, giv = _unaccent(fam), _unaccent(giv)
    if p.origin in ("ja", "zh", "ko", "vi"):  # family name first, as said at the counter
        return _pick(
            rng,
            [
                (45, f"{fam} {giv}"),
                (25, f"{fam.upper()} {giv}"),
                (15, f"{giv} {fam}"),
                (15 if p.origin == "vi" else 0, f"{fam} {giv}".upper()),
            ],
        )
    return _pick(
        rng, [(60, f"{giv} {fam}"), (25, f"{fam.upper()} {giv}"), (15, f"{giv} {fam.upper()}")]
    )


def _render_person(p: _Person, lang: str, rng: random.Random) -> str:
    if lang == "ja":
        if p.origin == "ja":
            return _pick(
                rng,
                [
                    (30, p.family + p.given),
                    (20, f"{p.family} {p.given}"),
                    (5, f"{p.family}\u3000{p.given}"),
                    (15, f"{p.kana_family} {p.kana_given}"),
                    (6, p.kana_family + p.kana_given),
                    (24, _latin_forms(p, rng, False)),
                ],
            )
        if p.origin == "zh":
            return _pick(rng, [(60, p.family + p.given), (40, _latin_forms(p, rng, False))])
        if p.origin == "ko":
            return _pick(
                rng,
                [
                    (40, f"{p.kana_family} {p.kana_given}"),
                    (15, p.family + p.given),
                    (45, _latin_forms(p, rng, False)),
                ],
            )
        if p.origin == "vi":
            return _pick(
                rng, [(40, f"{p.kana_family} {p.kana_given}"), (60, _latin_forms(p, rng, False))]
            )
        return _latin_forms(p, rng, False)
    if lang == "zh":
        if p.origin in ("zh", "ja"):
            return _pick(rng, [(85, p.family + p.given), (15, _latin_forms(p, rng, False))])
        return _latin_forms(p, rng, rng.random() < 0.5)
    if lang == "ko":
        if p.origin == "ko":
            return _pick(
                rng,
                [
                    (80, p.family + p.given),
                    (10, f"{p.family} {p.given}"),
                    (10, _latin_forms(p, rng, False)),
                ],
            )
        if p.origin == "ja":
            return _pick(
                rng,
                [(60, f"{p.hangul_family} {p.hangul_given}"), (40, _latin_forms(p, rng, False))],
            )
        return _latin_forms(p, rng, False)
    if lang == "vi":
        if p.origin == "vi":
            return _pick(
                rng,
                [
                    (70, f"{p.family} {p.given}"),
                    (12, _unaccent(f"{p.family} {p.given}")),
                    (10, f"{p.family} {p.given}".upper()),
                    (8, _unaccent(f"{p.family} {p.given}").upper()),
                ],
            )
        return _latin_forms(p, rng, True)
    return _latin_forms(p, rng, rng.random() < 0.4)  # en


def _render_call(p: _Person, lang: str, rng: random.Random) -> str:
    """The short form used with an honorific (田中さん, 김민준 씨, chị Lan, Mr. Smith)."""
    if lang == "ja":
        if p.origin == "ja":
            return _pick(rng, [(60, p.family), (20, p.kana_family), (20, p.latin_family)])
        if p.origin == "zh":
            return p.family
        if p.origin == "ko":
            return _pick(rng, [(50, p.kana_family), (50, p.latin_family)])
        if p.origin == "vi":
            return _pick(
                rng, [(50, p.kana_given.split()[-1]), (50, _unaccent(p.given.split()[-1]))]
            )
        return p.latin_family
    if lang == "zh":
        return p.family if p.origin in ("zh", "ja") else p.latin_family
    if lang == "ko":
        if p.origin == "ko":
            return p.family + p.given
        return p.hangul_family if p.origin == "ja" else p.latin_family
    if lang == "vi":
        if p.origin == "vi":
            return p.given.split()[-1]
        return p.latin_given if p.origin not in ("ja", "zh", "ko") else p.latin_family
    if p.origin == "vi":
        return _unaccent(p.family) if rng.random() < 0.6 else p.family
    return p.latin_family


# ---------------------------------------------------------------- addresses

# (kanji, romaji, hangul) for a ward, and its towns.
_WARDS: list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]] = [
    (
        ("新宿区", "Shinjuku", "신주쿠구"),
        [
            ("大久保", "Okubo", "오쿠보"),
            ("百人町", "Hyakunincho", "햐쿠닌초"),
            ("北新宿", "Kita-Shinjuku", "기타신주쿠"),
            ("高田馬場", "Takadanobaba", "다카다노바바"),
            ("西早稲田", "Nishi-Waseda", "니시와세다"),
            ("中落合", "Naka-Ochiai", "나카오치아이"),
            ("戸山", "Toyama", "도야마"),
        ],
    ),
    (
        ("中野区", "Nakano", "나카노구"),
        [
            ("中野", "Nakano", "나카노"),
            ("東中野", "Higashi-Nakano", "히가시나카노"),
            ("野方", "Nogata", "노가타"),
            ("鷺宮", "Saginomiya", "사기노미야"),
        ],
    ),
    (
        ("豊島区", "Toshima", "도시마구"),
        [
            ("池袋", "Ikebukuro", "이케부쿠로"),
            ("東池袋", "Higashi-Ikebukuro", "히가시이케부쿠로"),
            ("巣鴨", "Sugamo", "스가모"),
            ("南大塚", "Minami-Otsuka", "미나미오쓰카"),
        ],
    ),
    (
        ("杉並区", "Suginami", "스기나미구"),
        [
            ("高円寺南", "Koenji-Minami", "고엔지미나미"),
            ("阿佐谷北", "Asagaya-Kita", "아사가야키타"),
            ("荻窪", "Ogikubo", "오기쿠보"),
        ],
    ),
    (
        ("渋谷区", "Shibuya", "시부야구"),
        [
            ("代々木", "Yoyogi", "요요기"),
            ("恵比寿", "Ebisu", "에비스"),
            ("笹塚", "Sasazuka", "사사즈카"),
        ],
    ),
    (
        ("練馬区", "Nerima", "네리마구"),
        [("練馬", "Nerima", "네리마"), ("光が丘", "Hikarigaoka", "히카리가오카")],
    ),
    (
        ("板橋区", "Itabashi", "이타바시구"),
        [("成増", "Narimasu", "나리마스"), ("高島平", "Takashimadaira", "다카시마다이라")],
    ),
    (
        ("江戸川区", "Edogawa", "에도가와구"),
        [("西葛西", "Nishi-Kasai", "니시카사이"), ("小岩", "Koiwa", "고이와")],
    ),
    (
        ("足立区", "Adachi", "아다치구"),
        [("竹の塚", "Takenotsuka", "다케노쓰카"), ("千住", "Senju", "센주")],
    ),
    (("北区", "Kita", "기타구"), [("赤羽", "Akabane", "아카바네"), ("王子", "Oji", "오지")]),
    (
        ("台東区", "Taito", "다이토구"),
        [("浅草", "Asakusa", "아사쿠사"), ("上野", "Ueno", "우에노")],
    ),
    (
        ("世田谷区", "Setagaya", "세타가야구"),
        [("三軒茶屋", "Sangenjaya", "산겐자야"), ("経堂", "Kyodo", "교도")],
    ),
]
_LATIN_BUILDINGS = (
    "Sunny Heights",
    "Maison Verde",
    "Palace Court",
    "Green Hills",
    "Kopo Sakura",
    "Leo Residence",
)


def _block_kanji(rng: random.Random, c: int, b: int, g: int) -> str:
    k = _kanji_num
    return _pick(
        rng,
        [
            (22, f"{c}丁目{b}番{g}号"),
            (22, f"{c}-{b}-{g}"),
            (10, f"{c}の{b}の{g}"),
            (10, f"{k(c)}丁目{k(b)}番{k(g)}号"),
            (8, f"{k(c)}の{k(b)}の{k(g)}"),
            (10, _fw(f"{c}-{b}-{g}").replace("－", rng.choice(("－", "ー")))),
            (10, f"{c}丁目{b}-{g}"),
            (8, f"{c}丁目{b}番地{g}"),
        ],
    )


def _render_address(lang: str, w: _World) -> str:
    rng = w.rng
    c, b, g = rng.randint(1, 7), rng.randint(1, 30), rng.randint(1, 24)
    room = rng.choice((101, 102, 103, 201, 203, 205, 302, 305, 401, 406, 502, 603, 808, 1204))
    (ward, towns) = rng.choice(_WARDS)
    town = rng.choice(towns)
    if lang in ("ja", "zh"):
        script = "latin" if rng.random() < (0.1 if lang == "ja" else 0.12) else "kanji"
    elif lang == "ko":
        script = "hangul" if rng.random() < 0.55 else "latin"
    else:
        script = "latin"
    if script == "kanji":
        if rng.random() < 0.6:
            pref, city, town_name = "東京都", ward[0], town[0]
        else:
            f = w.fake["ja_JP"]
            pref, city, town_name = f.prefecture(), f.city(), f.town()
        parts = []
        if rng.random() < 0.3:
            parts.append(pref)
        if rng.random() < 0.9 or not parts:
            parts.append(city)
        parts.append(town_name)
        if rng.random() < 0.12:
            parts.append(f"{rng.randint(100, 2999)}番地")
        else:
            parts.append(_block_kanji(rng, c, b, g))
        joiner = _pick(rng, [(60, ""), (30, " "), (10, "\u3000")])
        text = joiner.join(parts)
        if rng.random() < 0.08 and lang == "ja":
            text = f"{parts[0]} えーと {joiner.join(parts[1:])}" if len(parts) > 2 else text
        if rng.random() < 0.3:
            if lang == "ja":
                bname = w.fake["ja_JP"].building_name() + rng.choice(("", town_name, "南館"))
                text += (
                    rng.choice((" ", ""))
                    + bname
                    + rng.choice((f"{room}号室", f" {room}号室", f" {room}"))
                )
            else:
                text += f" {room}室"
        return text
    if script == "hangul":
        head = "도쿄도 " if rng.random() < 0.3 else ""
        block = _pick(
            rng, [(50, f"{c}-{b}-{g}"), (30, f"{c}초메 {b}반 {g}고"), (20, f"{c}-{b}-{g}-{room}")]
        )
        text = f"{head}{ward[2]} {town[2]} {block}"
        if rng.random() < 0.25:
            text += f" {room}호"
        return text
    ku = f"{ward[1]}-ku" if rng.random() < 0.75 else f"{ward[1]} City"
    tokyo = ", Tokyo" if rng.random() < 0.4 else ""
    quan = lang == "vi" and rng.random() < 0.3
    if quan:
        ku = f"quận {ward[1]}"
    form = _pick(
        rng,
        [
            (40, f"{c}-{b}-{g} {town[1]}, {ku}{tokyo}"),
            (25, f"{town[1]} {c}-{b}-{g}, {ku}{tokyo}"),
            (15, f"{ku} {town[1]} {c}-chome {b}-{g}"),
            (10, f"{c}-chome {b}-ban {g}-go, {town[1]}, {ku}"),
            (10, f"{c}-{b}-{g}-{room} {town[1]}, {ku}"),
        ],
    )
    if rng.random() < 0.25:
        form = _pick(
            rng,
            [(50, f"Room {room}, {form}"), (50, f"{rng.choice(_LATIN_BUILDINGS)} {room}, {form}")],
        )
    return form


# ---------------------------------------------------------------- identifiers


def _render_phone(lang: str, rng: random.Random) -> str:
    kind = _pick(
        rng, [(50, "mobile"), (14, "03"), (12, "area"), (8, "050"), (6, "0120"), (10, "intl")]
    )
    if kind == "mobile":
        groups = [rng.choice(("070", "080", "090")), _digits(rng, 4, True), _digits(rng, 4)]
    elif kind == "03":
        groups = [rng.choice(("03", "03", "06")), _digits(rng, 4, True), _digits(rng, 4)]
    elif kind == "area":
        area = rng.choice(("0422", "0467", "042", "045", "048", "047", "0283"))
        groups = [area, _digits(rng, 6 - len(area), True), _digits(rng, 4)]
    elif kind == "050":
        groups = ["050", _digits(rng, 4, True), _digits(rng, 4)]
    elif kind == "0120":
        groups = ["0120", _digits(rng, 3, True), _digits(rng, 3)]
    else:
        mobile = rng.random() < 0.7
        first = rng.choice(("70", "80", "90")) if mobile else "3"
        rest = [_digits(rng, 4, True), _digits(rng, 4)]
        text = _pick(
            rng,
            [
                (40, f"+81 {first}-{rest[0]}-{rest[1]}"),
                (30, f"+81-{first}-{rest[0]}-{rest[1]}"),
                (20, f"+81{first}{rest[0]}{rest[1]}"),
                (10, f"+81 {first} {rest[0]} {rest[1]}"),
            ],
        )
        return _fw(text) if lang == "ja" and rng.random() < 0.25 else text
    if rng.random() < 0.12:
        groups = ["".join(groups)]
    return _render_digits(groups, lang, rng)


def _render_my_number(lang: str, rng: random.Random) -> str:
    value = my_number(rng)
    groups = [value[:4], value[4:8], value[8:]] if rng.random() < 0.7 else [value]
    return _render_digits(groups, lang, rng)


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(n))


def _render_residence_card(lang: str, rng: random.Random) -> str:
    head, digits, tail = _letters(rng, 2), _digits(rng, 8), _letters(rng, 2)
    form = _pick(
        rng,
        [
            (40, f"{head}{digits}{tail}"),
            (20, f"{head} {digits} {tail}"),
            (15, f"{head} {digits[:4]} {digits[4:]} {tail}"),
            (10, f"{' '.join(head)} {digits} {' '.join(tail)}"),
            (8, f"{head}-{digits}-{tail}"),
        ],
    )
    if lang in ("ja", "zh") and rng.random() < 0.22:
        form = _fw(form)
    if rng.random() < 0.08:
        form = f"{head} {rng.choice(_FILLERS[lang])} {digits}{tail}"
    return form


_PASSPORT_BY_LANG: dict[str, list[tuple[float, str]]] = {
    "ja": [(55, "jp"), (10, "cn"), (8, "kr"), (12, "vn"), (5, "us"), (5, "ph"), (5, "br")],
    "en": [
        (20, "jp"),
        (15, "cn"),
        (10, "kr"),
        (15, "vn"),
        (15, "us"),
        (10, "ph"),
        (8, "br"),
        (7, "gb"),
    ],
    "zh": [(75, "cn"), (25, "jp")],
    "ko": [(75, "kr"), (25, "jp")],
    "vi": [(80, "vn"), (20, "jp")],
}


def _render_passport(lang: str, rng: random.Random) -> str:
    country = _pick(rng, _PASSPORT_BY_LANG[lang])
    if country == "jp":
        value = rng.choice(("TK", "TR", "TZ", "MZ", "TS", "TH", "MU")) + _digits(rng, 7)
        spaced = f"{value[:2]} {value[2:]}"
    elif country == "cn":
        value = (
            "E" + _digits(rng, 8)
            if rng.random() < 0.7
            else "E" + rng.choice("ABCDEFGH") + _digits(rng, 7)
        )
        spaced = f"{value[:1]} {value[1:5]} {value[5:]}"
    elif country == "kr":
        value = (
            "M" + _digits(rng, 8)
            if rng.random() < 0.6
            else f"M{_digits(rng, 3)}{_letters(rng, 1)}{_digits(rng, 4)}"
        )
        spaced = f"{value[:1]} {value[1:]}"
    elif country == "vn":
        value = rng.choice("CBNP") + _digits(rng, 7)
        spaced = f"{value[:1]} {value[1:]}"
    elif country == "ph":
        value = "P" + _digits(rng, 7) + _letters(rng, 1)
        spaced = f"{value[:1]} {value[1:8]} {value[8:]}"
    elif country == "br":
        value = _letters(rng, 2) + _digits(rng, 6)
        spaced = f"{value[:2]} {value[2:]}"
    else:  # us, gb: nine digits
        value = _digits(rng, 9, True)
        spaced = f"{value[:3]} {value[3:6]} {value[6:]}"
    form = _pick(rng, [(60, value), (25, spaced), (15, value.lower() if lang == "en" else value)])
    if lang in ("ja", "zh") and rng.random() < 0.2:
        form = _fw(form)
    if rng.random() < 0.07 and " " in spaced:
        first, rest = spaced.split(" ", 1)
        form = f"{first} {rng.choice(_FILLERS[lang])} {rest}"
    return form


def _render_postal(lang: str, rng: random.Random) -> str:
    head = "1" + _digits(rng, 2) if rng.random() < 0.7 else _digits(rng, 3, True)
    tail = _digits(rng, 4)
    if lang == "ja":
        style = _pick(rng, [(40, "ascii"), (15, "plain"), (15, "fw"), (20, "digits"), (10, "kata")])
        if style == "ascii":
            return f"{head}-{tail}"
        if style == "plain":
            return head + tail
        if style == "fw":
            return _fw(f"{head}-{tail}")
        if style == "kata":
            return _render_digits([head, tail], "ja", rng)
        return (
            _digit_word_group(head, _KANJI_DIGITS, "")
            + rng.choice(("の", "ー", "、"))
            + _digit_word_group(tail, _KANJI_DIGITS, "")
        )
    if rng.random() < 0.7:
        return f"{head}-{tail}" if rng.random() < 0.75 else head + tail
    return _render_digits([head, tail], lang, rng)


_DOMAINS = {
    "ja": (
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "softbank.ne.jp",
        "yahoo.co.jp",
        "gmail.com",
        "icloud.com",
        "outlook.jp",
    ),
    "zh": ("qq.com", "163.com", "126.com", "gmail.com", "sina.com"),
    "ko": ("naver.com", "daum.net", "gmail.com", "kakao.com"),
    "vi": ("gmail.com", "yahoo.com.vn", "outlook.com"),
    "other": ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com"),
}
_SPOKEN_MAIL = {
    "ja": (
        [" アットマーク ", " アット ", "アットマーク"],
        [" ドット ", "ドット"],
        " アンダーバー ",
        " ハイフン ",
    ),
    "en": ([" at "], [" dot "], " underscore ", " dash "),
    "zh": ([" 艾特 ", " at ", "艾特"], ["点", " 点 ", " dot "], " 下划线 ", " 横杠 "),
    "ko": ([" 골뱅이 ", " 골뱅이", " at "], [" 점 ", " 닷 ", "닷"], " 언더바 ", " 하이픈 "),
    "vi": ([" a còng ", " a móc "], [" chấm "], " gạch dưới ", " gạch ngang "),
}


def _render_email(lang: str, w: _World) -> str:
    rng = w.rng
    origin = _pick(rng, _ORIGINS[lang])
    p = w.person(origin)
    fam = re.sub(r"[^a-z]", "", _unaccent(p.latin_family).lower()) or "user"
    giv = re.sub(r"[^a-z]", "", _unaccent(p.latin_given).lower()) or "mail"
    yy = rng.randint(60, 99) if rng.random() < 0.6 else rng.randint(0, 9)
    local = _pick(
        rng,
        [
            (20, f"{giv}.{fam}"),
            (15, f"{fam}{giv[0]}"),
            (15, f"{giv}_{fam}{yy:02d}"),
            (15, f"{fam}.{giv}{yy}"),
            (10, f"{giv}{rng.randint(1960, 2005)}"),
            (10, f"{giv[0]}.{fam}"),
            (10, f"{fam}-{giv}"),
            (5, f"{fam}{rng.randint(1, 999)}"),
        ],
    )
    domain = rng.choice(_DOMAINS.get(origin, _DOMAINS["other"]))
    plain = f"{local}@{domain}"
    style = _pick(rng, [(48, "plain"), (14 if lang in ("ja", "zh") else 0, "fw"), (38, "spoken")])
    if style == "plain":
        return plain
    if style == "fw":
        return _fw(plain)
    ats, dots, underscore, hyphen = _SPOKEN_MAIL[lang]
    at = rng.choice(ats)
    dot_word = rng.choice(dots)
    out = []
    for ch in plain:
        if ch == "@":
            out.append(at)
        elif ch == ".":
            out.append(dot_word)
        elif ch == "_":
            out.append(underscore)
        elif ch == "-":
            out.append(hyphen)
        else:
            out.append(ch)
    text = "".join(out)
    if lang == "ja" and domain == "gmail.com" and rng.random() < 0.4:
        text = text.replace("gmail", "ジーメール").replace("com", "コム")
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- dates


def _birth_date(rng: random.Random, child: bool) -> date:
    if child:
        start, end = date(2012, 1, 1), date(2026, 11, 20)
    else:
        start, end = date(1938, 1, 1), date(2008, 12, 31)
    return start + timedelta(days=rng.randrange((end - start).days))


def _era(d: date) -> tuple[str, str, int]:
    if d >= date(2019, 5, 1):
        return "令和", "R", d.year - 2018
    if d >= date(1989, 1, 8):
        return "平成", "H", d.year - 1988
    if d >= date(1926, 12, 25):
        return "昭和", "S", d.year - 1925
    return "大正", "T", d.year - 1911


def _render_dob(lang: str, rng: random.Random, child: bool) -> tuple[str, str]:
    """(words said before the date that are not part of it, the date)."""
    d = _birth_date(rng, child)
    y, m, dd = d.year, d.month, d.day
    k = _kanji_num
    if lang == "ja":
        era, letter, ey = _era(d)
        ey_txt = "元" if ey == 1 and rng.random() < 0.7 else str(ey)
        ey_kanji = "元" if ey == 1 else k(ey)
        kanji_year = _digit_word_group(str(y), _KANJI_DIGITS, "")
        form = _pick(
            rng,
            [
                (22, f"{y}年{m}月{dd}日"),
                (5, f"{y}年{m:02d}月{dd:02d}日"),
                (8, f"{y}/{m}/{dd}"),
                (20, f"{era}{ey_txt}年{m}月{dd}日"),
                (15, f"{era}{ey_kanji}年{k(m)}月{k(dd)}日"),
                (6, f"{letter}{ey}.{m}.{dd}"),
                (2, f"{letter}{ey:02d}.{m:02d}.{dd:02d}"),
                (8, f"{kanji_year}年{k(m)}月{k(dd)}日"),
                (7, _fw(f"{y}年{m}月{dd}日")),
                (5, f"{era} {rng.choice(_FILLERS['ja'])} {ey_txt}年の{m}月{dd}日"),
            ],
        )
        return "", form
    if lang == "zh":
        zh_year = _digit_word_group(str(y), _ZH_DIGITS if rng.random() < 0.5 else _KANJI_DIGITS, "")
        form = _pick(
            rng,
            [
                (35, f"{y}年{m}月{dd}日"),
                (20, f"{y}年{m}月{dd}号"),
                (15, f"{zh_year}年{k(m)}月{k(dd)}日"),
                (8, f"{y}.{m}.{dd}"),
                (8, f"{y}-{m:02d}-{dd:02d}"),
                (7, f"{y % 100:02d}年{m}月{dd}号"),
                (7, f"{y}年 嗯 {m}月{dd}号"),
            ],
        )
        return "", form
    if lang == "ko":
        month_word = {6: "유월", 10: "시월"}.get(m, f"{_sino_ko(m)}월")
        form = _pick(
            rng,
            [
                (40, f"{y}년 {m}월 {dd}일"),
                (15, f"{y % 100:02d}년 {m}월 {dd}일"),
                (15, f"{y}.{m:02d}.{dd:02d}"),
                (15, f"{_sino_ko(y)}년 {month_word} {_sino_ko(dd)}일"),
                (10, f"{y}년{m}월{dd}일"),
                (5, f"{y}년 어 {m}월 {dd}일"),
            ],
        )
        return "", form
    if lang == "vi":
        options = [
            (35, f"ngày {dd} tháng {m} năm {y}"),
            (15, f"{dd} tháng {m} năm {y}"),
            (15, f"{dd}/{m}/{y}"),
            (15, f"{dd:02d}/{m:02d}/{y}"),
            (10, f"{dd:02d}-{m:02d}-{y}"),
        ]
        if dd <= 10:
            options.append((10, f"mùng {dd} tháng {m} năm {y}"))
        return "", _pick(rng, options)
    month = _MONTHS_EN[m]
    choice = _pick(
        rng,
        [
            (18, "mdy"),
            (14, "dmy"),
            (10, "us"),
            (10, "mdy_ord"),
            (10, "the_of"),
            (8, "iso"),
            (12, "words"),
            (6, "short"),
            (6, "filler"),
            (6, "dmy_slash"),
        ],
    )
    if choice == "mdy":
        return "", f"{month} {dd}, {y}"
    if choice == "dmy":
        return "", f"{dd} {month} {y}"
    if choice == "us":
        return "", f"{m:02d}/{dd:02d}/{y}"
    if choice == "mdy_ord":
        return "", f"{month} {_en_ordinal(dd)}, {y}"
    if choice == "the_of":
        return "the ", f"{_en_ordinal(dd)} of {month}, {y}"
    if choice == "iso":
        return "", f"{y}-{m:02d}-{dd:02d}"
    if choice == "words":
        return "", f"{month} {_EN_ORDINAL_WORDS[dd]}, {_en_year(y)}"
    if choice == "short":
        return "", f"{month[:3]}. {dd}, {y}" if month != "May" else f"May {dd}, {y}"
    if choice == "filler":
        return "", f"{month}, uh, {_en_ordinal(dd)} {y}"
    return "", f"{dd}/{m}/{y}"


# ---------------------------------------------------------------- values that are not personal data


def _not_pii(name: str, lang: str, rng: random.Random) -> str:
    """A value that is said at the counter and is nobody's personal data."""
    k = _kanji_num
    n_small = rng.randint(1, 9)
    options: dict[str, tuple[str, ...]]
    if name == "fee":
        amt = rng.choice((200, 300, 350, 400, 450, 600, 750, 1000, 1200))
        options = {
            "ja": (f"{amt}円", f"{k(amt)}円", f"{_fw(str(amt))}円", f"{amt:,}円"),
            "en": (f"{amt} yen", f"¥{amt}", f"{amt:,} yen"),
            "zh": (f"{amt}日元", f"{k(amt)}日元", f"{amt}円"),
            "ko": (f"{amt}엔", f"{_sino_ko(amt)} 엔"),
            "vi": (f"{amt} yên", f"{amt:,} yên".replace(",", ".")),
        }
    elif name == "window":
        n = rng.randint(1, 12)
        options = {
            "ja": (f"{n}番窓口", f"{k(n)}番の窓口", f"{_fw(str(n))}番窓口"),
            "en": (f"window {n}", f"counter {n}"),
            "zh": (f"{n}号窗口",),
            "ko": (f"{n}번 창구",),
            "vi": (f"quầy số {n}",),
        }
    elif name == "ticket":
        n = rng.randint(1, 320)
        options = {
            "ja": (f"受付番号{n}番", f"整理券{n}番", f"{n}番の番号札"),
            "en": (str(n),),
            "zh": (f"{n}号", f"排队号{n}号"),
            "ko": (f"대기번호 {n}번", f"{n}번"),
            "vi": (f"Số thứ tự {n}", f"Số {n}"),
        }
    elif name == "floor":
        n = rng.randint(1, 8)
        options = {
            "ja": (f"{n}階", f"本庁舎{n}階", "地下1階", f"{k(n)}階"),
            "en": (f"the {_en_ordinal(n)} floor", f"floor {n}"),
            "zh": (f"{n}楼", f"{k(n)}楼"),
            "ko": (f"{n}층",),
            "vi": (f"tầng {n}",),
        }
    elif name == "copies":
        n = rng.randint(1, 4)
        native_ko = ("", "한", "두", "세", "네")[n]
        options = {
            "ja": (f"{n}通", f"{k(n)}通", f"{_fw(str(n))}通"),
            "en": ("one copy",) if n == 1 else (f"{n} copies", f"{_EN_SMALL[n]} copies"),
            "zh": ("两份", "2份") if n == 2 else (f"{n}份",),
            "ko": (f"{n}통", f"{native_ko} 통"),
            "vi": (f"{n} bản",),
        }
    elif name == "moveday":
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        ry = rng.randint(7, 9)
        month = _MONTHS_EN[m]
        options = {
            "ja": (
                f"{m}月{d}日",
                f"令和{ry}年{m}月{d}日",
                f"来月の{d}日",
                f"{k(m)}月{k(d)}日",
                f"2026年{m}月{d}日",
            ),
            "en": (f"{month} {d}", f"the {_en_ordinal(d)} of next month", f"{month} {d}, 2026"),
            "zh": (f"{m}月{d}号", f"下个月{d}号", f"2026年{m}月{d}日"),
            "ko": (f"{m}월 {d}일", f"다음 달 {d}일", f"2026년 {m}월 {d}일"),
            "vi": (f"ngày {d} tháng {m}", f"ngày {d} tháng sau", f"ngày {d} tháng {m} năm 2026"),
        }
    elif name == "hours":
        if rng.random() < 0.3:  # the late-opening day
            options = {
                "ja": ("8時30分から19時",),
                "en": ("8:30 to 7 p.m.",),
                "zh": ("8点半到晚上7点",),
                "ko": ("오전 8시 30분부터 오후 7시까지",),
                "vi": ("từ 8 giờ 30 đến 19 giờ",),
            }
        else:
            options = {
                "ja": (
                    "8時30分から17時15分",
                    "午前8時半から午後5時15分",
                    "朝八時半から夕方五時十五分",
                ),
                "en": (
                    "8:30 to 5:15",
                    "8:30 a.m. to 5:15 p.m.",
                    "half past eight to a quarter past five",
                ),
                "zh": ("8点半到5点15分", "上午八点半到下午五点一刻"),
                "ko": ("오전 8시 30분부터 오후 5시 15분까지",),
                "vi": ("từ 8 giờ 30 đến 17 giờ 15", "từ 8:30 đến 17:15"),
            }
    elif name == "receipt":
        value = _digits(rng, rng.randint(3, 6), True)
        return _fw(value) if lang == "ja" and rng.random() < 0.2 else value
    elif name == "place":
        return rng.choice(PLACES[lang])
    elif name == "days":
        options = {
            "ja": ("14日以内", "2週間以内", "十四日以内"),
            "en": ("14 days", "two weeks", f"{n_small} business days"),
        }
    elif name == "fyear":
        return rng.choice(("令和8年度", "2026年度", "令和7年度"))
    elif name == "people":
        return rng.choice((f"{n_small}人", "4人", "二人", "三人"))
    else:
        raise KeyError(name)
    return rng.choice(options[lang])


# ---------------------------------------------------------------- assembly

_PUNCT_JA = "。、！？!?"
_PUNCT_LATIN = ",.!?"


def _transform_literal(text: str, lang: str, mode: str) -> str:
    """Whisper-style punctuation of the template's own words (never of a value)."""
    if mode == "keep":
        return text
    cjk = lang in ("ja", "zh")
    if mode == "strip":
        table = _PUNCT_JA + "，？！" if cjk else _PUNCT_LATIN
        out = "".join(c for c in text if c not in table)
    elif mode == "space":
        out = "".join(" " if c in "。、，" else c for c in text) if cjk else text.replace(",", "")
    else:  # "odd": ASCII punctuation in CJK, dropped commas and stray full stops elsewhere
        if cjk:
            out = text.replace("。", ". ").replace("、", ",").replace("，", ", ")
        else:
            out = text.replace(",", "").replace("?", ".")
    return re.sub(r" {2,}", " ", out)


_PIECE_RENDER: dict[str, Callable[[str, _World, str | None], tuple[str, str]]] = {}


def _person_piece(lang: str, w: _World, mod: str | None) -> tuple[str, str]:
    origin = "ja" if mod == "ja" else _pick(w.rng, _ORIGINS[lang])
    return "", _render_person(w.person(origin), lang, w.rng)


def _call_piece(lang: str, w: _World, mod: str | None) -> tuple[str, str]:
    origin = _pick(w.rng, _ORIGINS[lang])
    return "", _render_call(w.person(origin), lang, w.rng)


_PIECE_RENDER.update(
    {
        "NAME": _person_piece,
        "CALL": _call_piece,
        "ADDR": lambda lang, w, mod: ("", _render_address(lang, w)),
        "TEL": lambda lang, w, mod: ("", _render_phone(lang, w.rng)),
        "MYNO": lambda lang, w, mod: ("", _render_my_number(lang, w.rng)),
        "ZAIRYU": lambda lang, w, mod: ("", _render_residence_card(lang, w.rng)),
        "PASSPORT": lambda lang, w, mod: ("", _render_passport(lang, w.rng)),
        "ZIP": lambda lang, w, mod: ("", _render_postal(lang, w.rng)),
        "MAIL": lambda lang, w, mod: ("", _render_email(lang, w)),
        "BIRTH": lambda lang, w, mod: _render_dob(lang, w.rng, mod == "child"),
    }
)


def _assemble(
    lang: str, template: str, w: _World
) -> tuple[str, tuple[tuple[str, int, int, str], ...]]:
    rng = w.rng
    mode = _pick(rng, [(45, "keep"), (30, "strip"), (15, "space"), (10, "odd")])
    # pieces: (text, entity type or "" for plain words/non-personal values, is_literal)
    pieces: list[tuple[str, str, bool]] = []
    pos = 0
    for m in _SLOT.finditer(template):
        pieces.append((template[pos : m.start()], "", True))
        name, mod = m.group(1), m.group(2)
        if name in SLOT_TYPES:
            lead, value = _PIECE_RENDER[name](lang, w, mod)
            if lead:
                pieces.append((lead, "", False))
            pieces.append((value, SLOT_TYPES[name], False))
        else:
            pieces.append((_not_pii(name, lang, rng), "", False))
        pos = m.end()
    pieces.append((template[pos:], "", True))

    text = ""
    spans: list[tuple[str, int, int, str]] = []
    last = len(pieces) - 1
    for i, (chunk, etype, literal) in enumerate(pieces):
        if literal:
            original = chunk
            chunk = _transform_literal(chunk, lang, mode)
            between_values = 0 < i < last
            if original and not chunk.strip() and between_values:
                chunk = " "
            if i == 0:
                chunk = chunk.lstrip()
            if i == last:
                chunk = chunk.rstrip()
            if text.endswith(" ") and chunk.startswith(" "):
                chunk = chunk[1:]
        if etype:
            start = len(text)
            spans.append((etype, start, start + len(chunk), chunk))
        text += chunk
    return text, tuple(spans)


def build() -> list[Sample]:
    """The whole corpus, the same list on every call."""
    w = _World(SEED)
    samples: list[Sample] = []
    for lang in LANGUAGES:
        count = 0
        for _ in range(REPEATS[lang]):
            for template in TEMPLATES[lang]:
                text, spans = _assemble(lang, template, w)
                count += 1
                samples.append(Sample(f"fresh-{lang}-{count:04d}", lang, text, spans))
    return samples


if __name__ == "__main__":  # a quick census, never the detector
    from collections import Counter

    corpus = build()
    print(len(corpus), Counter(s.language for s in corpus))
    print(Counter(t for s in corpus for t, *_ in s.spans))
    print("negatives", sum(1 for s in corpus if not s.spans))
