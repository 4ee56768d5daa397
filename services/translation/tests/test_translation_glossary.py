"""Glossary protection and verification (no model involved)."""

from __future__ import annotations

import pytest

from madoguchi.translation.glossary import Glossary, Protected, Slot, TermHit

pytestmark = pytest.mark.fast


def test_protect_longest_term_first_and_same_term_shares_a_placeholder() -> None:
    glossary = Glossary.load()
    protected = glossary.protect("印鑑登録証明書と印鑑登録証明書、印鑑登録。", "ja", "en")
    assert protected.text == "⟦0⟧と⟦0⟧、⟦1⟧。"  # numbered in reading order
    assert [s.term_id for s in protected.slots] == ["inkan-toroku-shomeisho", "inkan-toroku"]


def test_restore_enforces_and_reports() -> None:
    glossary = Glossary.load()
    protected = glossary.protect("転入届と住民票", "ja", "en")
    text, hits = glossary.restore("the ⟦0⟧ and the ⟦1⟧", protected)
    assert text == "the moving-in notification and the certificate of residence"
    assert all(h.enforced for h in hits)


def test_lost_placeholder_is_reported_not_enforced_and_stray_markers_removed() -> None:
    protected = Protected("⟦0⟧", [Slot("juminhyo", "⟦0⟧", "certificate of residence")])
    text, hits = Glossary.load().restore("a paper ⟦3⟧ please", protected)
    assert text == "a paper please"
    assert hits == [TermHit("juminhyo", False)]


def test_term_without_target_text_is_unenforceable() -> None:
    # 転居届 has no Vietnamese text in the glossary: it cannot be enforced, and we say so.
    protected = Glossary.load().protect("転居届です", "ja", "vi")
    assert protected.slots == [] and protected.unenforceable == ["tenkyo-todoke"]
    _, hits = Glossary.load().restore("x", protected)
    assert hits == [TermHit("tenkyo-todoke", False)]
