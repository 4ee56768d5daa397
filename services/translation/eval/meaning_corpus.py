"""The meaning-check corpus: (source, translation, back-translation) triples in ja/en/zh/ko/vi.

Faithful triples write the same value differently on purpose (三番窓口 / counter 3, 令和8年 /
2026, 二週間 / 14 days, 午後 / p.m.); each faithful triple with a value also gets one planted
change of the kind a translation model makes (a number, an amount, a date, a time or its
a.m./p.m., a glossary term swapped), and hand-written negation flips stand beside them. The
sentences were written for this corpus, not taken from the checker's patterns; `dev` entries
may be looked at while calibrating the drift threshold and the patterns, `test` entries are
only evaluated (`make eval` -> bench/results/meaning_eval.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Split = Literal["dev", "test"]


@dataclass(frozen=True)
class Triple:
    id: str
    split: Split
    source_language: str
    source_text: str
    target_language: str
    target_text: str
    back_translation: str
    change: str | None = None
    """None for a faithful triple, else the planted change (number, amount, date, time, ampm,
    negation, term)."""


# Staff (ja) -> visitor languages. Each: ja source, its back-translation (a paraphrase, as a
# model's round trip gives), and the translations.
STAFF: list[dict[str, str]] = [
    {"ja": "住民票の写しは一通三百円です。", "back": "住民票の写しは1通300円です。",
     "en": "A copy of the certificate of residence costs 300 yen.",
     "zh": "住民票副本每份300日元。", "ko": "주민표 사본은 한 통에 300엔입니다.",
     "vi": "Bản sao giấy chứng nhận cư trú giá 300 yên một bản."},
    {"ja": "転入届は引っ越してから十四日以内に出してください。",
     "back": "引っ越し後14日以内に転入届を提出してください。",
     "en": "Please submit the moving-in notification within 14 days of moving.",
     "zh": "请在搬家后14天内提交迁入申报。", "ko": "이사 후 14일 이내에 전입신고를 제출해 주세요.",
     "vi": "Vui lòng nộp thông báo chuyển đến trong vòng 14 ngày sau khi chuyển nhà."},
    {"ja": "三番窓口でお待ちください。", "back": "3番の窓口でお待ちください。",
     "en": "Please wait at counter 3.", "zh": "请在3号窗口等候。", "ko": "3번 창구에서 기다려 주세요.",
     "vi": "Vui lòng đợi ở quầy số 3."},
    {"ja": "国民健康保険の手続きは二階です。", "back": "国民健康保険の手続きは2階で行います。",
     "en": "National Health Insurance procedures are on the 2nd floor.",
     "zh": "国民健康保险的手续在2楼办理。", "ko": "국민건강보험 수속은 2층입니다.",
     "vi": "Thủ tục bảo hiểm y tế quốc dân ở tầng 2."},
    {"ja": "受付は午後五時までです。", "back": "受付は午後5時までです。",
     "en": "Reception is open until 5 p.m.", "zh": "受理时间到下午5点为止。",
     "ko": "접수는 오후 5시까지입니다.", "vi": "Tiếp nhận đến 5 giờ chiều."},
    {"ja": "印鑑登録証明書を二通お持ちください。", "back": "印鑑登録証明書を2通持ってきてください。",
     "en": "Please bring two copies of the seal registration certificate.",
     "zh": "请带两份印章登记证明书。", "ko": "인감등록증명서를 두 통 가져오세요.",
     "vi": "Vui lòng mang theo hai bản giấy chứng nhận đăng ký con dấu."},
    {"ja": "令和八年四月一日から新しい住所になります。", "back": "2026年4月1日から新住所になります。",
     "en": "Your new address takes effect on April 1, 2026.",
     "zh": "从2026年4月1日起使用新地址。", "ko": "2026년 4월 1일부터 새 주소가 됩니다.",
     "vi": "Địa chỉ mới có hiệu lực từ ngày 1 tháng 4 năm 2026."},
    {"ja": "手数料は無料です。", "back": "手数料はかかりません。",
     "en": "There is no fee.", "zh": "手续费免费。", "ko": "수수료는 무료입니다.",
     "vi": "Không mất lệ phí."},
    {"ja": "在留カードは必要ありません。", "back": "在留カードはいりません。",
     "en": "You do not need your residence card.", "zh": "不需要在留卡。",
     "ko": "재류카드는 필요 없습니다.", "vi": "Bạn không cần thẻ cư trú."},
    {"ja": "マイナンバーカードの受け取りは予約が必要です。",
     "back": "マイナンバーカードを受け取るには予約が必要です。",
     "en": "You need an appointment to receive your My Number Card.",
     "zh": "领取个人编号卡需要预约。", "ko": "마이넘버카드 수령에는 예약이 필요합니다.",
     "vi": "Cần đặt lịch hẹn để nhận thẻ My Number."},
    {"ja": "番号札の十二番でお呼びします。", "back": "番号札12番でお呼びします。",
     "en": "We will call ticket number 12.", "zh": "我们会叫12号。",
     "ko": "번호표 12번으로 부르겠습니다.", "vi": "Chúng tôi sẽ gọi số 12."},
    {"ja": "戸籍謄本は一通四百五十円です。", "back": "戸籍謄本は1通450円です。",
     "en": "A family register certificate costs 450 yen per copy.",
     "zh": "户籍誊本每份450日元。", "ko": "호적등본은 한 통에 450엔입니다.",
     "vi": "Bản sao hộ tịch giá 450 yên một bản."},
    {"ja": "生年月日は平成二年三月十五日ですね。", "back": "生年月日は1990年3月15日ですね。",
     "en": "Your date of birth is March 15, 1990, correct?",
     "zh": "您的出生日期是1990年3月15日，对吗？", "ko": "생년월일은 1990년 3월 15일이시죠?",
     "vi": "Ngày sinh của bạn là ngày 15 tháng 3 năm 1990, đúng không?"},
    {"ja": "窓口は午前八時半から開いています。", "back": "窓口は午前8時30分から開いています。",
     "en": "The counter opens at 8:30 a.m.", "zh": "窗口上午8点半开始办公。",
     "ko": "창구는 오전 8시 반부터 엽니다.", "vi": "Quầy mở cửa từ 8 giờ 30 sáng."},
    {"ja": "転出届は引っ越す前に出すことができます。", "back": "転出届は引っ越し前に提出できます。",
     "en": "You can submit the moving-out notification before you move.",
     "zh": "可以在搬家前提交迁出申报。", "ko": "전출신고는 이사 전에 할 수 있습니다.",
     "vi": "Bạn có thể nộp thông báo chuyển đi trước khi chuyển nhà."},
    {"ja": "お支払いは合計七百五十円です。", "back": "お支払いは合計で750円です。",
     "en": "The total is 750 yen.", "zh": "总共750日元。", "ko": "합계 750엔입니다.",
     "vi": "Tổng cộng là 750 yên."},
    {"ja": "一階の五番窓口へどうぞ。", "back": "1階の5番窓口へどうぞ。",
     "en": "Please go to counter 5 on the 1st floor.", "zh": "请到1楼的5号窗口。",
     "ko": "1층 5번 창구로 가세요.", "vi": "Mời bạn đến quầy số 5 ở tầng 1."},
    {"ja": "審査には一か月かかります。", "back": "審査には1か月かかります。",
     "en": "The review takes one month.", "zh": "审查需要1个月。",
     "ko": "심사에는 1개월이 걸립니다.", "vi": "Việc xét duyệt mất 1 tháng."},
    {"ja": "二〇二六年十二月二日付けで受理しました。", "back": "2026年12月2日付で受理しました。",
     "en": "It was accepted as of December 2, 2026.", "zh": "已于2026年12月2日受理。",
     "ko": "2026년 12월 2일자로 접수되었습니다.", "vi": "Đã được tiếp nhận vào ngày 2 tháng 12 năm 2026."},
    {"ja": "代理の方は委任状が必要です。", "back": "代理人の場合は委任状が要ります。",
     "en": "A representative needs a letter of attorney.", "zh": "代理人需要委托书。",
     "ko": "대리인은 위임장이 필요합니다.", "vi": "Người đại diện cần có giấy ủy quyền."},
]

# Visitors -> ja. Each: source language, source, ja translation, back-translation (source
# language, a paraphrase).
VISITOR: list[tuple[str, str, str, str]] = [
    ("en", "I moved here on November 20.", "11月20日にここに引っ越しました。",
     "I moved here on November 20th."),
    ("en", "I need two copies of the certificate of residence.", "住民票が2通必要です。",
     "I need 2 certificates of residence."),
    ("en", "I don't have my residence card with me.", "在留カードを持っていません。",
     "I do not have my residence card."),
    ("en", "Can I come back at 4 p.m.?", "午後4時にまた来てもいいですか。",
     "May I come again at 4 p.m.?"),
    ("en", "My appointment is at counter 7.", "私の予約は7番窓口です。",
     "My reservation is at window 7."),
    ("zh", "我下午两点再来。", "午後2時にまた来ます。", "我下午2点再来。"),
    ("zh", "我需要三份证明。", "証明書が3通必要です。", "我需要3份证明书。"),
    ("zh", "我没有带护照。", "パスポートを持ってきていません。", "我没带护照。"),
    ("ko", "12월 1일에 이사했습니다.", "12月1日に引っ越しました。", "12월 1일에 이사를 했습니다."),
    ("ko", "수수료는 얼마입니까? 300엔입니까?", "手数料はいくらですか。300円ですか。",
     "수수료는 얼마예요? 300엔이에요?"),
    ("ko", "인감을 가져오지 않았습니다.", "印鑑を持ってきませんでした。", "인감을 안 가져왔습니다."),
    ("vi", "Tôi chuyển đến đây ngày 5 tháng 11.", "11月5日にここへ引っ越しました。",
     "Tôi đã chuyển đến đây vào ngày 5 tháng 11."),
    ("vi", "Tôi cần hai bản sao.", "写しが2通必要です。", "Tôi cần 2 bản sao."),
    ("vi", "Tôi không có thẻ cư trú.", "在留カードがありません。", "Tôi không có thẻ cư trú."),
    ("vi", "Tôi sẽ quay lại lúc 3 giờ chiều.", "午後3時に戻ります。", "Tôi sẽ trở lại lúc 3 giờ chiều."),
]

# Hand-written negation flips: (base id, target text, back-translation).
NEGATION_FLIPS: dict[str, tuple[str, str]] = {
    "staff-07-en": ("There is a fee.", "手数料がかかります。"),
    "staff-07-ko": ("수수료가 있습니다.", "手数料がかかります。"),
    "staff-08-en": ("You need your residence card.", "在留カードが必要です。"),
    "staff-08-zh": ("需要在留卡。", "在留カードが必要です。"),
    "staff-08-vi": ("Bạn cần thẻ cư trú.", "在留カードが必要です。"),
    "staff-09-en": ("You do not need an appointment to receive your My Number Card.",
                    "マイナンバーカードの受け取りに予約は不要です。"),
    "staff-09-ko": ("마이넘버카드 수령에는 예약이 필요 없습니다.", "マイナンバーカードの受け取りに予約はいりません。"),
    "staff-14-en": ("You cannot submit the moving-out notification before you move.",
                    "転出届は引っ越し前には提出できません。"),
    "staff-19-vi": ("Người đại diện không cần giấy ủy quyền.", "代理人は委任状がいりません。"),
    "staff-19-zh": ("代理人不需要委托书。", "代理人は委任状が不要です。"),
    "visitor-02": ("在留カードを持っています。", "I have my residence card."),
    "visitor-07": ("パスポートを持ってきました。", "我带了护照。"),
    "visitor-10": ("印鑑を持ってきました。", "인감을 가져왔습니다."),
    "visitor-13": ("在留カードがあります。", "Tôi có thẻ cư trú."),
}

# Glossary renderings a model may swap (one direction per language).
TERM_SWAPS = {
    "en": [("moving-in notification", "moving-out notification"),
           ("moving-out notification", "moving-in notification"),
           ("certificate of residence", "residence card"),
           ("seal registration certificate", "seal registration")],
    "ja": [("転入届", "転出届"), ("転出届", "転入届"), ("住民票", "在留カード"), ("印鑑登録証明書", "印鑑登録")],
    "zh": [("迁入申报", "迁出申报"), ("迁出申报", "迁入申报")],
    "ko": [("전입신고", "전출신고"), ("전출신고", "전입신고")],
    "vi": [("thông báo chuyển đến", "thông báo chuyển đi"),
           ("thông báo chuyển đi", "thông báo chuyển đến")],
}
_AMPM = [("p.m.", "a.m."), ("a.m.", "p.m."), ("午後", "午前"), ("午前", "午後"), ("下午", "上午"),
         ("上午", "下午"), ("오후", "오전"), ("오전", "오후"), ("chiều", "sáng"), ("sáng", "chiều")]
_WORDS = {"two": "three", "one": "two", "두": "세", "한": "두", "hai": "ba", "两": "三", "三": "四"}


def _bump_number(text: str) -> str | None:
    """A different number where the first one was (a model's typical slip: 300 -> 3,000,
    14 -> 4, 2 -> 3)."""
    m = re.search(r"\d+", text)
    if m:
        n = int(m.group())
        new = n * 10 if n >= 100 else (n + 1 if n < 10 else n - 10 if n > 10 else 11)
        return text[:m.start()] + str(new) + text[m.end():]
    for word, other in _WORDS.items():
        w = re.search(rf"(?<![\w]){re.escape(word)}(?![\w])" if word.isascii() else re.escape(word),
                      text)
        if w:
            return text[:w.start()] + other + text[w.end():]
    return None


def _swap(text: str, pairs: list[tuple[str, str]]) -> str | None:
    for old, new in pairs:
        if old in text:
            return text.replace(old, new, 1)
    return None


def _planted(base: Triple) -> list[Triple]:
    out: list[Triple] = []
    ampm = _swap(base.target_text, _AMPM)
    if ampm is not None:
        back = _swap(base.back_translation, _AMPM) or base.back_translation
        out.append(Triple(f"{base.id}+ampm", base.split, base.source_language, base.source_text,
                          base.target_language, ampm, back, "ampm"))
    bumped = _bump_number(base.target_text)
    if bumped is not None and ampm is None:
        back = _bump_number(base.back_translation) or base.back_translation
        out.append(Triple(f"{base.id}+number", base.split, base.source_language,
                          base.source_text, base.target_language, bumped, back, "number"))
    term = _swap(base.target_text, TERM_SWAPS.get(base.target_language.split("-")[0], []))
    if term is not None:
        back = _swap(base.back_translation, TERM_SWAPS.get(base.source_language, []))
        out.append(Triple(f"{base.id}+term", base.split, base.source_language, base.source_text,
                          base.target_language, term, back or base.back_translation, "term"))
    flip = NEGATION_FLIPS.get(base.id)
    if flip is not None:
        out.append(Triple(f"{base.id}+negation", base.split, base.source_language,
                          base.source_text, base.target_language, flip[0], flip[1], "negation"))
    return out


def build() -> list[Triple]:
    faithful: list[Triple] = []
    for i, entry in enumerate(STAFF):
        split: Split = "dev" if i % 2 == 0 else "test"
        for language, tag in (("en", "en"), ("zh", "zh-Hans"), ("ko", "ko"), ("vi", "vi")):
            faithful.append(Triple(f"staff-{i:02d}-{language}", split, "ja", entry["ja"], tag,
                                   entry[language], entry["back"]))
    for i, (language, source, target, back) in enumerate(VISITOR):
        split = "dev" if i % 2 == 0 else "test"
        tag = "zh-Hans" if language == "zh" else language
        faithful.append(Triple(f"visitor-{i:02d}", split, tag, source, "ja", target, back))
    return faithful + [p for t in faithful for p in _planted(t)]
