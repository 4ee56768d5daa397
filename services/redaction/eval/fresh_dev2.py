# ruff: noqa: E501
"""Fresh DEV corpus no. 2: speech at a Tokyo ward office's family-register and resident counter.

Written by a fourth author at a tenth sitting (2026-12-03), who read only ``sample.py`` (the
``Sample`` dataclass and ``ENTITY_TYPES``) and nothing else of the redaction service: no rules,
no other corpora, no tests, no documentation, no results.  The sentences are the author's own
picture of what clerks and foreign visitors say at a 戸籍住民課 counter (moving in and out,
住民票, 印鑑登録, マイナンバーカード, 在留カード, 国民健康保険, 児童手当, marriage, birth and
death registration, proxies with 委任状, callbacks, e-mail follow-ups) as a speech recogniser
(Whisper) would write them down: numbers read out as words, fillers, full-width digits, romaji,
hangul and simplified-Chinese renderings of Japanese addresses.

DEV split: rule writers may read it.

Spans are ``(type, start, end, value)`` with ``text[start:end] == value``; values are minimal
(no honorifics, particles or context words; a leading 〒 stays outside).  DATE_OF_BIRTH marks
birth dates only; moving dates, deadlines and the like are left unmarked as distractors.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from faker import Faker
from sample import Sample, my_number_check_digit

SEED = 27182
LANGS = ("ja", "en", "zh", "ko", "vi")

Part = str | tuple[str, str]


# --------------------------------------------------------------------------- span shorthands
def P(v: str) -> tuple[str, str]:
    return ("PERSON", v)


def A(v: str) -> tuple[str, str]:
    return ("ADDRESS_JP", v)


def T(v: str) -> tuple[str, str]:
    return ("PHONE_JP", v)


def M(v: str) -> tuple[str, str]:
    return ("MY_NUMBER", v)


def R(v: str) -> tuple[str, str]:
    return ("RESIDENCE_CARD", v)


def PP(v: str) -> tuple[str, str]:
    return ("PASSPORT", v)


def Z(v: str) -> tuple[str, str]:
    return ("POSTAL_CODE", v)


def E(v: str) -> tuple[str, str]:
    return ("EMAIL", v)


def B(v: str) -> tuple[str, str]:
    return ("DATE_OF_BIRTH", v)


def _assemble(sample_id: str, lang: str, parts: list[Part]) -> Sample:
    text = ""
    spans: list[tuple[str, int, int, str]] = []
    for part in parts:
        if isinstance(part, str):
            text += part
        else:
            kind, value = part
            start = len(text)
            text += value
            spans.append((kind, start, len(text), value))
    return Sample(sample_id, lang, text, tuple(spans))


# --------------------------------------------------------------------------- number words
KD = "〇一二三四五六七八九"
JA_KATA = {
    "0": ("ゼロ", "ゼロ", "マル", "レイ"),
    "1": ("イチ",),
    "2": ("ニー", "ニ"),
    "3": ("サン",),
    "4": ("ヨン",),
    "5": ("ゴー", "ゴ"),
    "6": ("ロク",),
    "7": ("ナナ",),
    "8": ("ハチ",),
    "9": ("キュウ", "キュー"),
}
JA_HIRA = {
    "0": ("ぜろ", "まる"),
    "1": ("いち",),
    "2": ("にー", "に"),
    "3": ("さん",),
    "4": ("よん",),
    "5": ("ごー", "ご"),
    "6": ("ろく",),
    "7": ("なな",),
    "8": ("はち",),
    "9": ("きゅう",),
}
ZH_D = {"0": ("零", "〇"), "1": ("一", "幺"), "2": ("二",), "3": ("三",), "4": ("四",), "5": ("五",), "6": ("六",), "7": ("七",), "8": ("八",), "9": ("九",)}
KO_D = {"0": ("공", "영"), "1": ("일",), "2": ("이",), "3": ("삼",), "4": ("사",), "5": ("오",), "6": ("육",), "7": ("칠",), "8": ("팔",), "9": ("구",)}
VI_D = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
EN_D = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
EN_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
EN_ORD = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
KO_D_PLAIN = "_일이삼사오육칠팔구"
FW = str.maketrans("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@.", "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＠．")
KATA_LETTER = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ("エー", "ビー", "シー", "ディー", "イー", "エフ", "ジー", "エイチ", "アイ", "ジェー", "ケー", "エル", "エム", "エヌ", "オー", "ピー", "キュー", "アール", "エス", "ティー", "ユー", "ブイ", "ダブリュー", "エックス", "ワイ", "ゼット"), strict=True))
HANGUL_LETTER = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ("에이", "비", "씨", "디", "이", "에프", "지", "에이치", "아이", "제이", "케이", "엘", "엠", "엔", "오", "피", "큐", "알", "에스", "티", "유", "브이", "더블유", "엑스", "와이", "제트"), strict=True))


def kanji_num(n: int) -> str:
    if n == 0:
        return "〇"
    out = ""
    for value, mark in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else KD[q]) + mark
    if n:
        out += KD[n]
    return out


def ko_num(n: int) -> str:
    out = ""
    for value, mark in ((1000, "천"), (100, "백"), (10, "십")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else KO_D_PLAIN[q]) + mark
    if n:
        out += KO_D_PLAIN[n]
    return out


def ko_month(m: int) -> str:
    return {6: "유월", 10: "시월"}.get(m, ko_num(m) + "월")


def vi_num(n: int) -> str:
    if n < 10:
        return VI_D[n]
    if n < 20:
        return "mười" if n == 10 else "mười " + ("lăm" if n % 10 == 5 else VI_D[n % 10])
    if n < 100:
        t, u = divmod(n, 10)
        s = VI_D[t] + " mươi"
        if u == 1:
            return s + " mốt"
        if u == 4:
            return s + " tư"
        if u == 5:
            return s + " lăm"
        return s + (" " + VI_D[u] if u else "")
    if n < 1000:
        h, rest = divmod(n, 100)
        s = VI_D[h] + " trăm"
        if rest == 0:
            return s
        return s + (" linh " + VI_D[rest] if rest < 10 else " " + vi_num(rest))
    th, rest = divmod(n, 1000)
    s = VI_D[th] + " nghìn"
    if rest == 0:
        return s
    if rest < 100:
        return s + " không trăm" + (" linh " + VI_D[rest] if rest < 10 else " " + vi_num(rest))
    return s + " " + vi_num(rest)


def en_num(n: int) -> str:
    if n < 10:
        return EN_D[n]
    if n < 20:
        return EN_TEENS[n - 10]
    t, u = divmod(n, 10)
    return EN_TENS[t] + ("-" + EN_D[u] if u else "")


def en_ord(n: int) -> str:
    if n < 20:
        return EN_ORD[n]
    t, u = divmod(n, 10)
    if u == 0:
        return EN_TENS[t][:-1] + "ieth"
    return EN_TENS[t] + "-" + EN_ORD[u]


def en_year(y: int) -> str:
    if 2000 <= y < 2010:
        return "two thousand" + ("" if y == 2000 else " and " + EN_D[y - 2000])
    hi, lo = divmod(y, 100)
    if lo == 0:
        return en_num(hi) + " hundred"
    return en_num(hi) + " " + ("oh " + EN_D[lo] if lo < 10 else en_num(lo))


def era_of(d: dt.date) -> tuple[str, str, str, str, str, int]:
    if d >= dt.date(2019, 5, 1):
        return ("令和", "Reiwa", "R", "레이와", "令和", d.year - 2018)
    if d >= dt.date(1989, 1, 8):
        return ("平成", "Heisei", "H", "헤이세이", "平成", d.year - 1988)
    return ("昭和", "Showa", "S", "쇼와", "昭和", d.year - 1925)




def kj(word: str, after_consonant: str, after_vowel: str) -> str:
    """The Korean particle form that fits the last sound of ``word`` (a rough guess for Latin script)."""
    ch = word.rstrip(" .")[-1]
    if "가" <= ch <= "힣":
        final = (ord(ch) - 0xAC00) % 28 != 0
    elif ch.isdigit() or ch in "０１２３４５６７８９":
        final = unicodedata.normalize("NFKC", ch) in "013678"
    else:
        final = ch.lower() in "lmnkpt"
    return after_consonant if final else after_vowel


def strip_marks(s: str) -> str:
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


# --------------------------------------------------------------------------- place tables
# pref_ja, city_ja, town_ja, pref_ro, city_ro, town_ro, pref_ko, city_ko, town_ko, pref_zh, city_zh, town_zh, postal
TOWNS = (
    ("東京都", "新宿区", "西新宿", "Tokyo", "Shinjuku", "Nishi-Shinjuku", "도쿄도", "신주쿠구", "니시신주쿠", "东京都", "新宿区", "西新宿", "160-0023"),
    ("東京都", "新宿区", "高田馬場", "Tokyo", "Shinjuku", "Takadanobaba", "도쿄도", "신주쿠구", "다카다노바바", "东京都", "新宿区", "高田马场", "169-0075"),
    ("東京都", "新宿区", "大久保", "Tokyo", "Shinjuku", "Okubo", "도쿄도", "신주쿠구", "오쿠보", "东京都", "新宿区", "大久保", "169-0072"),
    ("東京都", "新宿区", "百人町", "Tokyo", "Shinjuku", "Hyakunin-cho", "도쿄도", "신주쿠구", "햐쿠닌초", "东京都", "新宿区", "百人町", "169-0073"),
    ("東京都", "豊島区", "池袋", "Tokyo", "Toshima", "Ikebukuro", "도쿄도", "도시마구", "이케부쿠로", "东京都", "丰岛区", "池袋", "171-0014"),
    ("東京都", "豊島区", "東池袋", "Tokyo", "Toshima", "Higashi-Ikebukuro", "도쿄도", "도시마구", "히가시이케부쿠로", "东京都", "丰岛区", "东池袋", "170-0013"),
    ("東京都", "江戸川区", "西葛西", "Tokyo", "Edogawa", "Nishi-Kasai", "도쿄도", "에도가와구", "니시카사이", "东京都", "江户川区", "西葛西", "134-0088"),
    ("東京都", "中野区", "野方", "Tokyo", "Nakano", "Nogata", "도쿄도", "나카노구", "노가타", "东京都", "中野区", "野方", "165-0027"),
    ("東京都", "練馬区", "豊玉北", "Tokyo", "Nerima", "Toyotama-Kita", "도쿄도", "네리마구", "도요타마키타", "东京都", "练马区", "丰玉北", "176-0012"),
    ("東京都", "大田区", "蒲田", "Tokyo", "Ota", "Kamata", "도쿄도", "오타구", "가마타", "东京都", "大田区", "蒲田", "144-0052"),
    ("東京都", "足立区", "千住", "Tokyo", "Adachi", "Senju", "도쿄도", "아다치구", "센주", "东京都", "足立区", "千住", "120-0034"),
    ("東京都", "板橋区", "大山町", "Tokyo", "Itabashi", "Oyama-cho", "도쿄도", "이타바시구", "오야마초", "东京都", "板桥区", "大山町", "173-0023"),
    ("東京都", "杉並区", "高円寺南", "Tokyo", "Suginami", "Koenji-Minami", "도쿄도", "스기나미구", "고엔지미나미", "东京都", "杉并区", "高圆寺南", "166-0003"),
    ("東京都", "北区", "赤羽", "Tokyo", "Kita", "Akabane", "도쿄도", "기타구", "아카바네", "东京都", "北区", "赤羽", "115-0045"),
    ("東京都", "台東区", "浅草", "Tokyo", "Taito", "Asakusa", "도쿄도", "다이토구", "아사쿠사", "东京都", "台东区", "浅草", "111-0032"),
    ("東京都", "江東区", "亀戸", "Tokyo", "Koto", "Kameido", "도쿄도", "고토구", "가메이도", "东京都", "江东区", "龟户", "136-0071"),
    ("東京都", "荒川区", "南千住", "Tokyo", "Arakawa", "Minami-Senju", "도쿄도", "아라카와구", "미나미센주", "东京都", "荒川区", "南千住", "116-0003"),
    ("東京都", "葛飾区", "新小岩", "Tokyo", "Katsushika", "Shin-Koiwa", "도쿄도", "가쓰시카구", "신코이와", "东京都", "葛饰区", "新小岩", "124-0024"),
    ("東京都", "世田谷区", "三軒茶屋", "Tokyo", "Setagaya", "Sangenjaya", "도쿄도", "세타가야구", "산겐자야", "东京都", "世田谷区", "三轩茶屋", "154-0024"),
    ("東京都", "文京区", "本郷", "Tokyo", "Bunkyo", "Hongo", "도쿄도", "분쿄구", "혼고", "东京都", "文京区", "本乡", "113-0033"),
    ("東京都", "墨田区", "錦糸", "Tokyo", "Sumida", "Kinshi", "도쿄도", "스미다구", "긴시", "东京都", "墨田区", "锦糸", "130-0013"),
    ("埼玉県", "川口市", "芝", "Saitama", "Kawaguchi", "Shiba", "사이타마현", "가와구치시", "시바", "埼玉县", "川口市", "芝", "333-0866"),
    ("千葉県", "市川市", "行徳駅前", "Chiba", "Ichikawa", "Gyotoku-Ekimae", "지바현", "이치카와시", "교토쿠에키마에", "千叶县", "市川市", "行德站前", "272-0133"),
    ("大阪府", "大阪市生野区", "桃谷", "Osaka", "Ikuno-ku, Osaka-shi", "Momodani", "오사카부", "오사카시 이쿠노구", "모모다니", "大阪府", "大阪市生野区", "桃谷", "544-0034"),
)
# ja, romaji, hangul, zh
BUILDINGS = (
    ("グリーンハイツ", "Green Heights", "그린하이츠", "格林公寓"),
    ("メゾン・ド・ソレイユ", "Maison de Soleil", "메종 드 솔레유", "索莱伊公寓"),
    ("コーポ山田", "Corpo Yamada", "코포 야마다", "山田公寓"),
    ("サンライズマンション", "Sunrise Mansion", "선라이즈 맨션", "日出公寓"),
    ("パークサイド高野", "Parkside Takano", "파크사이드 다카노", "高野公园公寓"),
    ("第二松本荘", "Dai-ni Matsumoto-so", "다이니 마쓰모토소", "第二松本庄"),
    ("ライオンズマンション", "Lions Mansion", "라이온즈 맨션", "狮子公寓"),
    ("レオパレス21", "Leopalace 21", "레오팔레스 21", "Leopalace21"),
)

# family, given (hanzi simplified), pinyin family, pinyin given, Japanese kanji form, katakana, hangul
CN_NAMES = (
    ("王", "伟", "Wang", "Wei", "王偉", "ワン・ウェイ", "왕웨이"),
    ("李", "娜", "Li", "Na", "李娜", "リー・ナー", "리나"),
    ("张", "伟", "Zhang", "Wei", "張偉", "チャン・ウェイ", "장웨이"),
    ("刘", "洋", "Liu", "Yang", "劉洋", "リュウ・ヤン", "류양"),
    ("陈", "静", "Chen", "Jing", "陳静", "チェン・ジン", "천징"),
    ("杨", "帆", "Yang", "Fan", "楊帆", "ヤン・ファン", "양판"),
    ("赵", "丽华", "Zhao", "Lihua", "趙麗華", "チャオ・リーホア", "자오리화"),
    ("黄", "磊", "Huang", "Lei", "黄磊", "ホアン・レイ", "황레이"),
    ("周", "婷婷", "Zhou", "Tingting", "周婷婷", "ジョウ・ティンティン", "저우팅팅"),
    ("吴", "浩然", "Wu", "Haoran", "呉浩然", "ウー・ハオラン", "우하오란"),
    ("孙", "晓明", "Sun", "Xiaoming", "孫暁明", "スン・シャオミン", "쑨샤오밍"),
    ("林", "佳慧", "Lin", "Jiahui", "林佳慧", "リン・ジアフイ", "린자후이"),
)
# hangul, romanised, katakana, hanja (Japanese/Chinese sentence form)
KR_NAMES = (
    ("김민준", "Kim Min-jun", "キム・ミンジュン", "金敏俊"),
    ("이서연", "Lee Seo-yeon", "イ・ソヨン", "李瑞妍"),
    ("박지훈", "Park Ji-hoon", "パク・チフン", "朴志勋"),
    ("최수빈", "Choi Su-bin", "チェ・スビン", "崔秀彬"),
    ("정하은", "Jung Ha-eun", "チョン・ハウン", "郑夏恩"),
    ("강도윤", "Kang Do-yun", "カン・ドユン", "姜道允"),
    ("윤지아", "Yoon Ji-a", "ユン・ジア", "尹智雅"),
    ("한예준", "Han Ye-jun", "ハン・イェジュン", "韩睿俊"),
    ("송미경", "Song Mi-kyung", "ソン・ミギョン", "宋美京"),
)
# Vietnamese, katakana, hangul, Hán-Việt
VN_NAMES = (
    ("Nguyễn Văn An", "グエン・ヴァン・アン", "응우옌 반 안", "阮文安"),
    ("Trần Thị Lan", "チャン・ティ・ラン", "쩐 티 란", "陈氏兰"),
    ("Lê Minh Tuấn", "レ・ミン・トゥアン", "레 민 뚜안", "黎明俊"),
    ("Phạm Thu Trang", "ファム・トゥ・チャン", "팜 투 짱", "范秋庄"),
    ("Hoàng Đức Hùng", "ホアン・ドゥック・フン", "호앙 득 흥", "黄德雄"),
    ("Vũ Ngọc Linh", "ヴー・ゴック・リン", "부 응옥 린", "武玉玲"),
    ("Đặng Quốc Bảo", "ダン・クォック・バオ", "당 꾸옥 바오", "邓国宝"),
    ("Bùi Thị Hạnh", "ブイ・ティ・ハイン", "부이 티 하인", "裴氏幸"),
)
VN_GIVEN = {"m": ("An", "Bình", "Dũng", "Hùng", "Minh", "Quân", "Tuấn", "Khoa", "Sơn", "Phúc"), "f": ("Châu", "Hà", "Hạnh", "Lan", "Linh", "Ngọc", "Phương", "Thảo", "Trang", "Vy", "Nhi")}
VN_MIDDLE = {"m": ("Văn", "Đức", "Công", "Quốc", "Hữu"), "f": ("Thị", "Ngọc", "Thu", "Thanh", "Mai")}
OTHER_GIVEN = {"m": ("Miguel", "Aarav", "Kenji", "Liam", "Rafael", "Arjun"), "f": ("Sofia", "Bella", "Mei", "Priya", "Camila", "Aiko")}
# sex of each row of the name tables, in order
CN_SEX = "mfmmfmfmfmmf"
KR_SEX = "mfmffmfmf"
VN_SEX = "mfmfmfmf"
OTHER_SEX = "fmfmfmmfmfmmfm"
# Latin, katakana, hangul, Chinese
OTHER_NAMES = (
    ("Maria Cristina Santos", "マリア・クリスティナ・サントス", "마리아 크리스티나 산토스", "玛丽亚·克里斯蒂娜·桑托斯"),
    ("Jose Dela Cruz", "ホセ・デラクルス", "호세 델라크루스", "何塞·德拉克鲁兹"),
    ("Angelica Bautista", "アンジェリカ・バウティスタ", "안젤리카 바우티스타", "安杰丽卡·包蒂斯塔"),
    ("Ram Bahadur Gurung", "ラム・バハドゥル・グルン", "람 바하두르 구룽", "拉姆·巴哈杜尔·古隆"),
    ("Sita Kumari Thapa", "シタ・クマリ・タパ", "시타 쿠마리 타파", "西塔·库马里·塔帕"),
    ("Bikash Shrestha", "ビカス・シュレスタ", "비카스 슈레스타", "比卡什·什雷斯塔"),
    ("João Pedro da Silva", "ジョアン・ペドロ・ダ・シルバ", "주앙 페드루 다 시우바", "若昂·佩德罗·达席尔瓦"),
    ("Ana Paula Oliveira", "アナ・パウラ・オリベイラ", "아나 파울라 올리베이라", "安娜·保拉·奥利维拉"),
    ("Lucas Ferreira Nakamura", "ルーカス・フェヘイラ・ナカムラ", "루카스 페헤이라 나카무라", "卢卡斯·费雷拉·中村"),
    ("Dewi Lestari", "デウィ・レスタリ", "데위 레스타리", "黛维·莱斯塔丽"),
    ("Aung Kyaw Moe", "アウン・チョー・モー", "아웅 쪼 모", "昂觉莫"),
    ("Nimal Perera", "ニマル・ペレラ", "니말 페레라", "尼马尔·佩雷拉"),
    ("Emily Johnson", "エミリー・ジョンソン", "에밀리 존슨", "艾米莉·约翰逊"),
    ("Somchai Srisuk", "ソムチャイ・シースック", "솜차이 시숙", "颂猜·西素"),
)
# Japanese names with hangul renderings: kanji, hangul
JP_KO_FAMILY = (("山田", "야마다"), ("佐藤", "사토"), ("鈴木", "스즈키"), ("高橋", "다카하시"), ("田中", "다나카"), ("伊藤", "이토"), ("渡辺", "와타나베"), ("中村", "나카무라"), ("小林", "고바야시"), ("加藤", "가토"))
JP_KO_GIVEN = (("太郎", "다로"), ("花子", "하나코"), ("健太", "겐타"), ("美咲", "미사키"), ("翔太", "쇼타"), ("陽菜", "히나"), ("大輔", "다이스케"), ("由美", "유미"), ("蓮", "렌"), ("結衣", "유이"))

DOMAINS = ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "ezweb.ne.jp", "outlook.jp", "softbank.ne.jp", "qq.com", "163.com", "naver.com", "daum.net", "hanmail.net", "yahoo.com.vn", "hotmail.com", "yahoo.com.ph")
DOMAIN_KANA = {
    "gmail.com": "ジーメール ドット コム",
    "yahoo.co.jp": "ヤフー ドット シーオー ドット ジェーピー",
    "docomo.ne.jp": "ドコモ ドット エヌイー ドット ジェーピー",
    "icloud.com": "アイクラウド ドット コム",
    "ezweb.ne.jp": "イージーウェブ ドット エヌイー ドット ジェーピー",
    "outlook.jp": "アウトルック ドット ジェーピー",
    "softbank.ne.jp": "ソフトバンク ドット エヌイー ドット ジェーピー",
}


class Gen:
    """Every random choice of the corpus goes through one ``random.Random`` and seeded Fakers."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)  # noqa: S311 - a corpus, not a secret
        self.fk: dict[str, Faker] = {}
        for i, loc in enumerate(("ja_JP", "en_US", "zh_CN", "ko_KR", "vi_VN")):
            f = Faker(loc)
            f.seed_instance(seed + i)
            self.fk[loc] = f

    # ---------------------------------------------------------------- basics
    def c(self, seq):  # type: ignore[no-untyped-def]
        return self.r.choice(seq)

    def n(self, a: int, b: int) -> int:
        return self.r.randint(a, b)

    def p(self, prob: float) -> bool:
        return self.r.random() < prob

    def digits(self, k: int) -> str:
        return "".join(str(self.r.randrange(10)) for _ in range(k))

    def spell(self, groups: list[str], lang: str) -> str:
        """Digit groups read out one digit at a time, in the words of ``lang``."""
        if lang == "ja":
            table = self.c((JA_KATA, JA_KATA, JA_HIRA, {d: (KD[int(d)],) for d in "0123456789"}))
            zero = self.c(table["0"])
            inner = self.c(("", "", " "))
            words = [inner.join(zero if d == "0" else self.c(table[d]) for d in g) for g in groups]
            return self.c(("の", "、", " ", "の ", "、えー、" if len(groups) > 2 else "の")).join(words)
        if lang == "zh":
            zero, one = self.c(ZH_D["0"]), self.c(ZH_D["1"])
            words = ["".join(zero if d == "0" else one if d == "1" else ZH_D[d][0] for d in g) for g in groups]
            return self.c(("", " ", "，", "、", " 嗯 ")).join(words)
        if lang == "ko":
            zero = self.c(KO_D["0"])
            words = ["".join(zero if d == "0" else KO_D[d][0] for d in g) for g in groups]
            return self.c((" ", ", ", "에 ", "-", " 다시 ")).join(words)
        if lang == "vi":
            words = [" ".join(VI_D[int(d)] for d in g) for g in groups]
            return self.c((", ", " ", " - ", ", ờ, ")).join(words)
        zero = self.c(("oh", "oh", "zero"))
        doubles = self.p(0.6)
        words = [self.en_digits(g, zero, doubles) for g in groups]
        return self.c((", ", " ", " - ", "... ", ", uh, ")).join(words)

    def en_digits(self, ds: str, zero: str, doubles: bool) -> str:
        out, i = [], 0
        while i < len(ds):
            d = ds[i]
            w = zero if d == "0" else EN_D[int(d)]
            if doubles and i + 2 < len(ds) and ds[i + 1] == d == ds[i + 2]:
                out.append("triple " + w)
                i += 3
            elif doubles and i + 1 < len(ds) and ds[i + 1] == d:
                out.append("double " + w)
                i += 2
            else:
                out.append(w)
                i += 1
        return " ".join(out)

    def filler(self, lang: str) -> str:
        return self.c({
            "ja": ("えー", "えーと", "あの", "あのー", "んー"),
            "en": ("uh", "um", "er", "sorry", "let me see"),
            "zh": ("嗯", "那个", "就是", "呃"),
            "ko": ("어", "음", "그", "저기"),
            "vi": ("ờ", "à", "ừm", "để xem"),
        }[lang])

    # ---------------------------------------------------------------- MY_NUMBER
    def my_number(self, lang: str) -> str:
        body = self.digits(11)
        num = body + str(my_number_check_digit(body))
        groups = [num[:4], num[4:8], num[8:]]
        style = self.n(0, 6)
        if style == 0:
            return num
        if style == 1:
            return " ".join(groups)
        if style == 2:
            return "-".join(groups)
        if style == 3:
            return " ".join(groups).translate(FW) if lang in ("ja", "zh") else "".join(groups)
        if style == 4:
            sep = {"ja": "、", "zh": "，", "ko": ", ", "vi": ", ", "en": ", "}[lang]
            return f"{groups[0]}{sep}{self.filler(lang)}{sep}{groups[1]} {groups[2]}"
        return self.spell(groups, lang)

    # ---------------------------------------------------------------- PHONE_JP
    def phone_groups(self) -> list[str]:
        kind = self.n(0, 9)
        if kind <= 4:
            return [self.c(("090", "080", "070", "090")), self.digits(4), self.digits(4)]
        if kind <= 6:
            return ["03", self.c(("5", "3", "6")) + self.digits(3), self.digits(4)]
        if kind == 7:
            return ["050", self.digits(4), self.digits(4)]
        area = self.c(("048", "047", "042", "044", "06", "045"))
        return [area, self.digits(4 if len(area) == 2 else 3), self.digits(4)]

    def phone(self, lang: str) -> str:
        g = self.phone_groups()
        style = self.n(0, 8)
        if style == 0:
            return "-".join(g)
        if style == 1:
            return "".join(g)
        if style == 2:
            return " ".join(g)
        if style == 3:
            return "-".join(g).translate(FW) if lang in ("ja", "zh") else "(" + g[0] + ") " + g[1] + "-" + g[2]
        if style == 4:
            if lang == "en" or lang == "vi":
                return "+81 " + g[0][1:] + "-" + g[1] + "-" + g[2]
            return {"ja": "の", "zh": "-", "ko": "에 "}[lang].join(g)
        return self.spell(g, lang)

    # ---------------------------------------------------------------- POSTAL_CODE
    def postal(self, lang: str, code: str | None = None) -> str:
        code = code or self.c(TOWNS)[12]
        a, b = code.split("-")
        style = self.n(0, 5)
        if style == 0:
            return code
        if style == 1:
            return a + b
        if style == 2:
            return code.translate(FW) if lang in ("ja", "zh") else a + " " + b
        if style == 3 and lang == "ja":
            return a + "の" + b
        return self.spell([a, b], lang)

    # ---------------------------------------------------------------- RESIDENCE_CARD
    def residence_card(self, lang: str) -> str:
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        l1 = self.c(letters) + self.c(letters)
        l2 = self.c(letters) + self.c(letters)
        d = self.digits(8)
        style = self.n(0, 7)
        if style == 0:
            return l1 + d + l2
        if style == 1:
            return f"{l1} {d[:4]} {d[4:]} {l2}"
        if style == 2:
            return (l1 + d + l2).lower()
        if style == 3:
            return f"{l1}-{d}-{l2}" if lang not in ("ja", "zh") else (l1 + d + l2).translate(FW)
        if style == 4:
            return f"{l1} {d} {l2}"
        # letters and digits read out
        if lang == "ja":
            lt = lambda s: "".join(KATA_LETTER[x] for x in s)  # noqa: E731
            return f"{lt(l1)} {self.spell([d[:4], d[4:]], 'ja')} {lt(l2)}"
        if lang == "ko":
            lt = lambda s: "".join(HANGUL_LETTER[x] for x in s)  # noqa: E731
            return f"{lt(l1)} {self.spell([d[:4], d[4:]], 'ko')} {lt(l2)}"
        if lang == "en":
            return f"{l1[0]} {l1[1]}, {self.spell([d[:4], d[4:]], 'en')}, {l2[0]} {l2[1]}"
        return f"{l1} {self.spell([d[:4], d[4:]], lang)} {l2}"

    # ---------------------------------------------------------------- PASSPORT
    def passport(self, lang: str, nation: str | None = None) -> str:
        nation = nation or self.c(("jp", "cn", "kr", "vn", "ph", "np", "br", "us", "in", "id", "mm", "th"))
        L = "ABCDEFGHJKLMNPRSTUVWXYZ"
        value = {
            "jp": lambda: self.c(("TK", "TR", "TZ", "MZ")) + self.digits(7),
            "cn": lambda: self.c(("E", "G", "EA", "EH")) + (self.digits(8) if self.p(0.5) else self.digits(7)),
            "kr": lambda: "M" + (self.digits(8) if self.p(0.5) else self.digits(3) + self.c(L) + self.digits(4)),
            "vn": lambda: self.c(("C", "B", "N")) + self.digits(7),
            "ph": lambda: "P" + self.digits(7) + self.c(L),
            "np": lambda: self.c(("", "PA")) + self.digits(8),
            "br": lambda: self.c(("FZ", "GA", "YB")) + self.digits(6),
            "us": lambda: self.digits(9) if self.p(0.5) else self.c(L) + self.digits(8),
            "in": lambda: self.c(("K", "M", "Z")) + self.digits(7),
            "id": lambda: self.c(("B", "X", "C")) + self.digits(7),
            "mm": lambda: self.c(("MA", "MB", "MC")) + self.digits(6),
            "th": lambda: self.c(("AA", "AB")) + self.digits(7),
        }[nation]()
        style = self.n(0, 5)
        if style == 1 and value[0].isalpha():
            i = len(value) - len(value.lstrip(L))
            return value[:i] + " " + value[i:]
        if style == 2 and lang in ("ja", "zh"):
            return value.translate(FW)
        if style == 3:
            return value.lower() if lang in ("en", "vi") else value
        if style == 4:
            i = len(value) - len(value.lstrip(L))
            head, tail = value[:i], value[i:]
            k = len(tail) - len(tail.rstrip(L)) if tail and tail[-1].isalpha() else 0
            num, end = (tail[:-k], tail[-k:]) if k else (tail, "")
            if not num.isdigit():
                return value
            if lang == "ja" and head:
                head = "".join(KATA_LETTER[x] for x in head) + " "
            elif lang == "ko" and head:
                head = "".join(HANGUL_LETTER[x] for x in head) + " "
            elif head:
                head = " ".join(head) + " "
            spoken = self.spell([num[:4], num[4:]] if len(num) > 4 else [num], lang)
            return head + spoken + (" " + end if end else "")
        return value

    # ---------------------------------------------------------------- DATE_OF_BIRTH
    def date(self, lo: int, hi: int) -> dt.date:
        start = dt.date(lo, 1, 1).toordinal()
        end = min(dt.date(hi, 12, 31), dt.date(2026, 11, 30)).toordinal()
        return dt.date.fromordinal(self.n(start, end))

    def era_one(self) -> dt.date:
        if self.p(0.5):
            return dt.date.fromordinal(self.n(dt.date(1989, 1, 8).toordinal(), dt.date(1989, 12, 31).toordinal()))
        return dt.date.fromordinal(self.n(dt.date(2019, 5, 1).toordinal(), dt.date(2019, 12, 31).toordinal()))

    def dob(self, lang: str, lo: int = 1945, hi: int = 2006) -> str:
        d = self.era_one() if self.p(0.1) else self.date(lo, hi)
        if not lo <= d.year <= hi:
            d = self.date(lo, hi)
        y, m, day = d.year, d.month, d.day
        ja_era, ro_era, ab_era, ko_era, zh_era, ey = era_of(d)
        style = self.n(0, 9)
        if lang == "ja":
            ey_k = "元" if ey == 1 else kanji_num(ey)
            ey_a = "元" if ey == 1 else str(ey)
            return (
                f"{y}年{m}月{day}日",
                f"{ja_era}{ey_a}年{m}月{day}日",
                f"{ja_era}{ey_k}年{kanji_num(m)}月{kanji_num(day)}日",
                f"{ab_era}{ey}.{m}.{day}",
                f"{y}/{m:02d}/{day:02d}",
                f"{y}-{m}-{day}",
                f"{kanji_num(y)}年{kanji_num(m)}月{kanji_num(day)}日",
                f"{ja_era}{ey_a}年の{m}月{day}日",
                f"{y}年{m}月{day}日".translate(FW),
                f"{ja_era}{ey_a}年、{self.filler('ja')}、{m}月{day}日",
            )[style]
        if lang == "en":
            mon = EN_MONTHS[m - 1]
            return (
                f"{mon} {day}, {y}",
                f"{day} {mon} {y}",
                f"the {en_ord(day)} of {mon}, {y}",
                f"{mon} {en_ord(day)}, {en_year(y)}",
                f"{m:02d}/{day:02d}/{y}",
                f"{y}-{m:02d}-{day:02d}",
                f"{day}.{m}.{y}",
                f"{ro_era} {ey}, {mon} {day}" if ey > 1 else f"{mon} {day}, {y}",
                f"{ro_era} {ey} nen {m} gatsu {day} nichi" if ey > 1 else f"{day}/{m}/{y}",
                f"{mon[:3]} {day} {y}",
            )[style]
        if lang == "zh":
            yz = "".join(self.c(ZH_D["0"])[0] if ch == "0" else ZH_D[ch][0] for ch in str(y))
            return (
                f"{y}年{m}月{day}日",
                f"{yz}年{kanji_num(m)}月{kanji_num(day)}日",
                f"{y}年{m}月{day}号",
                f"{str(y)[2:]}年{m}月{day}号",
                f"{y}.{m}.{day}",
                f"{y}/{m}/{day}",
                f"{zh_era}{ey}年{m}月{day}日" if ey > 1 else f"{y}年{m}月{day}日",
                f"{yz}年{kanji_num(m)}月{kanji_num(day)}号",
                f"{y}-{m:02d}-{day:02d}",
                f"{y}年{m}月，{self.filler('zh')}，{day}号",
            )[style]
        if lang == "ko":
            return (
                f"{y}년 {m}월 {day}일",
                f"{str(y)[2:]}년 {m}월 {day}일",
                f"{ko_num(y)}년 {ko_month(m)} {ko_num(day)}일",
                f"{y}.{m:02d}.{day:02d}",
                f"{y}. {m}. {day}.",
                f"{ko_era} {'원' if ey == 1 else ey}년 {m}월 {day}일",
                f"{y}-{m:02d}-{day:02d}",
                f"{y}년 {m}월 {day}일",
                f"{y}년 {ko_month(m)} {day}일",
                f"{y}년, {self.filler('ko')}, {m}월 {day}일",
            )[style]
        return (
            f"{day} tháng {m} năm {y}",
            f"{day}/{m}/{y}",
            f"{day:02d}/{m:02d}/{y}",
            f"{day}-{m}-{y}",
            f"{vi_num(day)} tháng {'tư' if m == 4 else 'giêng' if m == 1 else vi_num(m)} năm {vi_num(y)}",
            f"{day} tháng {m} năm {y}",
            f"{day}.{m}.{y}",
            f"mùng {day} tháng {m} năm {y}" if day <= 10 else f"{day} tháng {m}, {y}",
            f"{day} tháng {m} năm {' '.join(VI_D[int(ch)] for ch in str(y))}",
            f"{day} tháng {m} năm, {self.filler('vi')}, {y}",
        )[style]

    def other_date(self, lang: str) -> str:
        """A date that is not a birth date (moving, deadline, death, appointment): left unmarked."""
        m, d = self.n(1, 12), self.n(1, 28)
        y = self.c((2025, 2026, 2027))
        style = self.n(0, 2)
        if lang == "ja":
            return (f"{m}月{d}日", f"{y}年{m}月{d}日", f"令和{y - 2018}年{m}月{d}日")[style]
        if lang == "en":
            return (f"{EN_MONTHS[m - 1]} {d}", f"the {en_ord(d)} of {EN_MONTHS[m - 1]}", f"{m}/{d}/{y}")[style]
        if lang == "zh":
            return (f"{m}月{d}号", f"{y}年{m}月{d}日", f"{m}月{d}日")[style]
        if lang == "ko":
            return (f"{m}월 {d}일", f"{y}년 {m}월 {d}일", f"{m}월 {d}일")[style]
        return (f"ngày {d} tháng {m}", f"{d}/{m}/{y}", f"ngày {d} tháng {m} năm {y}")[style]

    # ---------------------------------------------------------------- ADDRESS_JP
    def _nums(self) -> tuple[int, int, int]:
        return self.n(1, 6), self.n(1, 30), self.n(1, 24)

    def _room(self) -> str:
        return f"{self.n(1, 9)}0{self.n(1, 9)}"

    def _town_ro(self, t: str) -> str:
        return self.c((t, t, t.replace("-", ""), t.replace("-", " "), t.lower()))

    def _city_ro(self, city: str, ja_city: str) -> str:
        if " " in city or "," in city:
            return city
        suffix = "ku" if ja_city.endswith("区") else "shi"
        return self.c((f"{city}-{suffix}", f"{city} {suffix}", f"{city}-{suffix}", f"{city} City", f"{city}{suffix}"))

    def address(self, lang: str, town: tuple[str, ...] | None = None) -> str:
        t = town or self.c(TOWNS)
        pj, cj, tj, pr, cr, tr, pk, ck, tk, pz, cz, tz, _ = t
        c, b, g = self._nums()
        bl = self.c(BUILDINGS)
        room = self._room()
        tokyo = pj == "東京都"
        if lang == "ja":
            style = self.n(0, 11)
            pref = pj if (not tokyo or self.p(0.4)) else ""
            return (
                f"{pref}{cj}{tj}{c}丁目{b}番{g}号",
                f"{cj}{tj}{kanji_num(c)}丁目{kanji_num(b)}番{kanji_num(g)}号",
                f"{tj}{c}-{b}-{g} {bl[0]}{room}",
                f"{cj}{tj}{c}の{b}の{g}",
                f"{cj}{tj}{c}-{b}-{g}".translate(FW),
                f"{pref}{cj}{tj}{c}丁目{b}番地{g}",
                f"{cj}{tj}{c}-{b}-{g}-{room}",
                f"{cj}、{self.filler('ja')}、{tj}{c}丁目の{b}の{g}",
                f"{tj}{c}丁目{b}番{g}号 {bl[0]} {room}号室",
                f"{pj}{cj}{tj}{kanji_num(c)}丁目{b}-{g}",
                f"{cj}{tj}{c}丁目{b}-{g}、{bl[0]}の{''.join(KD[int(x)] for x in room)}",
                f"{tj}{c}丁目{b}の{g}",
            )[style]
        if lang in ("en", "vi"):
            town_ro = self._town_ro(tr)
            city_ro = self._city_ro(cr, cj)
            if lang == "vi" and self.p(0.4) and "," not in cr:
                city_ro = ("quận " if cj.endswith("区") else "thành phố ") + cr
            pref_ro = pr if lang == "en" or self.p(0.5) else ("tỉnh " + pr if not tokyo else "Tokyo")
            style = self.n(0, 11)
            if lang == "en":
                room_w = self.c(("room", "Room", "#", "apartment"))
            else:
                room_w = self.c(("phòng", "phòng số", "P."))
            return (
                f"{c}-{b}-{g} {town_ro}, {city_ro}, {pref_ro}",
                f"{bl[1]} {room}, {c}-{b}-{g} {town_ro}, {city_ro}",
                f"{city_ro} {town_ro} {c}-chome {b}-ban {g}-go",
                f"{tr.lower().replace('-', ' ')} {c} chome {b} {g}",
                f"{c} chome {b} ban {g} go, {town_ro}, {city_ro}, {pref_ro}",
                f"{town_ro} {c}-{b}-{g}, {city_ro}, {room_w} {room}",
                f"{city_ro}, {town_ro}, {en_num(c) if lang == 'en' else vi_num(c)} chome, {b}-{g}",
                f"{pref_ro}-to {city_ro} {town_ro} {c}-{b}-{g}" if tokyo else f"{pref_ro} {city_ro} {town_ro} {c}-{b}-{g}",
                f"{town_ro}, {self.filler(lang)}, {c}-{b}-{g}, {city_ro}",
                f"{town_ro} {c} {b} {g} {bl[1]} {room}",
                f"{('ni', 'san', 'yon', 'go', 'roku', 'ichi')[c % 6]}-chome {b}-{g} {town_ro} {city_ro}",
                f"{c}{self.c(('-', ' - ', '−'))}{b}{self.c(('-', ' - '))}{g}, {town_ro}, {city_ro} {pref_ro}",
            )[style]
        if lang == "ko":
            style = self.n(0, 8)
            room_k = self.c((f"{room}호", f"{room}호실", room))
            return (
                f"{pk} {ck} {tk} {c}초메 {b}반 {g}고",
                f"{ck} {tk} {c}-{b}-{g} {bl[2]} {room_k}",
                f"{tk} {c}정목 {b}번 {g}호",
                f"{ck} {tk} {c}초메 {b}번지",
                f"{c}-{b}-{g} {self._town_ro(tr)}, {self._city_ro(cr, cj)}",
                f"{ck} {tk} {c}초메, {self.filler('ko')}, {b}-{g}",
                f"{pk} {ck} {tk} {c}-{b}-{g}",
                f"{ck}{tk}{c}초메{b}-{g} {bl[2]} {room_k}",
                f"{tk} {c}-{b}-{g} {room_k}",
            )[style]
        style = self.n(0, 8)
        return (
            f"{pz}{cz}{tz}{c}丁目{b}番{g}号",
            f"{cz}{tz}{c}-{b}-{g} {bl[3]} {room}室",
            f"{cz}{tz}{kanji_num(c)}丁目{b}-{g}",
            f"{pz}{cz}{tz}{c}丁目{b}番地{g}号{room}号房",
            f"{cz}，{self.filler('zh')}，{tz}{c}-{b}-{g}",
            f"{c}-{b}-{g} {self._town_ro(tr)}, {self._city_ro(cr, cj)}",
            f"{pz}{cz}{tz}{c}丁目{b}-{g}",
            f"{tz}{c}丁目{b}番{g}号{bl[3]}{room}室",
            f"{cz}{tz}{c}-{b}-{g}-{room}",
        )[style]

    def postal_address(self, lang: str) -> tuple[str, str]:
        """A postal code and an address of the same town."""
        town = self.c(TOWNS)
        return self.postal(lang, town[12]), self.address(lang, town)

    # ---------------------------------------------------------------- PERSON
    def jp(self, sex: str | None = None) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        f = self.fk["ja_JP"]
        first = {"m": f.first_name_male_pair, "f": f.first_name_female_pair}.get(sex or "", f.first_name_pair)
        return f.last_name_pair(), first()

    def pick(self, table: tuple, sexes: str, sex: str | None) -> tuple:
        rows = [row for row, x in zip(table, sexes, strict=True) if sex is None or x == sex]
        return self.c(rows)

    def jp_given(self, lang: str, sex: str | None = None) -> str:
        _fam, giv = self.jp(sex)
        if lang == "ja":
            return self.c((giv[0], giv[0], giv[1]))
        if lang == "zh":
            return giv[0]
        if lang == "ko":
            return self.pick(JP_KO_GIVEN, "mf" * 5, sex)[1]
        return giv[2]

    def jp_full(self, lang: str, sex: str | None = None) -> str:
        (fk, fkana, fro), (gk, gkana, gro) = self.jp(sex)
        if lang == "ja":
            style = self.n(0, 9)
            return (
                fk + gk,
                f"{fk} {gk}",
                f"{fk}　{gk}",
                f"{fkana} {gkana}",
                fkana + gkana,
                "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in f"{fkana} {gkana}"),
                f"{fro} {gro}",
                f"{fro.upper()} {gro.upper()}",
                fk + gk,
                f"{fk} {gk}",
            )[style]
        if lang == "zh":
            return self.c((fk + gk, f"{fk} {gk}", fk + gk))
        if lang == "ko":
            fam, giv = self.c(JP_KO_FAMILY), self.pick(JP_KO_GIVEN, "mf" * 5, sex)
            return self.c((f"{fam[1]} {giv[1]}", fam[1] + giv[1], f"{fam[1]} {giv[1]}"))
        style = self.n(0, 5)
        return (
            f"{gro} {fro}",
            f"{fro} {gro}",
            f"{fro.upper()} {gro}",
            f"{fro.upper()} {gro.upper()}",
            f"{gro} {fro}",
            f"{fro.lower()} {gro.lower()}",
        )[style]

    def cn_full(self, lang: str, sex: str | None = None) -> str:
        if lang == "zh" and sex is None and self.p(0.5):
            return self.fk["zh_CN"].name()  # zh_CN Faker names carry no sex
        fam, giv, pf, pg, jk, kata, hang = self.pick(CN_NAMES, CN_SEX, sex)
        if lang == "ja":
            return self.c((jk, kata, kata.replace("・", " "), f"{pf.upper()} {pg.upper()}"))
        if lang == "zh":
            return self.c((fam + giv, fam + giv, f"{pf} {pg}"))
        if lang == "ko":
            return self.c((hang, hang, f"{pf} {pg}"))
        return self.c((f"{pf} {pg}", f"{pg} {pf}", f"{pf.upper()} {pg.upper()}", f"{pf} {pg}"))

    def kr_full(self, lang: str, sex: str | None = None) -> str:
        if lang == "ko" and self.p(0.5):
            f = self.fk["ko_KR"]
            return {"m": f.name_male, "f": f.name_female}.get(sex or "", f.name)()
        hang, ro, kata, hanja = self.pick(KR_NAMES, KR_SEX, sex)
        if lang == "ja":
            return self.c((kata, kata.replace("・", ""), hanja, ro.upper().replace("-", "")))
        if lang == "zh":
            return self.c((hanja, hanja, ro))
        if lang == "ko":
            return self.c((hang, f"{hang[0]} {hang[1:]}", hang))
        fam, giv = ro.split(" ")
        return self.c((ro, f"{giv} {fam}", ro.replace("-", ""), f"{fam.upper()} {giv.replace('-', '').upper()}"))

    def vn_full(self, lang: str, sex: str | None = None) -> str:
        if lang == "vi" and self.p(0.55):
            x = sex or self.c("mf")
            return f"{self.fk['vi_VN'].last_name()} {self.c(VN_MIDDLE[x])} {self.c(VN_GIVEN[x])}"
        vi, kata, hang, hv = self.pick(VN_NAMES, VN_SEX, sex)
        if lang == "ja":
            return self.c((kata, kata.replace("・", " "), strip_marks(vi).upper(), vi))
        if lang == "zh":
            return self.c((hv, vi, strip_marks(vi)))
        if lang == "ko":
            return self.c((hang, hang, strip_marks(vi)))
        if lang == "vi":
            return self.c((vi, vi, strip_marks(vi).upper()))
        return self.c((strip_marks(vi), vi, strip_marks(vi).upper(), strip_marks(vi)))

    def other_full(self, lang: str, sex: str | None = None) -> str:
        if lang == "en" and self.p(0.3):
            f = self.fk["en_US"]
            first = {"m": f.first_name_male, "f": f.first_name_female}.get(sex or "", f.first_name)
            return f"{first()} {f.last_name()}"
        lat, kata, hang, zh = self.pick(OTHER_NAMES, OTHER_SEX, sex)
        if lang == "ja":
            return self.c((kata, kata, kata.replace("・", " "), lat.upper()))
        if lang == "ko":
            return self.c((hang, lat))
        if lang == "zh":
            return self.c((zh, lat))
        return self.c((lat, lat, lat.upper(), lat.lower() if lang == "vi" else lat))

    def name(self, lang: str, origin: str | None = None, sex: str | None = None) -> str:
        if origin is None:
            home = {"ja": "jp", "en": "other", "zh": "cn", "ko": "kr", "vi": "vn"}[lang]
            origin = home if self.p(0.45) else self.c(("jp", "jp", "cn", "kr", "vn", "other", "other"))
        return {"jp": self.jp_full, "cn": self.cn_full, "kr": self.kr_full, "vn": self.vn_full, "other": self.other_full}[origin](lang, sex)

    def given(self, lang: str, sex: str | None = None) -> str:
        """A first name alone (children, spouses in a list)."""
        x = sex or self.c("mf")
        if lang == "ja":
            return self.jp_given("ja", x)
        if lang == "zh":
            return self.c((self.jp_given("zh", x), self.pick(CN_NAMES, CN_SEX, x)[1], self.pick(CN_NAMES, CN_SEX, x)[1]))
        if lang == "ko":
            f = self.fk["ko_KR"]
            return self.c(((f.first_name_male if x == "m" else f.first_name_female)(), self.jp_given("ko", x), self.pick(KR_NAMES, KR_SEX, x)[0][1:]))
        if lang == "vi":
            return self.c((self.c(VN_GIVEN[x]), self.c(VN_GIVEN[x]), self.jp_given("vi", x)))
        f = self.fk["en_US"]
        return self.c(((f.first_name_male if x == "m" else f.first_name_female)(), self.jp_given("en", x), self.c(OTHER_GIVEN[x])))

    def family(self, lang: str) -> str:
        (fk, fkana, fro), _ = self.jp()
        if lang == "ja":
            return self.c((fk, fk, fkana))
        if lang == "zh":
            return fk
        if lang == "ko":
            return self.c(JP_KO_FAMILY)[1]
        return fro

    # ---------------------------------------------------------------- EMAIL
    def email(self, lang: str) -> str:
        (_fk, fkana, fro), (_gk, gkana, gro) = self.jp()
        origin = self.n(0, 3)
        if origin == 0:
            sep = self.c((".", "_", "", "-"))
            local = f"{gro.lower()}{sep}{fro.lower()}" if self.p(0.5) else f"{fro.lower()}{sep}{gro.lower()[0]}{self.n(1, 99)}"
            domain = self.c(("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "ezweb.ne.jp", "outlook.jp", "softbank.ne.jp"))
            kana_local = f"{gkana} {'ドット' if sep == '.' else 'アンダーバー' if sep == '_' else 'ハイフン' if sep == '-' else ''} {fkana}".replace("  ", " ") if local.startswith(gro.lower()) else None
        else:
            fam, giv = {1: self.c(CN_NAMES)[2:4], 2: tuple(self.c(KR_NAMES)[1].replace("-", "").split(" ")), 3: (strip_marks(self.c(VN_NAMES)[0]).split(" ")[0], strip_marks(self.c(VN_NAMES)[0]).split(" ")[-1])}[origin]
            local = self.c((f"{giv.lower()}.{fam.lower()}", f"{fam.lower()}{giv.lower()}{self.n(80, 99)}", f"{fam.lower()}_{giv.lower()}", f"{giv.lower()}{self.n(1990, 2005)}"))
            domain = self.c({1: ("qq.com", "163.com", "gmail.com"), 2: ("naver.com", "daum.net", "hanmail.net", "gmail.com"), 3: ("gmail.com", "yahoo.com.vn", "hotmail.com")}[origin])
            kana_local = None
        written = f"{local}@{domain}"
        style = self.n(0, 5)
        if style <= 1:
            return written if style == 0 or lang not in ("ja", "zh") else written.replace("@", "＠")
        if style == 2 and lang == "en":
            return written[0].upper() + written[1:]
        if lang == "ja":
            if kana_local and domain in DOMAIN_KANA and self.p(0.6):
                return f"{kana_local} アットマーク {DOMAIN_KANA[domain]}"
            return f"{local} アットマーク {domain.replace('.', ' ドット ')}" if self.p(0.5) else f"{local}アットマーク{domain}"
        at, dot, us = {
            "en": (self.c((" at ", " at sign ", " at ")), " dot ", " underscore "),
            "zh": (self.c(("艾特", " at ", "@")), self.c(("点", " 点 ", " dot ")), "下划线"),
            "ko": (self.c((" 골뱅이 ", " 앳 ", "골뱅이")), self.c((" 점 ", " 닷 ")), " 언더바 "),
            "vi": (self.c((" a còng ", " a móc ", " at ")), " chấm ", " gạch dưới "),
        }[lang]
        spoken_local = local.replace(".", dot).replace("_", us).replace("-", " dash " if lang == "en" else "-")
        spoken_domain = domain.replace(".", dot)
        if lang == "ko" and domain.endswith(".com") and self.p(0.5):
            spoken_domain = domain[:-4].replace(".", dot) + " 닷컴"
        return f"{spoken_local}{at}{spoken_domain}".strip().replace("  ", " ")

    # ---------------------------------------------------------------- small numbers for negatives
    def window(self) -> int:
        return self.n(1, 18)

    def fee(self) -> int:
        return self.c((200, 300, 350, 400, 450, 750, 1000))


# =========================================================================== templates
def _ja(g: Gen) -> list:
    f = g.filler("ja")
    return [
        lambda: [f"{f}、", P(g.name("ja")), "と申します。", g.other_date("ja"), "に引っ越してきたので、転入届をお願いします。"],
        lambda: ["お名前の確認をさせてください。", P(g.jp_full("ja")), "様でお間違いないですか。"],
        lambda: ["新しい住所は", A(g.address("ja")), "です。"],
        lambda: ["前の住所が", A(g.address("ja", g.c(TOWNS[-3:]))), "で、", g.other_date("ja"), "付けで転出届を出してあります。"],
        lambda: ["日中つながる番号ですと、", T(g.phone("ja")), "です。"],
        lambda: ["折り返しは携帯のほうに、", T(g.spell(g.phone_groups(), "ja")), "、でお願いします。"],
        lambda: ["マイナンバーは", M(g.my_number("ja")), "です。"],
        lambda: ["個人番号、復唱しますね。", M(g.my_number("ja")), "、でよろしいですか。"],
        lambda: ["在留カードの番号は", R(g.residence_card("ja")), "です。"],
        lambda: ["在留カード番号、", R(g.residence_card("ja")), "で合ってますか。"],
        lambda: ["パスポートの番号は", PP(g.passport("ja")), "で、有効期限は", g.other_date("ja"), "までです。"],
        lambda: (lambda z, a: ["ご住所、〒", Z(z), " ", A(a), "ですね。こちらに郵送します。"])(*g.postal_address("ja")),
        lambda: ["郵便番号は", Z(g.postal("ja")), "です。"],
        lambda: ["メールアドレスは", E(g.email("ja")), "です。"],
        lambda: ["結果はメールで、", E(g.email("ja")), "に送っていただけますか。"],
        lambda: ["生年月日は", B(g.dob("ja")), "です。"],
        lambda: [f"{f}、", B(g.dob("ja")), "生まれです。"],
        lambda: ["世帯主は", P(g.jp_full("ja", "m")), "、妻", P(g.given("ja", "f")), "、長男", P(g.given("ja", "m")), "の三人世帯です。"],
        lambda: ["夫の", P(g.name("ja", sex="m")), "の代理で来ました。委任状はこちらです。"],
        lambda: ["委任状には、委任者", P(g.name("ja")), "、代理人", P(g.name("ja")), "と書いてあります。"],
        lambda: (lambda fam: [P(fam), "さん、", P(fam + g.jp_given("ja")), "さーん、", f"{g.window()}番窓口までお越しください。"])(g.c(("山田", "佐藤", "鈴木", "高橋", "田中", "グエン", "キム", "ワン"))),
        lambda: ["娘の", P(g.given("ja", "f")), "が", B(g.dob("ja", 2025, 2026)), "に生まれまして、出生届と児童手当の申請をしたいです。"],
        lambda: ["国民健康保険の加入ですね。", P(g.name("ja")), "さん、生年月日が", B(g.dob("ja")), "、マイナンバーが", M(g.my_number("ja")), "。"],
        lambda: ["婚姻届を出します。夫になる人が", P(g.name("ja", g.c(("cn", "kr", "vn", "other")), "m")), "で、妻が", P(g.jp_full("ja", "f")), "です。"],
        lambda: ["父の", P(g.jp_full("ja", "m")), "が", g.other_date("ja"), "に亡くなりまして、死亡届を。父は", B(g.dob("ja", 1930, 1955)), "生まれです。"],
        lambda: ["印鑑登録の照会書は", A(g.address("ja")), "のほうにお送りします。"],
        lambda: ["ローマ字で", P(g.c((g.cn_full, g.vn_full, g.other_full, g.kr_full))("en").upper()), "です。在留カードと同じ表記です。"],
        lambda: [P(g.name("ja", g.c(("vn", "other", "cn")))), "です。", g.c(("ベトナム", "ネパール", "フィリピン", "ブラジル", "ミャンマー")), "から来ました。住民票をください。"],
        lambda: ["電話は", T(g.phone("ja")), "、メールは", E(g.email("ja")), "です。どちらでも大丈夫です。"],
        lambda: ["住所、", f, "、", A(g.address("ja")), "です。マンションの名前も要りますか。"],
        lambda: ["在留カードは", R(g.residence_card("ja")), "、パスポートは", PP(g.passport("ja")), "です。"],
        lambda: ["子どもは", P(g.given("ja")), "と", P(g.given("ja")), "で、下の子は", B(g.dob("ja", 2015, 2025)), "生まれです。"],
        lambda: (lambda z, a: ["〒", Z(z), "、", A(a), "、", P(g.jp_full("ja")), "宛てで送ってください。"])(*g.postal_address("ja")),
        lambda: ["妻の", P(g.name("ja", sex="f")), "はまだ来日していなくて、", g.other_date("ja"), "に来る予定です。"],
    ]


def _ja_neg(g: Gen) -> list:
    return [
        lambda: [f"整理券{g.n(1, 250)}番の方、{g.window()}番窓口へどうぞ。"],
        lambda: [f"住民票の写しは一通{g.fee()}円です。"],
        lambda: [f"マイナンバーカードの受け取りは{g.n(1, 5)}階の{g.window()}番窓口です。"],
        lambda: ["転入届は、引っ越してから14日以内に出してください。"],
        lambda: ["開庁時間は平日の8時30分から17時15分までです。"],
        lambda: [f"{g.n(1, 12)}月{g.n(1, 28)}日の日曜日は臨時開庁しています。"],
        lambda: ["こちらは新宿区役所本庁舎1階の戸籍住民課です。"],
        lambda: ["電話番号はこちらの欄にご記入ください。"],
        lambda: ["郵便番号の欄は空けておいて大丈夫です。"],
        lambda: ["委任状がないと、代理の方は受け付けられないんです。"],
        lambda: [f"印鑑登録証明書は一通{g.fee()}円で、コンビニでも取れます。"],
        lambda: ["児童手当の申請は、出生日の翌日から15日以内にお願いします。"],
        lambda: ["在留カードとパスポートを両方お持ちですか。"],
        lambda: [f"ただいま{g.n(2, 40)}人待ちで、{g.n(10, 90)}分ほどかかります。"],
        lambda: ["戸籍謄本は本籍地の役所でないと取れません。"],
        lambda: [f"{g.other_date('ja')}付けで転出の予定です。"],
        lambda: ["生年月日は和暦でも西暦でもかまいません。"],
        lambda: [f"番号札{g.n(100, 999)}番、{g.n(100, 999)}番の方、お待たせしました。"],
        lambda: ["豊島区役所の東部区民事務所でも同じ手続きができます。"],
        lambda: ["メールアドレスは、お持ちでなければ空欄で結構です。"],
        lambda: [f"外国人住民の相談窓口は{g.n(2, 8)}階にあります、エレベーターを降りて右です。"],
        lambda: ["国民健康保険の資格確認書は後日郵送になります。"],
        lambda: [f"手数料は合計で{g.fee() * 3:,}円になります。"],
        lambda: ["婚姻届は24時間受け付けていますが、審査は翌開庁日になります。"],
    ]


def _en(g: Gen) -> list:
    f = g.filler("en")
    return [
        lambda: ["Hi, my name is ", P(g.name("en")), ", I'm here to register my new address."],
        lambda: ["My new address is ", A(g.address("en")), "."],
        lambda: ["We moved in on ", g.other_date("en"), ", from ", A(g.address("en", g.c(TOWNS[-3:]))), "."],
        lambda: ["You can call me back on ", T(g.phone("en")), "."],
        lambda: ["My mobile is ", T(g.spell(g.phone_groups(), "en")), ", that's the best number."],
        lambda: ["My My Number is ", M(g.my_number("en")), "."],
        lambda: ["The individual number on the card, ", f, ", it's ", M(g.my_number("en")), "."],
        lambda: ["The residence card number is ", R(g.residence_card("en")), "."],
        lambda: ["Residence card, ", R(g.residence_card("en")), ", and it expires ", g.other_date("en"), "."],
        lambda: ["Passport number ", PP(g.passport("en")), "."],
        lambda: ["Here's my passport, the number is ", PP(g.passport("en")), ", issued in ", g.c(("Manila", "Kathmandu", "Hanoi", "Beijing", "Seoul", "Brasilia")), "."],
        lambda: ["The postcode is ", Z(g.postal("en")), "."],
        lambda: (lambda z, a: ["Zip code ", Z(z), ", and the address is ", A(a), "."])(*g.postal_address("en")),
        lambda: ["My email is ", E(g.email("en")), "."],
        lambda: ["Could you send the form to ", E(g.email("en")), "? All lowercase."],
        lambda: ["My date of birth is ", B(g.dob("en")), "."],
        lambda: ["I was born on ", B(g.dob("en")), ", in ", g.c(("Cebu", "Pokhara", "Da Nang", "Shanghai", "Busan", "São Paulo")), "."],
        lambda: ["I'm applying for the child allowance for my son ", P(g.given("en", "m")), ", he was born ", B(g.dob("en", 2025, 2026)), "."],
        lambda: ["This is a letter of proxy from my wife, ", P(g.name("en", sex="f")), "."],
        lambda: ["The household is me, ", P(g.name("en", sex="f")), ", my husband ", P(g.name("en", sex="m")), " and our daughter ", P(g.given("en", "f")), "."],
        lambda: ["Is it okay if ", P(g.name("en", sex="f")), " picks it up? She's my sister."],
        lambda: (lambda lat: ["My full name is ", P(lat), ", ", P(lat.split(" ")[-1]), " is my surname."])(g.c(OTHER_NAMES)[0]),
        lambda: ["Family name ", P(g.family("en")), ", given name ", P(g.jp_given("en")), "."],
        lambda: ["The card says ", P(g.jp_full("en").upper()), ", in capitals."],
        lambda: ["We are registering our marriage, my fiancé ", P(g.name("en", sex="m")), " was born ", B(g.dob("en", 1975, 2000)), "."],
        lambda: ["Text me at ", T(g.phone("en")), " or email ", E(g.email("en")), ", either is fine."],
        lambda: ["My father ", P(g.name("en", sex="m")), " passed away on ", g.other_date("en"), "; he was born ", B(g.dob("en", 1930, 1955)), "."],
        lambda: ["I live at, ", f, ", ", A(g.address("en")), "."],
        lambda: ["For the health insurance: ", P(g.name("en")), ", born ", B(g.dob("en")), ", My Number ", M(g.my_number("en")), "."],
        lambda: ["Residence card ", R(g.residence_card("en")), " and passport ", PP(g.passport("en")), "."],
        lambda: (lambda z, a: ["Please post the seal registration letter to ", A(a), ", postcode ", Z(z), "."])(*g.postal_address("en")),
        lambda: ["Mr ", P(g.jp_full("en", "m")), ", window ", str(g.window()), ", please."],
    ]


def _en_neg(g: Gen) -> list:
    return [
        lambda: [f"Ticket number {g.n(1, 250)}, please go to window {g.window()}."],
        lambda: [f"A copy of the residence certificate is {g.fee()} yen."],
        lambda: [f"The My Number card pickup is on floor {g.n(2, 5)}, counter {g.window()}."],
        lambda: ["You need to file the moving-in notice within 14 days of moving."],
        lambda: ["We're open weekdays from 8:30 to 5:15."],
        lambda: [f"We are open on Sunday, {g.other_date('en')}, for moving season."],
        lambda: ["This is the Family Register and Residents Section at Shinjuku City Office."],
        lambda: ["Please write your phone number in this box."],
        lambda: ["You can leave the postcode blank."],
        lambda: ["Without a letter of proxy we can't accept it from a representative."],
        lambda: [f"The seal certificate costs {g.fee()} yen, and you can also get it at a convenience store."],
        lambda: ["Apply for the child allowance within fifteen days after the birth."],
        lambda: ["Do you have both your residence card and passport with you?"],
        lambda: [f"There are {g.n(2, 40)} people waiting, about {g.n(10, 90)} minutes."],
        lambda: ["The family register copy can only be issued where your honseki is."],
        lambda: [f"I'm moving out on {g.other_date('en')}."],
        lambda: ["Date of birth can be in the Japanese era or the western year."],
        lambda: [f"Numbers {g.n(100, 999)} and {g.n(100, 999)}, thank you for waiting."],
        lambda: ["You can also do this at the Ikebukuro branch office."],
        lambda: ["If you don't have an email address, just leave it empty."],
        lambda: [f"The consultation desk for foreign residents is on floor {g.n(2, 8)}."],
        lambda: ["The health insurance certificate will be mailed to you later."],
        lambda: [f"That will be {g.fee() * 3:,} yen in total."],
    ]


def _zh(g: Gen) -> list:
    f = g.filler("zh")
    return [
        lambda: ["你好，我叫", P(g.name("zh")), "，我是来办转入手续的。"],
        lambda: ["我的名字是", P(g.name("zh")), "，", f, "，在留卡上写的是拼音。"],
        lambda: ["我现在住在", A(g.address("zh")), "。"],
        lambda: [g.other_date("zh"), "从", A(g.address("zh", g.c(TOWNS[-3:]))), "搬过来的。"],
        lambda: ["我的电话是", T(g.phone("zh")), "。"],
        lambda: ["手机号码是", T(g.spell(g.phone_groups(), "zh")), "，白天都能打通。"],
        lambda: ["我的个人编号是", M(g.my_number("zh")), "。"],
        lambda: ["My Number，就是个人号码，", M(g.my_number("zh")), "。"],
        lambda: ["在留卡号码是", R(g.residence_card("zh")), "。"],
        lambda: ["在留卡的号码，", f, "，", R(g.residence_card("zh")), "，有效期到", g.other_date("zh"), "。"],
        lambda: ["护照号码是", PP(g.passport("zh")), "。"],
        lambda: ["这是我的护照，号码", PP(g.passport("zh", g.c(("cn", "cn", "vn", "kr", "np")))), "。"],
        lambda: ["邮编是", Z(g.postal("zh")), "。"],
        lambda: (lambda z, a: ["邮政编码〒", Z(z), "，地址是", A(a), "。"])(*g.postal_address("zh")),
        lambda: ["我的邮箱是", E(g.email("zh")), "。"],
        lambda: ["结果可以发到我的邮箱吗？", E(g.email("zh")), "。"],
        lambda: ["出生日期是", B(g.dob("zh")), "。"],
        lambda: ["我是", B(g.dob("zh")), "出生的。"],
        lambda: ["我女儿", P(g.given("zh", "f")), "是", B(g.dob("zh", 2025, 2026)), "出生的，想申请儿童津贴。"],
        lambda: ["我是替我老公", P(g.name("zh", sex="m")), "来的，这是委托书。"],
        lambda: ["户主是", P(g.name("zh", sex="m")), "，妻子", P(g.name("zh", sex="f")), "，儿子", P(g.given("zh", "m")), "。"],
        lambda: ["我们来交结婚申请，我未婚夫叫", P(g.name("zh", g.c(("jp", "jp", "kr", "other")), "m")), "，他是", B(g.dob("zh", 1975, 2000)), "生的。"],
        lambda: ["我父亲", P(g.name("zh", sex="m")), g.other_date("zh"), "去世了，他是", B(g.dob("zh", 1930, 1955)), "出生的。"],
        lambda: ["电话", T(g.phone("zh")), "，邮箱", E(g.email("zh")), "，都可以联系我。"],
        lambda: ["加入国民健康保险：", P(g.name("zh")), "，出生日期", B(g.dob("zh")), "，个人编号", M(g.my_number("zh")), "。"],
        lambda: ["在留卡", R(g.residence_card("zh")), "，护照", PP(g.passport("zh")), "。"],
        lambda: ["印章登记的通知书请寄到", A(g.address("zh")), "。"],
        lambda: ["地址是", A(g.address("zh")), "，", P(g.name("zh")), "收。"],
        lambda: ["请问", P(g.name("zh")), "的住民票可以由", P(g.name("zh")), "代领吗？"],
        lambda: ["我的日文名字是", P(g.jp_full("ja")), "，中文名字是", P(g.cn_full("zh")), "。"],
    ]


def _zh_neg(g: Gen) -> list:
    return [
        lambda: [f"{g.n(1, 250)}号，请到{g.window()}号窗口。"],
        lambda: [f"住民票一份{g.fee()}日元。"],
        lambda: [f"个人编号卡在{g.n(2, 5)}楼{g.window()}号窗口领取。"],
        lambda: ["搬家以后十四天以内要办理转入手续。"],
        lambda: ["办公时间是工作日上午八点半到下午五点十五分。"],
        lambda: [f"{g.other_date('zh')}星期天也开门。"],
        lambda: ["这里是新宿区役所一楼的户籍住民课。"],
        lambda: ["请在这一栏写上电话号码。"],
        lambda: ["邮编那一栏可以不填。"],
        lambda: ["没有委托书的话，代理人不能办理。"],
        lambda: [f"印章登记证明一份{g.fee()}日元，便利店也可以打印。"],
        lambda: ["儿童津贴要在出生后十五天以内申请。"],
        lambda: ["您带了在留卡和护照吗？"],
        lambda: [f"现在前面还有{g.n(2, 40)}个人，大概要等{g.n(10, 90)}分钟。"],
        lambda: ["户籍誊本只能在本籍地的区役所办。"],
        lambda: [f"我打算{g.other_date('zh')}搬走。"],
        lambda: ["出生日期写和历或者公历都可以。"],
        lambda: [f"{g.n(100, 999)}号、{g.n(100, 999)}号，让您久等了。"],
        lambda: ["池袋的区民事务所也能办。"],
        lambda: ["没有邮箱的话空着就行。"],
        lambda: [f"外国人咨询窗口在{g.n(2, 8)}楼。"],
        lambda: ["保险证以后会邮寄给您。"],
        lambda: [f"一共是{g.fee() * 3}日元。"],
    ]


def _kp(span: tuple[str, str], after_consonant: str, after_vowel: str) -> list[Part]:
    """A span followed by the Korean particle form that fits its last sound."""
    return [span, kj(span[1], after_consonant, after_vowel)]


def _ko(g: Gen) -> list:
    f = g.filler("ko")
    return [
        lambda: ["안녕하세요, 저는 ", P(g.name("ko")), "입니다. 전입신고 하러 왔어요."],
        lambda: ["제 이름은 ", *_kp(P(g.name("ko")), "이고요", "고요"), ", ", f, ", 재류카드에는 영어로 돼 있어요."],
        lambda: ["새 주소는 ", *_kp(A(g.address("ko")), "이에요", "예요"), "."],
        lambda: [g.other_date("ko"), "에 ", A(g.address("ko", g.c(TOWNS[-3:]))), "에서 이사 왔습니다."],
        lambda: ["전화번호는 ", T(g.phone("ko")), "입니다."],
        lambda: ["휴대폰 번호가 ", *_kp(T(g.spell(g.phone_groups(), "ko")), "이에요", "예요"), "."],
        lambda: ["마이넘버는 ", M(g.my_number("ko")), "입니다."],
        lambda: ["개인번호요? ", f, ", ", *_kp(M(g.my_number("ko")), "이요", "요"), "."],
        lambda: ["재류카드 번호는 ", R(g.residence_card("ko")), "입니다."],
        lambda: ["재류카드 번호 ", R(g.residence_card("ko")), ", 만료일은 ", g.other_date("ko"), "이에요."],
        lambda: ["여권 번호는 ", PP(g.passport("ko")), "입니다."],
        lambda: ["여권이요, 번호가 ", *_kp(PP(g.passport("ko", g.c(("kr", "kr", "jp", "vn")))), "이에요", "예요"), "."],
        lambda: ["우편번호는 ", *_kp(Z(g.postal("ko")), "이에요", "예요"), "."],
        lambda: (lambda z, a: ["우편번호 ", Z(z), ", 주소는 ", A(a), "입니다."])(*g.postal_address("ko")),
        lambda: ["이메일은 ", *_kp(E(g.email("ko")), "이에요", "예요"), "."],
        lambda: ["결과는 메일로 ", *_kp(E(g.email("ko")), "으로", "로"), " 보내 주세요."],
        lambda: ["생년월일은 ", B(g.dob("ko")), "입니다."],
        lambda: ["저는 ", B(g.dob("ko")), "에 태어났어요."],
        lambda: ["딸 ", *_kp(P(g.given("ko", "f")), "이가", "가"), " ", B(g.dob("ko", 2025, 2026)), "에 태어나서 아동수당 신청하려고요."],
        lambda: ["남편 ", P(g.name("ko", sex="m")), " 대신 왔습니다. 위임장 여기 있어요."],
        lambda: ["세대주는 ", P(g.name("ko", sex="m")), ", 아내 ", P(g.name("ko", sex="f")), ", 아들 ", *_kp(P(g.given("ko", "m")), "이에요", "예요"), "."],
        lambda: ["혼인신고 하러 왔어요. 남편 될 사람은 ", P(g.name("ko", g.c(("jp", "jp", "cn", "other")), "m")), "이고 ", B(g.dob("ko", 1975, 2000)), "생이에요."],
        lambda: ["아버지 ", P(g.name("ko", sex="m")), " 씨가 ", g.other_date("ko"), "에 돌아가셨어요. ", B(g.dob("ko", 1930, 1955)), " 출생입니다."],
        lambda: ["전화는 ", T(g.phone("ko")), ", 메일은 ", E(g.email("ko")), "입니다."],
        lambda: ["국민건강보험 가입이요. ", P(g.name("ko")), ", 생년월일 ", B(g.dob("ko")), ", 마이넘버 ", M(g.my_number("ko")), "."],
        lambda: ["재류카드 ", R(g.residence_card("ko")), ", 여권 ", PP(g.passport("ko")), "입니다."],
        lambda: ["인감등록 조회서는 ", *_kp(A(g.address("ko")), "으로", "로"), " 보내 주세요."],
        lambda: ["주소가, ", f, ", ", *_kp(A(g.address("ko")), "이에요", "예요"), "."],
        lambda: [P(g.name("ko")), " 씨, ", P(g.name("ko")), " 씨 대신 오신 거죠?"],
        lambda: ["일본 이름은 ", P(g.jp_full("ja")), "이고, 한국 이름은 ", *_kp(P(g.kr_full("ko")), "이에요", "예요"), "."],
        lambda: ["와이프가 ", P(g.name("ko", g.c(("jp", "vn", "other")), "f")), "인데 오늘 못 와서 제가 대신 주민표 받으러 왔어요."],
    ]


def _ko_neg(g: Gen) -> list:
    return [
        lambda: [f"번호표 {g.n(1, 250)}번 손님, {g.window()}번 창구로 오세요."],
        lambda: [f"주민표 사본은 한 통에 {g.fee()}엔입니다."],
        lambda: [f"마이넘버카드 수령은 {g.n(2, 5)}층 {g.window()}번 창구예요."],
        lambda: ["이사한 날부터 14일 이내에 전입신고를 해야 합니다."],
        lambda: ["평일 오전 8시 30분부터 오후 5시 15분까지 합니다."],
        lambda: [f"{g.other_date('ko')} 일요일에도 창구를 엽니다."],
        lambda: ["여기는 신주쿠구청 본청사 1층 호적주민과입니다."],
        lambda: ["전화번호는 이 칸에 적어 주세요."],
        lambda: ["우편번호 칸은 비워 두셔도 돼요."],
        lambda: ["위임장이 없으면 대리인은 접수가 안 됩니다."],
        lambda: [f"인감증명서는 {g.fee()}엔이고 편의점에서도 뗄 수 있어요."],
        lambda: ["아동수당은 출생일 다음 날부터 15일 이내에 신청하세요."],
        lambda: ["재류카드랑 여권 둘 다 가져오셨어요?"],
        lambda: [f"지금 {g.n(2, 40)}명 대기 중이고 {g.n(10, 90)}분 정도 걸려요."],
        lambda: ["호적등본은 본적지 구청에서만 발급됩니다."],
        lambda: [f"{g.other_date('ko')}에 전출할 예정이에요."],
        lambda: ["생년월일은 일본 연호로 써도 되고 서기로 써도 돼요."],
        lambda: [f"{g.n(100, 999)}번, {g.n(100, 999)}번 손님 오래 기다리셨습니다."],
        lambda: ["이케부쿠로 출장소에서도 같은 수속이 가능합니다."],
        lambda: ["메일 주소가 없으시면 비워 두세요."],
        lambda: [f"외국인 상담 창구는 {g.n(2, 8)}층에 있어요."],
        lambda: ["보험증은 나중에 우편으로 보내 드립니다."],
        lambda: [f"수수료는 모두 {g.fee() * 3}엔입니다."],
    ]


def _vi(g: Gen) -> list:
    f = g.filler("vi")
    return [
        lambda: ["Chào chị, tôi tên là ", P(g.name("vi")), ", tôi đến để đăng ký chuyển đến."],
        lambda: ["Em tên là ", P(g.name("vi")), ", ", f, ", trên thẻ cư trú viết không dấu."],
        lambda: ["Địa chỉ mới của tôi là ", A(g.address("vi")), "."],
        lambda: ["Tôi chuyển từ ", A(g.address("vi", g.c(TOWNS[-3:]))), " đến vào ", g.other_date("vi"), "."],
        lambda: ["Số điện thoại của tôi là ", T(g.phone("vi")), "."],
        lambda: ["Số di động là ", T(g.spell(g.phone_groups(), "vi")), ", gọi ban ngày được ạ."],
        lambda: ["Mã số cá nhân My Number của tôi là ", M(g.my_number("vi")), "."],
        lambda: ["Số My Number, ", f, ", ", M(g.my_number("vi")), " ạ."],
        lambda: ["Số thẻ cư trú là ", R(g.residence_card("vi")), "."],
        lambda: ["Thẻ cư trú số ", R(g.residence_card("vi")), ", hết hạn ", g.other_date("vi"), "."],
        lambda: ["Số hộ chiếu là ", PP(g.passport("vi")), "."],
        lambda: ["Đây là hộ chiếu của em, số ", PP(g.passport("vi", g.c(("vn", "vn", "ph", "id", "np")))), "."],
        lambda: ["Mã bưu điện là ", Z(g.postal("vi")), "."],
        lambda: (lambda z, a: ["Mã bưu chính ", Z(z), ", địa chỉ là ", A(a), "."])(*g.postal_address("vi")),
        lambda: ["Email của tôi là ", E(g.email("vi")), "."],
        lambda: ["Chị gửi kết quả vào email ", E(g.email("vi")), " giúp em nhé."],
        lambda: ["Ngày sinh của tôi là ", B(g.dob("vi")), "."],
        lambda: ["Tôi sinh ngày ", B(g.dob("vi")), " ở ", g.c(("Hà Nội", "Hải Phòng", "Nghệ An", "Cần Thơ", "Huế")), "."],
        lambda: ["Con gái tôi là ", P(g.given("vi", "f")), ", sinh ngày ", B(g.dob("vi", 2025, 2026)), ", tôi muốn xin trợ cấp nhi đồng."],
        lambda: ["Tôi đến thay cho chồng tôi là ", P(g.name("vi", sex="m")), ", đây là giấy ủy quyền."],
        lambda: ["Chủ hộ là ", P(g.name("vi")), ", vợ là ", P(g.name("vi", sex="f")), ", con trai là ", P(g.given("vi", "m")), "."],
        lambda: ["Chúng tôi nộp đăng ký kết hôn, chồng sắp cưới của tôi là ", P(g.name("vi", g.c(("jp", "jp", "cn", "other")), "m")), ", sinh ", B(g.dob("vi", 1975, 2000)), "."],
        lambda: ["Bố tôi là ", P(g.name("vi", sex="m")), " mất vào ", g.other_date("vi"), ", ông sinh ngày ", B(g.dob("vi", 1930, 1955)), "."],
        lambda: ["Điện thoại ", T(g.phone("vi")), ", email ", E(g.email("vi")), ", liên lạc cách nào cũng được."],
        lambda: ["Đăng ký bảo hiểm y tế quốc dân: ", P(g.name("vi")), ", ngày sinh ", B(g.dob("vi")), ", My Number ", M(g.my_number("vi")), "."],
        lambda: ["Thẻ cư trú ", R(g.residence_card("vi")), ", hộ chiếu ", PP(g.passport("vi")), "."],
        lambda: ["Giấy đăng ký con dấu xin gửi về ", A(g.address("vi")), "."],
        lambda: ["Em ở, ", f, ", ", A(g.address("vi")), " ạ."],
        lambda: ["Anh ", P(g.name("vi", sex="m")), " ơi, mời anh đến quầy số ", str(g.window()), "."],
        lambda: ["Tên tiếng Nhật của em là ", P(g.jp_full("ja")), ", còn tên thật là ", P(g.vn_full("vi")), "."],
    ]


def _vi_neg(g: Gen) -> list:
    return [
        lambda: [f"Số thứ tự {g.n(1, 250)}, mời đến quầy số {g.window()}."],
        lambda: [f"Bản sao phiếu cư trú mỗi bản {g.fee()} yên."],
        lambda: [f"Nhận thẻ My Number ở tầng {g.n(2, 5)}, quầy số {g.window()}."],
        lambda: ["Phải nộp đăng ký chuyển đến trong vòng 14 ngày sau khi chuyển nhà."],
        lambda: ["Giờ làm việc là từ 8 giờ 30 đến 17 giờ 15 các ngày trong tuần."],
        lambda: [f"Chủ nhật {g.other_date('vi')} vẫn mở cửa."],
        lambda: ["Đây là ban hộ tịch và cư dân ở tầng 1 của Shinjuku Kuyakusho."],
        lambda: ["Anh ghi số điện thoại vào ô này nhé."],
        lambda: ["Ô mã bưu điện để trống cũng được."],
        lambda: ["Nếu không có giấy ủy quyền thì người đại diện không làm được."],
        lambda: [f"Giấy chứng nhận con dấu {g.fee()} yên, lấy ở cửa hàng tiện lợi cũng được."],
        lambda: ["Trợ cấp nhi đồng phải nộp trong vòng 15 ngày sau khi sinh."],
        lambda: ["Chị có mang cả thẻ cư trú và hộ chiếu không?"],
        lambda: [f"Hiện có {g.n(2, 40)} người đang chờ, khoảng {g.n(10, 90)} phút."],
        lambda: ["Bản sao hộ tịch chỉ cấp ở nơi đăng ký bản quán."],
        lambda: [f"Em định chuyển đi vào {g.other_date('vi')}."],
        lambda: ["Ngày sinh ghi theo niên hiệu Nhật hay dương lịch đều được."],
        lambda: [f"Số {g.n(100, 999)} và số {g.n(100, 999)}, xin lỗi đã để chờ lâu."],
        lambda: ["Văn phòng chi nhánh ở Ikebukuro cũng làm được thủ tục này."],
        lambda: ["Nếu không có email thì để trống."],
        lambda: [f"Quầy tư vấn cho người nước ngoài ở tầng {g.n(2, 8)}."],
        lambda: ["Thẻ bảo hiểm sẽ được gửi qua bưu điện sau."],
        lambda: [f"Tổng cộng là {g.fee() * 3} yên."],
    ]


TEMPLATES = {"ja": (_ja, _ja_neg), "en": (_en, _en_neg), "zh": (_zh, _zh_neg), "ko": (_ko, _ko_neg), "vi": (_vi, _vi_neg)}
REPEATS = 3


def build() -> list[Sample]:
    g = Gen(SEED)
    out: list[Sample] = []
    for lang in LANGS:
        pos_factory, neg_factory = TEMPLATES[lang]
        made: list[list[Part]] = []
        for _ in range(REPEATS):
            for tmpl in pos_factory(g):
                made.append(tmpl())
        for tmpl in neg_factory(g):
            made.append(tmpl())
        g.r.shuffle(made)
        for i, parts in enumerate(made, start=1):
            out.append(_assemble(f"freshdev2-{lang}-{i:04d}", lang, parts))
    return out


if __name__ == "__main__":
    for s in build():
        print(s.sample_id, s.text, [(k, v) for k, _, _, v in s.spans])
