"""Names. Two sources, both Presidio recognisers:

- the NLP pipeline's named entities (GiNZA `Person` for Japanese, spaCy `PERSON` for English);
- patterns for the ways people state names at a counter (名前は…です, …と申します, 田中さん,
  我叫…, 제 이름은 …입니다, tên tôi là …), which also cover languages with no NER model here
  (zh, ko, vi) and names the model misses in short spoken sentences.
"""

from __future__ import annotations

import regex as re  # type: ignore[import-untyped]  # no stubs; used for \p{Han} and lookbehinds
from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from madoguchi.redaction.recognizer_base import ContextPatternRecognizer

_KANJI_NAME = r"\p{Han}{1,4}(?:[ 　]?\p{Han}{1,4})?"
# one syllable may stand alone before a middle dot (リ・メイ)
_KATAKANA_NAME = r"[ァ-ヶ](?:[ァ-ヶー]{1,9}|(?=・))(?:[・= ][ァ-ヶ][ァ-ヶー]{1,11}){0,2}"
_LATIN_NAME = r"[A-Z][a-zà-ỹ'-]+(?: [A-Z][a-zà-ỹ'-]+){0,3}"
_HONORIFIC = r"(?:さん|様|さま|くん|君|ちゃん|殿|氏)"
# Role nouns that take さん/様 but are not names.
_NOT_NAMES = frozenset({
    "担当者", "運転手", "職員", "店員", "係員", "先生", "お客", "皆", "患者", "利用者", "申請者",
    "本人", "代理人", "保護者", "家族", "区長", "市長", "窓口", "受付", "奥", "旦那", "お医者",
    "大家", "管理人", "通訳", "相手", "向こう",
    # three-syllable Korean counter words that open with a family-name syllable (ko_copula)
    "주민표", "신청서", "증명서", "외국인", "한국인", "일본인", "중국인", "회사원", "유학생",
    "배우자", "수수료", "신분증", "등록증", "안내서", "세대주", "대리인", "본인이",
    # capitalised counter terms in English (en_capitalised)
    "My Number", "My Number Card", "Residence Card", "Zairyu Card", "City Hall", "Ward Office",
    "National Health Insurance", "Health Insurance", "Post Office", "Japan Post", "Golden Week",
    "Resident Record", "Certificate Of Residence",
})

# GiNZA sometimes stops a katakana full name at a middle dot (グエン・ヴァン|・アン).
_KATAKANA_TAIL = re.compile(r"(?:[・=＝][ァ-ヶ][ァ-ヶー]*)+")

# Family names that start most Chinese and Korean names (the commonest, from public surname
# statistics): a name at the start of a sentence has no "my name is" before it.
_ZH_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|慕容|令狐|"
    "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常翟符温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翁柴祝季费"
    "纪舒屈项甘耿焦殷单华萧宁宫柳包路麦左关桂欧柯俞卫赖洪谷梅盛蓝凌霍]")
_KO_SURNAMES = (
    "[김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지"
    "엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사"
    "부가복태목형피두감음빈동온호범좌팽승간상갈단견당]")
# After a family member or the person filing (娘の …, 届出人は …) a name follows a space.
_JA_KIN_WORD = (r"(?:娘|息子|夫|妻|主人|家内|母|父|子供|子ども|兄|弟|姉|妹|祖母|祖父|孫|届出人|"
                r"世帯主|申請者|代理人|婚約者|配偶者)")
_JA_KIN = rf"{_JA_KIN_WORD}(?:の|は|が)\s"
_HIRAGANA_NAME = r"[ぁ-ゖ]{2,5}[ 　][ぁ-ゖ]{2,5}"
# A family and a given name in kana, read with a space (イトウ タイチ, こばやし たろう).
# A word ends where its script does: a katakana name may be followed by です, a hiragana one
# cannot (こばやし たろうです has no visible end).
_KANA_WORD = r"(?:[ぁ-ゖ]{2,5}(?![ぁ-ゖ])|[ァ-ヶ][ァ-ヶー]{1,6}(?![ァ-ヶー]))"
_KANA_PAIR = rf"(?<![ぁ-ゖァ-ヶー]){_KANA_WORD}[ 　]{_KANA_WORD}"
# Words that introduce the person a form is for (申請者 …, 私は …).
_JA_ROLE = (r"(?:私は|わたしは|僕は|ぼくは|申請者|申請人|届出人|世帯主|氏名|名前|代理人|"
            r"(?:わたし|私)(?=\s))")  # わたし アナ・ゴンザレス です: the は dropped in speech
_ZH_ROLE = (r"(?:这是|那是|我是|我丈夫|我妻子|我太太|我先生|我老公|我老婆|我儿子|我女儿|我爸爸|"
            r"我妈妈|我父亲|我母亲|申请人是|申请人|本人是)")

# A family member named right after the word for them, in visitors' languages (我父亲蒋雪梅,
# 아버지 정하은가, 딸 미경가, chồng tôi là ...): the name may be in any script.
_ANY_NAME = (r"(?:[\p{Han}ァ-ヶー]{1,4}(?:[ 　・][\p{Han}ぁ-ゖァ-ヶー]{1,6}){0,2}"
             r"|[A-Za-zÀ-ỹ][A-Za-zÀ-ỹ'-]+(?: [A-Za-zÀ-ỹ][A-Za-zÀ-ỹ'-]+){0,3})")
_ZH_KIN = (r"(?:父亲|母亲|老公|老婆|丈夫|妻子|儿子|女儿|未婚夫|未婚妻|爸爸|妈妈|户主是|户主|"
           r"孩子|太太)")
_KO_KIN = r"(?:남편|아내|아들|딸|아버지|어머니|부인|세대주는|세대주|사람은)"
_VI_KIN = (r"(?:chồng|vợ|con trai|con gái|bố|mẹ|cha|chủ hộ|Chủ hộ)"
           r"(?: (?:tôi|của tôi|sắp cưới của tôi|em))? là")

# A household or a proxy letter lists people after what they are (妻ユイ、長男直樹、委任者…).
_JA_LISTED = (r"(?:妻|夫|長男|長女|次男|次女|三男|三女|息子|娘|委任者|代理人|世帯主は|世帯主|"
              r"子どもは|子供は)")
# Words that are written in capitals but are not names (MY NUMBER CARD, TOKYO CITY)
_CAPS_NOT_NAMES = frozenset({"MY", "NUMBER", "CARD", "ID", "THE", "OF", "AND", "TOKYO", "JAPAN",
                             "CITY", "WARD", "OFFICE", "NHK", "JR", "ATM", "OK", "PDF", "QR"})

PERSON_CONTEXT = ("名前", "氏名", "お名前", "name", "名字", "姓名", "이름", "성함", "tên", "họ tên")


class SpokenNameRecognizer(ContextPatternRecognizer):
    def __init__(self, language: str) -> None:
        patterns = [
            Pattern("ja_intro", rf"(?<=(?:名前は|氏名は|名前が|名義は)\s?)"
                                rf"(?:{_KANJI_NAME}|{_KATAKANA_NAME}|{_LATIN_NAME})"
                                r"(?=\s?(?:です|でございます|と申します|といいます|と言います|になります|で|"
                                r"。|、|$))", 0.75),
            Pattern("ja_moushimasu", rf"(?<![\p{{Han}}ァ-ヶー])(?:{_KANJI_NAME}|{_KATAKANA_NAME})"
                                     r"(?=\s?(?:と申します|といいます|と言います))", 0.75),
            Pattern("ja_kin", rf"(?<={_JA_KIN})(?:{_HIRAGANA_NAME}|{_KANJI_NAME}|"
                              rf"{_KATAKANA_NAME}|{_LATIN_NAME})(?=\s|と|も|が|は|です|$)", 0.6),
            # katakana needs no space after the particle to show where it starts (夫がイトウマイ、)
            Pattern("ja_kin_katakana", rf"(?<={_JA_KIN_WORD}(?:の|は|が)){_KATAKANA_NAME}"
                                       r"(?=\s|、|。|と|も|が|は|です|$)", 0.6),
            Pattern("ja_kana_pair_said", rf"{_KANA_PAIR}(?=\s?(?:です|でございます|って|と申し|"
                                         r"といいます|と言います|の(?:妻|夫|娘|息子|代理|母|父)|"
                                         r"様|さん|くん|ちゃん))", 0.55),
            Pattern("ja_role", rf"(?<={_JA_ROLE}\s?)(?:{_KANA_PAIR}|{_KATAKANA_NAME}|"
                               rf"{_KANJI_NAME}|{_LATIN_NAME})(?=\s|です|と|の|$)", 0.6),
            Pattern("ja_filler_kana_pair", rf"(?<=(?:えっと|えーと|あの|あのー)\s){_KANA_PAIR}"
                                           r"(?=\s)", 0.5),
            Pattern("ja_listed", rf"(?<=(?<!丈){_JA_LISTED})(?:{_KATAKANA_NAME}|{_HIRAGANA_NAME}|"
                                 r"(?!です|ます|でし)[ぁ-ゖ]{2,4}(?=、)|"
                                 r"\p{Han}{1,4}(?:[ 　]\p{Han}{1,3})?)"
                                 r"(?=、|。|の(?:三|四|五|二)人|と|\s|$)", 0.5),
            # a katakana name with a middle dot is a foreign full name (ウー・ハオランです)
            Pattern("ja_katakana_dotted", r"(?<![ァ-ヶー])[ァ-ヶ][ァ-ヶー]*(?:・[ァ-ヶ][ァ-ヶー]*)+"
                                          r"(?![ァ-ヶー])", 0.45),
            Pattern("ja_honorific", rf"(?<![\p{{Han}}ァ-ヶー])(?:\p{{Han}}{{2,4}}|{_KATAKANA_NAME})"
                                    rf"(?=\s?{_HONORIFIC})", 0.55),
            # Capitalised words in a script that has no case (Nguyen Van An, Ông Châu Lê), and
            # the passport order with the family name in capitals (YOSHIDA Hideki).
            Pattern("latin_in_cjk", r"(?<!\p{Latin})\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){1,3}"
                                    r"(?!\p{Latin})",
                    0.3 if language in {"en", "vi"} else 0.5),
            Pattern("latin_caps_family", r"(?<!\p{Latin})\p{Lu}{2,}(?: \p{Lu}\p{Ll}+){1,2}"
                                         r"(?!\p{Latin})",
                    0.6),
            # a name in capitals as on a passport (ALEX CUNNINGHAM, PARK JIHOON), in any language
            Pattern("latin_all_caps", r"(?<![A-Za-z])[A-Z]{2,}(?: [A-Z]{2,}){1,3}(?![A-Za-z])",
                    0.5),
            Pattern("en_name_parts", rf"(?<=(?i:given name|family name|first name|last name|"
                                     rf"surname|middle name)(?: is)?,? ){_LATIN_NAME}", 0.7),
            Pattern("en_intro", rf"(?<=(?i:my name is|name is|i'm called|call me|this is|"
                                rf"my name's)\s){_LATIN_NAME}", 0.75),
            # Two capitalised words inside an English sentence: speech recognisers capitalise
            # names (and places, whose masking costs little)
            Pattern("en_capitalised", r"(?<=\b\p{Ll}+,? )\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){1,2}"
                                      r"(?!\p{Latin})", 0.45 if language == "en" else 0.0),
            Pattern("en_name_suffix", rf"{_LATIN_NAME} (?:Jr|Sr|II|III|IV|MD|DDS|DVM|PhD)\b\.?",
                    0.6),
            Pattern("en_title", rf"(?<=(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?\s){_LATIN_NAME}", 0.7),
            # the title and a degree or generation with it: "Mrs. Kristen Smith DDS"
            Pattern("en_title_whole", rf"(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.? {_LATIN_NAME}"
                                      r"(?: (?:Jr|Sr|II|III|IV|MD|DDS|DVM|PhD)\b\.?)?", 0.7),
            # a Japanese name may be read with a space (清水 健太) or run to six (佐々木由美子)
            Pattern("zh_intro", r"(?<=(?:我叫|我的名字是|名字是|名字叫|姓名是|叫做|我姓)\s?)"
                                r"(?:[\p{Han}ァ-ヶー]{1,4}[ 　・][\p{Han}ぁ-ゖァ-ヶー・]{1,8}|"
                                r"[\p{Han}ァ-ヶー・]{2,10})"
                                r"(?=\s|[，。,.！!、]|$|先生|女士|小姐)", 0.75),
            # 可以由尹智雅代领: the person who collects for someone else
            Pattern("zh_proxy", rf"(?<=由\s?){_ANY_NAME}(?=\s?代)", 0.6),
            # 孩子叫李淑珍: a plain 叫 needs the family name to show a name follows
            Pattern("zh_called", rf"(?<=叫\s?)(?:{_ZH_SURNAMES})\p{{Han}}{{1,2}}"
                                 r"(?=[，,。\s]|$|出生|来|的)", 0.6),
            # 我替朱桂珍来办的: the person someone comes for
            Pattern("zh_on_behalf", r"(?<=(?:替|代替|帮)\s?)(?![我你他她])\p{Han}{2,3}"
                                    r"(?=来办|来申请|来领|办理|申请)", 0.6),
            Pattern("zh_title", r"(?<![\p{Han}])\p{Han}{2,3}(?=先生|女士|小姐)", 0.5),
            # a name opening the sentence, before what people say of themselves
            Pattern("zh_role", rf"(?<={_ZH_ROLE}\s?)(?:{_ZH_SURNAMES})\p{{Han}}{{1,2}}"
                               r"(?=的|也|是|要|在|和|，|,|。|\s|$)", 0.55),
            Pattern("zh_leading", rf"(?<![\p{{Han}}])(?:{_ZH_SURNAMES})\p{{Han}}{{1,2}}"
                                  r"(?=住在|是|在|要|想|的|和|跟|今年|出生|\s|[，,。])", 0.55),
            Pattern("zh_kin", rf"(?<={_ZH_KIN}\s?)(?![是的也在要和很不想已还就都叫])"
                              rf"{_ANY_NAME}(?=[，,。\s]|是|的|在|\d|来|去世|收|$)", 0.55),
            Pattern("ko_kin", rf"(?<={_KO_KIN}\s)"
                              rf"(?:\p{{Hangul}}{{1,5}}(?: \p{{Hangul}}{{1,4}}){{0,2}}|"
                              rf"{_ANY_NAME})(?=\s?(?:대신|씨|님)|,|\.|가\s|이\s|는\s|예요|이에요|이고|$)",
                    0.55),
            Pattern("ko_intro", r"(?<=(?:이름은|저는|성함은|제 이름은|신청인은|신청자는|세대주는|"
                                r"남편은|아내는|대리인은)\s?)"
                                r"(?:\p{Hangul}{1,6}(?: \p{Hangul}{1,5}){0,3}|"
                                r"[\p{Han}ぁ-ゖァ-ヶー]{1,6}(?:[ 　][\p{Han}ぁ-ゖァ-ヶー]{1,6})?|"
                                r"[A-Za-z][A-Za-z'-]+(?: [A-Za-z][A-Za-z'-]+){0,3})"
                                r"(?=\s?(?:입니다|이에요|예요|이고|라고|이라고|씨|이며|고요|"
                                r"인데))", 0.75),
            # a foreign name in hangul is often several words (팜 투 짱 씨, 이토 다이스케 씨)
            Pattern("ko_title", r"(?<![\p{Hangul}])(?:\p{Hangul}{1,5} ){0,2}\p{Hangul}{1,5}"
                                r"(?=\s?(?:씨|님))", 0.45),
            # a three-syllable name (family name first) before the copula: 김하윤입니다
            Pattern("ko_copula", rf"(?<![\p{{Hangul}}]){_KO_SURNAMES}\p{{Hangul}}{{2}}"
                                 r"(?=\s?입니다|이에요|예요|이고|이며|이라고|라고)", 0.5),
            Pattern("vi_kin", rf"(?<={_VI_KIN}\s){_ANY_NAME}(?=,|\.|\s?$| mất| sinh| đây)", 0.6),
            Pattern("vi_intro", rf"(?<=(?i:tên tôi là|tôi tên là|tôi là|tên là|họ tên là|tên)\s)"
                                rf"{_LATIN_NAME}", 0.75),
        ]
        if language == "vi":
            # Vietnamese capitalises names only: two or more capitalised words are a name,
            # with the form of address before it (Ông, Chị, Quý cô ...).
            patterns.append(Pattern(
                "vi_name", r"(?<!\p{Latin})(?:(?:Quý (?:ông|bà|cô)|Ông|ông|Bà|bà|Cô|cô|Anh|anh|Chị|"
                           r"chị|Em|em) )?\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){1,3}(?!\p{Latin})", 0.5))
        if language != "ko":
            # Hangul inside another language's sentence is almost always a Korean name.
            patterns.append(Pattern("hangul_in_other", r"(?<!\p{Hangul})\p{Hangul}{2,4}"
                                                       r"(?!\p{Hangul})", 0.5))
        super().__init__("PERSON", patterns, PERSON_CONTEXT, language, name="spoken_name")

    def invalidate_result(self, pattern_text: str) -> bool:
        text = pattern_text.strip()
        return text in _NOT_NAMES or (text.isupper() and any(
            word in _CAPS_NOT_NAMES for word in text.split()))


class NerPersonRecognizer(EntityRecognizer):
    """Maps the language pipeline's person entities (GiNZA `Person`, spaCy `PERSON`)."""

    LABELS = frozenset({"Person", "PERSON", "PER"})

    def __init__(self, language: str, score: float = 0.85) -> None:
        self.score = score
        self.recognizer_name: str = f"ner_person_{language}"
        super().__init__(supported_entities=["PERSON"], supported_language=language,
                         name=self.recognizer_name)

    def load(self) -> None:  # the pipeline is loaded by the NLP engine
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        results = []
        for entity in nlp_artifacts.entities:
            surface = entity.text.strip()
            if entity.label_ not in self.LABELS or len(surface) < 2 or surface in _NOT_NAMES:
                continue
            if any(char.isdigit() for char in surface):  # GiNZA's misreading of a number
                continue
            end = entity.end_char
            tail = _KATAKANA_TAIL.match(text, end)
            if tail and surface[-1:] >= "ァ":
                end = tail.end()
            results.append(RecognizerResult(
                "PERSON", entity.start_char, end, self.score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.recognizer_name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                },
            ))
        return results


class SurnameRecognizer(EntityRecognizer):
    """Japanese names the NER misses (kana names, a name read with a space, a lone given name
    after a surname) found from the dictionary instead: SudachiPy tags surnames and given
    names (`名詞-固有名詞-人名-姓` / `-名`). A name starts at a surname and runs over the tokens
    written together with it, and over one more word after a single space when that word is a
    given name or a noun in the same script kind (マツモト キョウスケ, もり みかこ)."""

    SURNAME, GIVEN = "人名-姓", "人名-名"

    def __init__(self, language: str = "ja", score: float = 0.6) -> None:
        self.score = score
        self.recognizer_name = f"surname_{language}"
        super().__init__(supported_entities=["PERSON"], supported_language=language,
                         name=self.recognizer_name)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        tokens = list(nlp_artifacts.tokens) if nlp_artifacts is not None else []
        results = []
        i = 0
        while i < len(tokens):
            if self.SURNAME not in tokens[i].tag_ or tokens[i].text in _NOT_NAMES:
                i += 1
                continue
            start, end, j = tokens[i].idx, tokens[i].idx + len(tokens[i].text), i + 1
            spaced = False
            while j < len(tokens):
                token, gap = tokens[j], text[end:tokens[j].idx]
                if gap == "" and _name_part(token):
                    end = token.idx + len(token.text)
                elif gap == " " and not spaced and _name_part(token, spaced=True):
                    end, spaced = token.idx + len(token.text), True
                elif gap.strip() == "" and token.text.isspace():
                    pass  # GiNZA keeps a space as its own token
                else:
                    break
                j += 1
            results.append(RecognizerResult("PERSON", start, end, self.score, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.recognizer_name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True}))
            i = j
        return results


def _name_part(token: object, *, spaced: bool = False) -> bool:
    """A token that continues a name: a given name or surname; joined directly also a short
    nominal suffix (みか|こ); after a space a one-word noun in kana or kanji."""
    tag, text = getattr(token, "tag_", ""), getattr(token, "text", "")
    if text.isspace() or text in _NOT_NAMES or re.fullmatch(_HONORIFIC, text):
        return False
    if "人名" in tag:
        return True
    if not spaced:
        return tag.startswith("接尾辞-名詞的") and len(text) == 1 and text not in "様氏君"
    return tag.startswith("名詞") and bool(re.fullmatch(r"[ぁ-ゖァ-ヶー\p{Han}]{1,6}", text))
