"""The meaning check: critical values written differently are the same, a changed one is named."""

from __future__ import annotations

import io
import json

import pytest

from madoguchi.translation.meaning import check, extract, negated
from madoguchi.translation.meaning.terms import glossary_terms

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(("language", "text", "keys"), [
    ("ja", "住民票の写しは一通三百円です。", ["count:1", "amount:300"]),
    ("ja", "令和8年4月1日の午後3時に三番窓口へ", ["date:2026-04-01", "time:15:00", "counter:3"]),
    ("ja", "二週間以内に2階で", ["duration:14d", "floor:2"]),
    ("ja", "二〇二六年十二月二日", ["date:2026-12-02"]),
    ("ja", "平成元年", ["date:1989"]),
    ("ja", "受付は午後五時十五分まで", ["time:17:15"]),
    ("en", "Counter 3 at 3 p.m. on April 1, 2026", ["counter:3", "time:15:00", "date:2026-04-01"]),
    ("en", "within 14 days, two copies, ¥300", ["duration:14d", "count:2", "amount:300"]),
    ("en", "on the second floor, 1,500 yen", ["floor:2", "amount:1500"]),
    ("zh-Hans", "请在14天内到2楼3号窗口，下午3点，300日元", [
        "duration:14d", "floor:2", "counter:3", "time:15:00", "amount:300"]),
    ("ko", "2026년 4월 1일 오후 3시, 3번 창구, 두 통, 300엔", [
        "date:2026-04-01", "time:15:00", "counter:3", "count:2", "amount:300"]),
    ("vi", "ngày 1 tháng 4 năm 2026, 3 giờ chiều, quầy số 3, hai bản", [
        "date:2026-04-01", "time:15:00", "counter:3", "count:2"]),
    ("ja", "一緒に統一された一般の書類", []),  # 一 in words is not a number
])
def test_values_are_written_one_way(language: str, text: str, keys: list[str]) -> None:
    assert [v.key for v in extract(text, language)] == keys


def test_spans_point_at_the_values() -> None:
    text = "手数料は三百円です。"
    [amount] = extract(text, "ja")
    assert text[amount.start:amount.end] == "三百円"


@pytest.mark.parametrize(("source", "target", "back"), [
    ("三番窓口でお待ちください。", "Please wait at counter 3.", "3番の窓口でお待ちください。"),
    ("令和八年四月一日からです。", "From April 1, 2026.", "2026年4月1日からです。"),
    ("二週間以内に出してください。", "Please submit it within 14 days.",
     "14日以内に提出してください。"),
    ("手数料は無料です。", "There is no fee.", "手数料はかかりません。"),
    ("住民票の写しを一通ください。", "A copy of the certificate of residence, please.",
     "住民票の写しを1通ください。"),
])
def test_faithful_translations_pass(source: str, target: str, back: str) -> None:
    result = check("ja", source, "en", target, back, glossary_terms())
    assert result.ok, result.warnings


@pytest.mark.parametrize(("source", "target", "back", "kind"), [
    ("手数料は三百円です。", "The fee is 3,000 yen.", "手数料は3000円です。", "amount"),
    ("受付は午後五時までです。", "Reception is open until 5 a.m.", "受付は午前5時までです。",
     "time"),
    ("令和八年四月一日からです。", "From April 2, 2026.", "2026年4月2日からです。", "date"),
    ("三番窓口へどうぞ。", "Please go to counter 4.", "4番窓口へどうぞ。", "counter"),
    ("在留カードは必要ありません。", "You need your residence card.", "在留カードが必要です。",
     "negation"),
    ("転入届を出してください。", "Please submit the moving-out notification.",
     "転出届を出してください。", "term"),
])
def test_a_planted_change_is_named(source: str, target: str, back: str, kind: str) -> None:
    result = check("ja", source, "en", target, back, glossary_terms())
    assert kind in {w.kind for w in result.warnings}, result.warnings
    named = next(w for w in result.warnings if w.kind == kind and w.against == "translation")
    if kind not in ("negation", "term"):
        assert named.source_value != named.other_value and named.source_span is not None


def test_negation_markers_per_language() -> None:
    assert negated("必要ありません", "ja") and not negated("必要です", "ja")
    assert negated("You don't need it", "en") and not negated("You need it", "en")
    assert negated("不需要", "zh-Hans") and negated("필요 없습니다", "ko")
    assert negated("Bạn không cần", "vi") and not negated("Bạn cần", "vi")
    assert not negated("少ない書類", "ja")  # 少ない is few, not a negation


def test_a_drifting_back_translation_is_flagged() -> None:
    result = check("ja", "転入届を出したいのですが。", "en", "The fee is free.",
                   "手数料は無料です。", glossary_terms())
    assert {"drift", "term"} <= {w.kind for w in result.warnings}
    assert result.chrf is not None and result.chrf < 18


def test_the_cli_checks_lines_and_names_bad_ones_without_content() -> None:
    from madoguchi.ops.check_translation_cli import check_lines

    lines = [
        {"source_language": "ja", "source_text": "手数料は三百円です。", "target_language": "en",
         "target_text": "The fee is 400 yen.", "back_translation": None},
        {"source_language": "ja", "source_text": "三番窓口へ", "target_language": "en",
         "target_text": "To counter 3", "back_translation": "3番窓口へ"},
    ]
    source = io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
                         + '\n{"source_text": "秘密の住所"}\n')
    sink = io.StringIO()
    assert check_lines(source, sink) == 1
    first, second, bad = (json.loads(x) for x in sink.getvalue().splitlines())
    assert first["ok"] is False and first["warnings"][0] == {
        "kind": "amount", "against": "translation", "source_value": "300", "target_value": "400"}
    assert second == {"ok": True, "warnings": [], "chrf": second["chrf"]}
    assert bad["line"] == 3 and "秘密" not in json.dumps(bad, ensure_ascii=False)
