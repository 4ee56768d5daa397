"""Synthetic counter-transcript corpus with planted identifiers and exact spans.

Templates hold `{TYPE}` slots; each slot is filled from a pool of surface forms for that type
(including the hard ones speech produces: kanji and spoken numerals, full-width digits, digits
split by spaces). Spans are computed while filling, so they are exact by construction. Every
value is synthetic. `{O:...}` is literal text that must NOT be detected (negatives are simply
templates with no slot). The corpus is deterministic (seeded) so figures are comparable.
"""

from __future__ import annotations

import random
import re

from sample import Sample  # the sibling module: this folder is run as a script

from madoguchi.redaction.identifiers import my_number_check_digit

_KANJI = "〇一二三四五六七八九"


def _my_number(seed: int) -> str:
    first = f"{(seed * 7919 + 104729) % 10**11:011d}"
    return first + str(my_number_check_digit(first))


def _kanji_digits(number: str) -> str:
    return "".join(_KANJI[int(d)] if d.isdigit() else "ー" for d in number)


_SPOKEN = ["ゼロ", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュー"]


def _spoken(number: str) -> str:
    return "".join(_SPOKEN[int(d)] if d.isdigit() else "の" for d in number)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


MY_NUMBERS = [_my_number(n) for n in range(1, 9)]
POOLS: dict[str, list[str]] = {
    "MY_NUMBER": [
        *MY_NUMBERS[:3],
        f"{MY_NUMBERS[3][:4]} {MY_NUMBERS[3][4:8]} {MY_NUMBERS[3][8:]}",
        f"{MY_NUMBERS[4][:4]}-{MY_NUMBERS[4][4:8]}-{MY_NUMBERS[4][8:]}",
        _fullwidth(MY_NUMBERS[5]), _kanji_digits(MY_NUMBERS[6]), MY_NUMBERS[7],
    ],
    "RESIDENCE_CARD": ["AB12345678CD", "EF87654321GH", "ｘｙ１２１２３４３４ｚｗ", "KL20230515MN",
                       "PQ-11223344-RS"],
    "PASSPORT": ["TK1234567", "MZ7654321", "E12345678", "G87654321", "ＴＲ２２３３４４５"],
    "PHONE_JP": ["090-1234-5678", "03-3456-7890", "0120-123-456", "050-9876-5432",
                 "0800-111-2222", "+81 80-2345-6789", "〇八〇ー九八七六ー五四三二",
                 "ゼロキューゼロのイチニーサンヨンのゴーロクナナハチ", "０４５－６７８－９０１２",
                 "080 3333 4444", "06(6123)4567", "09011112222"],
    "POSTAL_CODE": ["〒160-0023", "〒100 0001", "〒５３０－０００１", "231-0023", "1600022"],
    "ADDRESS_JP": ["東京都新宿区西新宿二丁目8番1号", "横浜市中区山下町1-2-3",
                   "大阪府大阪市北区梅田3丁目1番地", "千葉県船橋市本町4丁目5番6号",
                   "世田谷区太子堂1-10-5", "北海道札幌市中央区北一条西2丁目",
                   "名古屋市中村区名駅4-7-1", "福岡県福岡市博多区博多駅前3-2-1"],
    "DATE_OF_BIRTH": ["昭和60年3月5日", "平成元年1月8日", "平成十二年十月三日", "1985年3月5日",
                      "令和2年12月24日", "1978/11/02", "H3.4.5"],
    "PERSON": ["山田太郎", "佐藤花子", "鈴木一郎", "グエン・ヴァン・アン", "マリア・サントス",
               "高橋健", "伊藤美咲", "渡辺", "中村", "Maria Santos", "李明", "キム・ミンス"],
    "EMAIL": ["taro.yamada@example.jp", "hanako_sato123@mail.example.com",
              "nguyen.an@example.vn", "wang.li+city@example.cn"],
    "BANK_ACCOUNT": ["1234567", "7654321", "123-4567890", "0012345"],
}
POOLS_EN = {
    "PERSON": ["John Smith", "Maria Garcia", "David Lee", "Anna Kowalski", "Nguyen Van An",
               "Sarah Johnson"],
    "DATE_OF_BIRTH": ["March 5, 1985", "5 March 1985", "1990-07-21", "21/07/1990",
                      "November 2, 1978"],
}
POOLS_ZH = {"PERSON": ["王小明", "李华", "张伟", "刘洋"],
            "DATE_OF_BIRTH": ["1990年7月21日", "1985年3月5日"]}
POOLS_KO = {"PERSON": ["김민수", "이지은", "박서준", "최유리"],
            "DATE_OF_BIRTH": ["1990년 7월 21일", "1985년 3월 5일"]}

TEMPLATES: dict[str, list[str]] = {
    "ja": [
        "{PERSON}と申します。住民票の写しをお願いします。",
        "お名前は{PERSON}さんですね。生年月日を教えてください。はい、{DATE_OF_BIRTH}です。",
        "マイナンバーは{MY_NUMBER}です。",
        "個人番号カードの番号、{MY_NUMBER}で合っていますか。",
        "在留カードの番号は{RESIDENCE_CARD}です。",
        "パスポート番号は{PASSPORT}になります。",
        "電話番号は{PHONE_JP}です。",
        "連絡先は{PHONE_JP}、携帯です。",
        "郵便番号は{POSTAL_CODE}、住所は{ADDRESS_JP}です。",
        "今の住所は{ADDRESS_JP}です。",
        "{ADDRESS_JP}に転入しました。",
        "生年月日は{DATE_OF_BIRTH}です。",
        "{DATE_OF_BIRTH}生まれです。",
        "メールアドレスは{EMAIL}でお願いします。",
        "振込先の口座番号は普通{BANK_ACCOUNT}です。",
        "{PERSON}さん、3番窓口へお越しください。",
        "申請者は{PERSON}、電話は{PHONE_JP}です。",
        "名前は{PERSON}です。在留カードは{RESIDENCE_CARD}、マイナンバーは{MY_NUMBER}です。",
        "{PERSON}様の書類はこちらです。",
        "子どもの名前は{PERSON}で、{DATE_OF_BIRTH}生まれです。",
        # Hard cases: no honorific or intro phrase, no context word, fillers from speech.
        "えっと、{PERSON}です。",
        "{PERSON}の母です。代わりに来ました。",
        "えー、{PHONE_JP}、ですね。",
        "{ADDRESS_JP}のマンションの3階です。",
        "あの、{DATE_OF_BIRTH}です、誕生日は。",
        "昨日{PERSON}から電話がありました。",
        "番号は{MY_NUMBER}、マイナンバーカードの裏です。",
    ],
    "en": [
        "My name is {PERSON}. I need a certificate of residence.",
        "I was born on {DATE_OF_BIRTH}.",
        "My phone number is {PHONE_JP}.",
        "My email is {EMAIL}.",
        "My residence card number is {RESIDENCE_CARD}.",
        "My passport number is {PASSPORT}.",
        "My address is {ADDRESS_JP}.",
        "Mr. {PERSON} is waiting at counter 3.",
        "Date of birth: {DATE_OF_BIRTH}.",
        "My My Number is {MY_NUMBER}.",
        "{PERSON} will come tomorrow with the documents.",
        "You can reach me on {PHONE_JP}.",
        "I live at {ADDRESS_JP}.",
    ],
    "zh": [
        "我叫{PERSON}，我想办理住民票。",
        "我的电话是{PHONE_JP}。",
        "我的在留卡号码是{RESIDENCE_CARD}。",
        "我的出生日期是{DATE_OF_BIRTH}。",
        "我的护照号码是{PASSPORT}。",
        "我的邮箱是{EMAIL}。",
        "我住在{ADDRESS_JP}。",
        "{PERSON}是我的丈夫。",
    ],
    "ko": [
        "제 이름은 {PERSON}입니다.",
        "전화번호는 {PHONE_JP}입니다.",
        "생년월일은 {DATE_OF_BIRTH}입니다.",
        "재류카드 번호는 {RESIDENCE_CARD}입니다.",
        "이메일은 {EMAIL}입니다.",
        "여권 번호는 {PASSPORT}입니다.",
        "{PERSON} 씨의 서류입니다.",
    ],
}
# Counter talk that must come out unchanged (hard negatives).
NEGATIVES: dict[str, list[str]] = {
    "ja": [
        "3番窓口へお越しください。", "手数料300円です。", "整理券番号は128番です。",
        "令和6年4月1日から受付します。", "2階の市民課へどうぞ。", "住民票は1通300円です。",
        "受付は午前8時30分から午後5時15分までです。", "注文番号123456789012を確認しました。",
        "横浜市役所の5番窓口です。", "区役所の2階です。", "申請書を3枚ご用意ください。",
        "担当者さんに聞いてください。", "こちらの用紙に記入してください。",
        "10分ほどお待ちください。", "マイナンバーカードをお持ちですか。",
        "在留カードを見せてください。", "年金の手続きは4番です。", "予約は2024年5月10日です。",
    ],
    "en": ["Please go to counter 3.", "The fee is 300 yen.", "Please wait about 10 minutes.",
           "Do you have your residence card?", "Your number is 128."],
    "zh": ["请到3号窗口。", "手续费是300日元。", "请稍等10分钟。"],
    "ko": ["3번 창구로 가세요.", "수수료는 300엔입니다.", "10분 정도 기다려 주세요."],
}


def _pool(language: str, entity: str) -> list[str]:
    extra = {"en": POOLS_EN, "zh": POOLS_ZH, "ko": POOLS_KO}.get(language, {})
    return extra.get(entity, POOLS[entity])


def build(repeats: int = 5, seed: int = 20261126) -> list[Sample]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    samples: list[Sample] = []
    for language, templates in TEMPLATES.items():
        for t_index, template in enumerate(templates):
            for r in range(repeats):
                samples.append(_fill(f"{language}-{t_index}-{r}", language, template, rng))
    for language, texts in NEGATIVES.items():
        for n, text in enumerate(texts):
            samples.append(Sample(f"{language}-neg-{n}", language, text, ()))
    return samples


def _fill(sample_id: str, language: str, template: str, rng: random.Random) -> Sample:
    text = ""
    spans = []
    position = 0
    for match in re.finditer(r"\{([A-Z_]+)\}", template):
        text += template[position:match.start()]
        value = rng.choice(_pool(language, match.group(1)))
        spans.append((match.group(1), len(text), len(text) + len(value), value))
        text += value
        position = match.end()
    text += template[position:]
    return Sample(sample_id, language, text, tuple(spans))
