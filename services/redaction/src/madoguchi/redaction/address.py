"""Japanese addresses: 都道府県 + 市区町村 + 町域 + 丁目/番地/号, and the 1-2-3 form."""

from __future__ import annotations

from presidio_analyzer import Pattern

from madoguchi.redaction.recognizer_base import ContextPatternRecognizer

_PREFECTURES = (
    "北海道|東京都|东京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|"
    "神奈川|新潟|富山|石川|福井|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|"
    "岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|長崎|熊本|大分|宮崎|鹿児島|沖縄)県"
)
_KANJI = r"\p{Han}"
_NUM = r"(?:\d+|[〇一二三四五六七八九十]+)"
# 市区町村 (a 郡 may precede a 町/村; a 政令市 may be followed by its 区).
_CITY = (
    rf"(?:[{_KANJI}ァ-ヶー]{{1,6}}?(?:市|区|郡)"
    rf"(?:[{_KANJI}ァ-ヶー]{{1,5}}?(?:区|町|村))?)"
)
# 町域 (大字/町名) and a building named before the block: kanji, katakana and Latin capitals
# (虎ノ門ヒルズ森タワー, 丸の内JPタワー), and a single kana between kanji (丸の内, 松が谷, 二つ室);
# other hiragana is left out so a particle (の, に) ends it.
_TOWN = (rf"(?:(?:[{_KANJI}ァ-ヶーA-Z]|(?<={_KANJI})[のがつヶケ](?={_KANJI})"
         # kana ending a town name before its block: 勝どき六丁目, 月島にし1-2
         rf"|(?<={_KANJI})[ぁ-ゖ]{{1,2}}(?=[{_KANJI}\d])){{0,18}}?)")
_BLOCK = (
    # 2丁目27-21 (27の21 read out, normalised), 四丁目12-2, 2丁目-3-4, 2丁目3番地4号
    rf"(?:{_NUM}丁目(?:{_NUM}番地?(?:{_NUM}号?)?|-?\d+(?:-\d+)?)?"
    rf"|{_NUM}番地(?:{_NUM}号?|-{_NUM})?"
    rf"|{_NUM}番{_NUM}号"
    rf"|\d+-\d+(?:-\d+)?)"
    # Not a counter window (3番窓口), a floor, a fee or a head count.
    r"(?!窓口|窓|番線|階|円|人|名|件|時|分)"
)
# After a prefecture a 町 or 村 may stand alone (三宅島三宅村), and hiragana may be part of the
# name (あきる野市, 日の出町); without a prefecture the city needs 市/区/郡 and no hiragana.
_CITY_IN_PREF = (
    rf"(?:[{_KANJI}ァ-ヶーぁ-ゖ]{{1,6}}?(?:市|区|郡|町|村)"
    rf"(?:[{_KANJI}ァ-ヶーぁ-ゖ]{{1,5}}?(?:区|町|村))?)"
)
# The building and room that follow the block (コーポ山田 203号室, シティ 304, パレスの1105).
_BUILDING = (
    rf"(?:[ ]?(?:[{_KANJI}ァ-ヶーA-Za-z]|(?<={_KANJI})[のがつヶケ](?={_KANJI})){{1,12}}"
    r"[ の-]?\d{1,4}(?:号室|号|室)?(?![\d-])"
    r"|[ ]?\d{1,4}号室)"
)
_ROMAJI_WARD = r"[A-Z][a-z]+-(?:ku|shi|cho|machi|gun|mura)\b"
# Romaji as a recogniser writes it: "Edogawa ku", "Minami Koiwa", "Nishi-Shinjuku".
_ROMAJI_WARD_SPOKEN = r"[A-Z][a-z]+[- ](?:ku|shi|cho|machi|gun|mura)\b"
_ROMAJI_PLACE = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
_ROMAJI_TAIL = rf"(?:,? {_ROMAJI_WARD_SPOKEN})?(?:,? Tokyo(?:-to)?)?"
# The building first, in the western order: "Green Haitsu 107, 1-12-14 Minami-Koiwa, ..."
_ROMAJI_BUILDING = r"(?:(?:[A-Z][a-z]+ ){1,3}\d{1,4},? )?"
# A ward and town in hangul: 에도가와구 미나미코이와 2초메 16-19, 다이토구 아사쿠사 3-17-20,
# 혼고 2초메 3반 10고, 교토쿠에키마에 3정목 7번 12호, 이케부쿠로 2초메 22번지 (the ward may be
# left out when the block says 초메/정목), and the building after it (메종 드 솔레유 305호)
_KO_PAUSE = r"(?:,?\s?(?:음|어|저기|그),?)?"
_KO_BLOCK = (rf"\d+(?:초메|정목){_KO_PAUSE}\s?\d+(?:-\d+){{0,2}}"
             r"(?:번지|번\s?\d+\s?(?:호|고)|반\s?\d+\s?(?:고|호))?")
_KO_BUILDING = r"(?:\s(?:\p{Hangul}+\s){0,3}\d{1,4}호실?)?"
_HANGUL_ADDRESS = (rf"(?:(?:도쿄도|\p{{Hangul}}{{2,4}}현)\s?)?(?:\p{{Hangul}}{{2,6}}(?:구|시)\s"
                   rf"\p{{Hangul}}{{2,9}}\s?(?:{_KO_BLOCK}|\d+-\d+(?:-\d+){{0,2}})"
                   rf"|\p{{Hangul}}{{2,9}}\s?{_KO_BLOCK}){_KO_BUILDING}")
# Romaji with "chome" (ni-chome, 5 chome 21-ban 13-go, 1 chome 22 ban 2 go, Kamata, Ota City):
# the word chome is an address whatever the case and order of the words around it.
_R_NUM = r"(?:\d+|ichi|ni|san|yon|go|roku|nana|hachi|kyu|ju)"
_R_WORD = r"[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)?"
_R_BLOCK = (rf"{_R_NUM}[ -]?chome,?(?:[ -]\d+(?:[ -]ban)?)?(?:[ -]\d+(?:[ -]go)?)?"
            r"(?:-\d+)?")
_R_PLACES = (r"(?:,? (?:[A-Z][a-z]+(?:[- ][A-Za-z][a-z]+)?|Tokyo|tỉnh \w+|quận \w+|"
             r"thành phố \w+)){0,4}")

ADDRESS_CONTEXT = ("住所", "住まい", "住んで", "address", "地址", "주소", "địa chỉ", "転入", "転居")


class JapaneseAddressRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(
            "ADDRESS_JP",
            [
                # With and without the block: a lazy town before an optional block would stop
                # the match at the city.
                Pattern("pref_city_block",
                        rf"(?:{_PREFECTURES}){_CITY_IN_PREF}{_TOWN}{_BLOCK}{_BUILDING}?", 0.8),
                Pattern("pref_city", rf"(?:{_PREFECTURES}){_CITY_IN_PREF}", 0.75),
                Pattern("city_block", rf"{_CITY}{_TOWN}{_BLOCK}{_BUILDING}?", 0.65),
                Pattern("romaji_block_ward",
                        rf"{_ROMAJI_BUILDING}\d+-\d+(?:-\d+)?,? (?:[A-Z][a-z]+(?:-[A-Za-z]+)*,? )?"
                        rf"{_ROMAJI_WARD}(?:,? [A-Z][a-z]+(?:-to|-fu|-ken)?)?", 0.7),
                Pattern("romaji_chome",
                        rf"{_ROMAJI_BUILDING}{_ROMAJI_PLACE} \d+-chome,? \d+(?:-\d+)?"
                        rf"{_ROMAJI_TAIL}", 0.7),
                Pattern("romaji_ward_town_block",
                        rf"{_ROMAJI_BUILDING}{_ROMAJI_WARD_SPOKEN},? {_ROMAJI_PLACE},? "
                        r"\d+(?:-\d+){1,2}", 0.7),
                Pattern("hangul_ward_town_block", _HANGUL_ADDRESS, 0.7),
                Pattern("romaji_chome_any", rf"(?:{_R_WORD},? ){{0,2}}{_R_BLOCK}{_R_PLACES}", 0.7),
            ],
            ADDRESS_CONTEXT, language, name="address_jp",
        )
