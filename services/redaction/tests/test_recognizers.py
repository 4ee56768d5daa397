"""Each recogniser: valid, invalid (checksum / shape) and near-miss cases, through the real
analyzer (Presidio + GiNZA / spaCy)."""

from __future__ import annotations

import pytest

from madoguchi.redaction.detector import Detector
from madoguchi.redaction.identifiers import cn_resident_id_valid, my_number_check_digit


def my_number(first11: str) -> str:
    return first11 + str(my_number_check_digit(first11))


VALID_MY_NUMBER = my_number("12345678901")
BAD_CHECK = VALID_MY_NUMBER[:11] + str((int(VALID_MY_NUMBER[11]) + 1) % 10)


def types(detector: Detector, text: str, language: str = "ja") -> set[str]:
    return {finding.entity_type for finding in detector.find(text, language)}


def masked(detector: Detector, text: str, value: str, language: str = "ja") -> bool:
    return value not in detector.redact(text, language).text


def test_my_number_check_digit_matches_the_ordinance() -> None:
    # Worked example: 12345678901 → Σ P_n·Q_n = 2·1+3·0+4·9+5·8+6·7+7·6+2·5+3·4+4·3+5·2+6·1 = 212;
    # 212 mod 11 = 3 → check digit 11 − 3 = 8.
    assert my_number_check_digit("12345678901") == 8
    assert my_number_check_digit("00000000000") == 0


@pytest.mark.parametrize("text", [
    f"マイナンバーは{VALID_MY_NUMBER}です",
    f"個人番号 {VALID_MY_NUMBER[:4]} {VALID_MY_NUMBER[4:8]} {VALID_MY_NUMBER[8:]} です",
    f"My Number: {VALID_MY_NUMBER[:4]}-{VALID_MY_NUMBER[4:8]}-{VALID_MY_NUMBER[8:]}",
])
def test_my_number_valid_with_context(detector: Detector, text: str) -> None:
    assert "MY_NUMBER" in types(detector, text, "en" if text.startswith("My") else "ja")


def test_my_number_spoken_in_kanji_is_masked_in_the_original(detector: Detector) -> None:
    kanji = "".join("〇一二三四五六七八九"[int(d)] for d in VALID_MY_NUMBER)
    result = detector.redact(f"マイナンバーは{kanji}です", "ja")
    assert result.text == "マイナンバーは<MY_NUMBER>です"


@pytest.mark.parametrize(("text", "language"), [
    (f"注文番号は{VALID_MY_NUMBER}です", "ja"),  # no context word: masked all the same
    (f"O meu número é {VALID_MY_NUMBER}, obrigado", "pt"),
    (f"Mi número es {VALID_MY_NUMBER[:4]} {VALID_MY_NUMBER[4:8]} {VALID_MY_NUMBER[8:]}", "es"),
    (f"मेरो नम्बर {VALID_MY_NUMBER} हो", "ne"),
    (f"Ang numero ko ay {VALID_MY_NUMBER}.", "tl"),
    (f"หมายเลขของฉันคือ{VALID_MY_NUMBER}ครับ", "th"),
])
def test_a_valid_my_number_is_masked_in_any_words_and_language(
    detector: Detector, text: str, language: str,
) -> None:
    result = detector.redact(text, language)
    assert "MY_NUMBER" in {f.entity_type for f in result.findings}
    assert VALID_MY_NUMBER[4:8] not in result.text


@pytest.mark.parametrize("text", [
    f"マイナンバーは{BAD_CHECK}です",           # invalid check digit
    f"マイナンバーは{VALID_MY_NUMBER}1です",     # 13 digits: near miss
    "マイナンバーは111111111111です",            # all the same digit
])
def test_my_number_rejected(detector: Detector, text: str) -> None:
    assert "MY_NUMBER" not in types(detector, text)


def test_residence_card(detector: Detector) -> None:
    assert "RESIDENCE_CARD" in types(detector, "在留カード番号はAB12345678CDです")
    # read out in groups: normalisation joins the digits, the letters stay apart
    assert "RESIDENCE_CARD" in types(detector, "在留カードはKM 4406 1829 TRです")
    assert masked(detector, "Số thẻ lưu trú là PT-3317-0462-WQ", "PT-3317-0462-WQ", "vi")
    assert "RESIDENCE_CARD" in types(detector, "カードはｘｙ１２３４５６７８ｚｗ")
    assert "RESIDENCE_CARD" not in types(detector, "番号はAB1234567CDです")   # 7 digits
    assert "RESIDENCE_CARD" not in types(detector, "型番はAB12345678C9です")  # near miss


def test_passport(detector: Detector) -> None:
    assert "PASSPORT" in types(detector, "パスポート番号はTK1234567です")
    assert "PASSPORT" in types(detector, "我的护照号码是E12345678", "zh")
    assert "PASSPORT" not in types(detector, "注文番号はE12345678です")  # no context
    # Beside the word passport, any code of 7-10 letters and digits mixed is masked (other
    # countries' shapes); a 6-character code, or such a code without the word, is not.
    assert "PASSPORT" in types(detector, "パスポート番号はTK123456です")
    assert "PASSPORT" not in types(detector, "パスポート番号はTK1234です")
    for text, language in [("パスポートはQ7RT2M48Lです", "ja"),
                           ("여권번호는 K 204M7731입니다", "ko"),
                           ("The passport number is 55RX08321, a new one", "en")]:
        assert "PASSPORT" in types(detector, text, language), text
    assert "PASSPORT" not in types(detector, "予約番号はQ7RT2M48Lです")


@pytest.mark.parametrize("number", [
    "090-1234-5678", "03-1234-5678", "0120-123-456", "0800-123-4567", "050-1234-5678",
    "+81 90-1234-5678", "0312345678", "045(123)4567",
])
def test_phone_jp_valid(detector: Detector, number: str) -> None:
    assert "PHONE_JP" in types(detector, f"電話番号は{number}です")


@pytest.mark.parametrize("number", ["090-1234-567", "0120-1234-5678", "03-1234-56789"])
def test_phone_jp_wrong_length(detector: Detector, number: str) -> None:
    assert "PHONE_JP" not in types(detector, f"電話番号は{number}です")


def test_foreign_phones(detector: Detector) -> None:
    assert "PHONE_NUMBER" in types(detector, "我的电话是13812345678", "zh")
    assert "PHONE_NUMBER" in types(detector, "제 전화번호는 010-1234-5678입니다", "ko")
    assert "PHONE_NUMBER" in types(detector, "Call me at +1 415 555 0132", "en")


@pytest.mark.parametrize(("text", "value", "language"), [
    ("My phone is oh nine zero, three one four four, two two six eight", "two two six eight",
     "en"),
    ("Call me on zero eight zero dash five five one two dash nine nine three oh", "nine nine",
     "en"),
    ("Số điện thoại là không chín không, hai bốn tám một, sáu sáu ba bảy", "sáu sáu ba bảy",
     "vi"),
    ("电话是零八零，幺二四四，七三零九", "七三零九", "zh"),
    ("전화번호는 공팔공에 칠칠이일에 삼오사공입니다", "삼오사공", "ko"),
    ("휴대폰은 공구공-일일팔삼 음 육이오공이에요", "육이오공", "ko"),
    ("电话0425 那个 61 7788", "7788", "zh"),
])
def test_phone_numbers_read_out_in_words(detector: Detector, text: str, value: str,
                                         language: str) -> None:
    found = detector.find(text, language)
    start = text.index(value)
    assert any(f.start <= start and start + len(value) <= f.end for f in found), (text, found)


@pytest.mark.parametrize(("text", "language"), [
    ("my My Number is four one two seven, three three zero eight, one five five nine", "en"),
    ("Mã số cá nhân là bốn một hai bảy ba ba không tám một năm năm chín", "vi"),
    ("마이넘버는 사일이칠에 삼삼공팔에 일오오구입니다", "ko"),
    ("个人编号四一二七，三三零八，一五五九", "zh"),
])
def test_a_my_number_read_out_in_words_is_masked(detector: Detector, text: str,
                                                 language: str) -> None:
    number = my_number("41273308155")
    spoken = detector.redact(text.replace("1559", number[8:]), language)
    assert not any(char.isdigit() for char in spoken.text), spoken.text
    assert "MY_NUMBER" in spoken.counts() or "NUMBER" in spoken.counts(), spoken


@pytest.mark.parametrize(("text", "value", "language"), [
    ("My email is mika underscore sato7 at outlook dot com", "mika underscore sato7", "en"),
    ("My email is ken dot ito at gmail dot com", "ken dot ito", "en"),
    ("邮箱是wang_fang at 126 点 com", "wang_fang", "zh"),
    ("메일은 jisoo99 골뱅이 daum 점 net입니다", "jisoo99", "ko"),
    ("Email của em là minh.tu a còng yahoo chấm com", "minh.tu", "vi"),
    ("메일은 lee 언더바 hana 앳 naver 닷컴입니다", "lee 언더바 hana", "ko"),
    ("我的邮箱是chen下划线yu艾特qq点com", "chen下划线yu", "zh"),
])
def test_an_email_read_out_is_masked(detector: Detector, text: str, value: str,
                                     language: str) -> None:
    assert masked(detector, text, value, language), detector.redact(text, language).text


def test_postal_code(detector: Detector) -> None:
    assert "POSTAL_CODE" in types(detector, "〒160-0023 です")
    assert "POSTAL_CODE" in types(detector, "郵便番号は1600023です")
    assert "POSTAL_CODE" not in types(detector, "番号は160-0023です")  # no 〒 and no context


def test_address_forms(detector: Detector) -> None:
    for text, value in [
        ("住所は東京都新宿区西新宿二丁目8番1号です", "西新宿二丁目8番1号"),
        ("横浜市中区山下町1-2-3に住んでいます", "山下町1-2-3"),
        ("大阪府大阪市北区梅田3丁目1番地です", "梅田3丁目1番地"),
        ("2-8-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo", "2-8-1 Nishi-Shinjuku"),
    ]:
        assert masked(detector, text, value, "en" if text[0].isdigit() else "ja"), text


@pytest.mark.parametrize(("text", "value", "language"), [
    ("住所は豊島区南池袋3丁目14の6 サンライズ南池袋502です", "14の6 サンライズ南池袋502", "ja"),
    ("新しい住所は文京区本郷五丁目21-3です", "本郷五丁目21-3", "ja"),
    ("The address is Higashi-Nakano 2-chome 8-11, Nakano-ku", "Higashi-Nakano 2-chome 8-11",
     "en"),
    ("I live at Nerima ku Shakujii Machi 4 12 7", "Shakujii Machi 4 12 7", "en"),
    ("we live at Maple Court 305, 3-9-4 Kamiochiai, Shinjuku-ku, Tokyo", "Maple Court 305",
     "en"),
    ("Địa chỉ là Katsushika ku Tateishi 6 2 15", "Tateishi 6 2 15", "vi"),
    ("주소는 도쿄도 나카노구 노가타 5초메 3-8이에요", "노가타 5초메 3-8", "ko"),
    ("주소는 가쓰시카구 다테이시 6-2-15입니다", "다테이시 6-2-15", "ko"),
    ("주소가, 음, 나카노구 노가타 3초메 14번지예요", "노가타 3초메 14번지", "ko"),
    ("조회서는 도쿄도 메구로구 유텐지 1초메 8반 4고로 보내 주세요", "유텐지 1초메 8반 4고", "ko"),
    ("하치오지 2정목 11번 3호에서 이사 왔습니다", "하치오지 2정목 11번 3호", "ko"),
    ("새 주소는 고토구 도요스 2-4-9 선라이즈 도요스 1203호예요", "선라이즈 도요스 1203호",
     "ko"),
    ("I live at, er, 2 chome 14 ban 6 go, Ogikubo, Suginami City, Tokyo.", "Ogikubo", "en"),
    ("the address is kichijoji honcho 3 chome 8 12", "kichijoji honcho 3 chome 8 12", "en"),
    ("Địa chỉ là 4 chome 7 ban 1 go, Kameido, Koto-ku", "4 chome 7 ban 1 go, Kameido", "vi"),
    ("请寄到新宿区高田马场2-14-3 樱花公寓 502室", "樱花公寓 502室", "zh"),
])
def test_addresses_as_visitors_say_them(detector: Detector, text: str, value: str,
                                        language: str) -> None:
    assert masked(detector, text, value, language), detector.redact(text, language).text


def test_an_address_keeps_its_type_when_a_name_is_read_inside_it(detector: Detector) -> None:
    """The NER reads 戸島 or 横浜市旭区 as a person; inside an address it stays the address, and
    a building before the block (タワー, Latin letters) and kana in the town are part of it."""
    for text in ["住所は神奈川県横浜市旭区戸島3丁目4番5号 メゾン戸島201号室です",
                 "東京都港区虎ノ門虎ノ門ヒルズ森タワー1の2の3に住んでいます",
                 "東京都中央区勝どき六丁目3番地2に引っ越しました"]:
        found = detector.find(text, "ja")
        assert [f.entity_type for f in found] == ["ADDRESS_JP"], (text, found)
        assert text[found[0].start:found[0].end].endswith(("号室", "1の2の3", "3番地2")), text


@pytest.mark.parametrize(("text", "language", "name"), [
    ("박민수입니다 전입 신고하러 왔어요", "ko", "박민수"),
    ("刘洋在东京工作", "zh", "刘洋"),
    ("欧阳娜是我的妻子", "zh", "欧阳娜"),
    ("妻の さとう はなこ と来ました", "ja", "さとう はなこ"),
    ("届出人は 王静 です", "ja", "王静"),
    ("私は ヤマダ ハナコ です", "ja", "ヤマダ ハナコ"),
    ("えっと たなか けんじ って書きます", "ja", "たなか けんじ"),
    ("这是赵磊的在留卡", "zh", "赵磊"),
    ("신청인은 정다은 입니다", "ko", "정다은"),
    ("the card is for Maria Santos not me", "en", "Maria Santos"),
    ("Robert Brown Jr. is my father", "en", "Robert Brown Jr."),
    ("わたし ソ・ミン です", "ja", "ソ・ミン"),
    ("わたし ルイス・ペレス です", "ja", "ルイス・ペレス"),
    ("タナカ ユウトです、よろしくお願いします", "ja", "タナカ ユウト"),
    ("夫がサトウケンタ、妻がモリアヤです", "ja", "サトウケンタ"),
    ("娘の名前は林で、まだ二歳です", "ja", "林"),
    ("名字是清水 健太，来办转入", "zh", "清水 健太"),
    ("名字是佐々木由美子，住址在新宿", "zh", "佐々木由美子"),
    ("孩子叫周子涵，今年三岁", "zh", "周子涵"),
    ("我替梁晓雯来办的", "zh", "梁晓雯"),
    ("저는 이서준이고 아내는 中村美咲예요", "ko", "中村美咲"),
    ("我父亲陈国强，上个月去世了", "zh", "陈国强"),
    ("请问这份住民票可以由郭美玲代领吗", "zh", "郭美玲"),
    ("我的日文名字是ヤマダユキ，谢谢", "zh", "ヤマダユキ"),
    ("아버지 노 민호가 지난달에 돌아가셨어요", "ko", "노 민호"),
    ("남편 카를로스 멘도사 대신 왔습니다", "ko", "카를로스 멘도사"),
    ("제 이름은 응우옌 티 투고요, 재류카드에 있어요", "ko", "응우옌 티 투"),
    ("가와무라 유스케 씨, 3번 창구로 오세요", "ko", "가와무라 유스케"),
    ("Chồng tôi là Pedro Alvarez, anh ấy đang đi làm", "vi", "Pedro Alvarez"),
    ("世帯主は田村 誠、妻アイコ、長女花の三人世帯です", "ja", "アイコ"),
    ("マリア・ロドリゲスです。住民票をください", "ja", "マリア・ロドリゲス"),
    ("ローマ字でMARIA LOPEZです", "ja", "MARIA LOPEZ"),
    ("Family name Ishikawa, given name Haruto.", "en", "Haruto"),
])
def test_names_without_an_introduction(detector: Detector, text: str, language: str,
                                       name: str) -> None:
    assert masked(detector, text, name, language), text


@pytest.mark.parametrize(("text", "language"), [
    ("주민표입니다", "ko"), ("신청서입니다", "ko"), ("请到二号窗口", "zh"),
    ("妻の仕事は会社員です", "ja"),  # no space after 妻の: not read as a name
    ("I need a copy of my My Number Card", "en"), ("please go to the Ward Office", "en"),
    ("Please bring your MY NUMBER CARD", "en"),
    ("暗証番号は言わなくて大丈夫です、カードだけ確認させてください", "ja"),
])
def test_counter_words_are_not_names(detector: Detector, text: str, language: str) -> None:
    assert "PERSON" not in types(detector, text, language), text


@pytest.mark.parametrize("text", [
    "3番窓口へお越しください", "手数料300円です", "横浜市役所の3番窓口です", "区役所の2階です",
])
def test_counter_talk_is_not_an_address(detector: Detector, text: str) -> None:
    assert detector.find(text, "ja") == ()


@pytest.mark.parametrize(("text", "language"), [
    ("生年月日は昭和60年3月5日です", "ja"),
    ("生年月日は平成元年一月八日です", "ja"),
    ("平成3年生まれです", "ja"),
    ("生年月日は1985年3月5日です", "ja"),
    ("I was born on March 5, 1985", "en"),
    ("出生日期是1990年7月21日", "zh"),
    ("생년월일은 1990년 7월 21일입니다", "ko"),
    ("Tôi sinh ngày 21/07/1990", "vi"),
    ("em sinh ngày 9 tháng 4 năm 1988 ạ", "vi"),
    ("Ngày sinh của tôi là 9 tháng 04 1988", "vi"),
    ("たんじょうびは 1988年4月9日 です", "ja"),
    ("생년월일은 이천삼년 사월 이십일입니다", "ko"),
    ("남편은 쇼와 58년 3월 2일생이에요", "ko"),
    ("할머니는 42년 8월 15일 출생입니다", "ko"),
    ("저는 1990년, 음, 2월 4일에 태어났어요", "ko"),
    ("我儿子是2024年5月，嗯，3号出生的", "zh"),
    ("他是89年12月1号生的", "zh"),
])
def test_date_of_birth(detector: Detector, text: str, language: str) -> None:
    assert "DATE_OF_BIRTH" in types(detector, text, language)


def test_a_date_that_is_not_a_birth_date_is_kept(detector: Detector) -> None:
    assert "DATE_OF_BIRTH" not in types(detector, "令和6年4月1日から受付します")


@pytest.mark.parametrize(("text", "value", "language"), [
    ("山田太郎と申します", "山田太郎", "ja"),
    ("名前はグエン・ヴァン・アンです", "グエン・ヴァン・アン", "ja"),
    ("佐藤さんはいらっしゃいますか", "佐藤", "ja"),
    ("My name is John Smith", "John Smith", "en"),
    ("我叫王小明。", "王小明", "zh"),
    ("제 이름은 김민수입니다", "김민수", "ko"),
    ("Tên tôi là Nguyễn Văn An", "Nguyễn Văn An", "vi"),
])
def test_person(detector: Detector, text: str, value: str, language: str) -> None:
    assert masked(detector, text, value, language)


def test_role_nouns_are_not_names(detector: Detector) -> None:
    assert "PERSON" not in types(detector, "担当者さんに聞いてください")


def test_email_and_bank_account(detector: Detector) -> None:
    assert "EMAIL" in types(detector, "メールはtaro.yamada@example.co.jpです")
    assert "EMAIL" not in types(detector, "メールはtaro.yamada@localです")
    assert "BANK_ACCOUNT" in types(detector, "口座番号は普通1234567です")
    assert "BANK_ACCOUNT" not in types(detector, "整理券は1234567です")


def test_national_ids(detector: Detector) -> None:
    assert cn_resident_id_valid("11010519491231002X")
    assert not cn_resident_id_valid("110105194912310021")
    assert "NATIONAL_ID" in types(detector, "身份证号码11010519491231002X", "zh")
    assert "NATIONAL_ID" in types(detector, "주민등록번호 900101-1234567", "ko")


def test_redaction_replaces_with_typed_placeholders(detector: Detector) -> None:
    result = detector.redact("山田太郎と申します。電話は090-1234-5678です", "ja")
    assert result.text == "<PERSON>と申します。電話は<PHONE_JP>です"
    assert result.counts() == {"PERSON": 1, "PHONE_JP": 1}


@pytest.mark.parametrize(("text", "language"), [
    ("注文番号123456789012を確認しました", "ja"),
    ("reference 1234 5678 90 please", "en"),
    ("コードは イチニーサン ヨンゴーロク ナナハチキュー です", "ja"),
])
def test_a_long_number_no_recognizer_claims_is_masked_anyway(
    detector: Detector, text: str, language: str,
) -> None:
    redacted = detector.redact(text, language).text
    assert "<NUMBER>" in redacted
    assert not any(c.isdigit() for c in redacted.replace("<NUMBER>", ""))


def test_short_numbers_are_left_alone(detector: Detector) -> None:
    for text in ("手数料は1,000円です", "3番窓口へどうぞ", "整理券は128番です"):
        assert detector.redact(text, "ja").text == text
