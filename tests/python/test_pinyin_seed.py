"""cs_devtools.pinyin_seed: the committed pinyin seed is what the generator writes from the lexicon."""

from __future__ import annotations

import csv
from pathlib import Path

from cs_devtools.pinyin_seed import LEXICON, OUTPUT, default_pinyin, han_characters, main, pinyin_rows, read_terms


def test_han_characters_are_distinct_sorted_and_chinese_only() -> None:
    assert han_characters(["加vx", "微信", "信用", "abc", "1:1"]) == sorted({"加", "微", "信", "用"})


def test_pinyin_rows_keep_plain_ascii_spellings_only() -> None:
    spelled = {"高": "gao", "仿": "fang", "女": "nü", "〇": ""}
    assert pinyin_rows(["高", "仿", "女", "〇"], spelled.__getitem__) == [("高", "gao"), ("仿", "fang")]


def test_default_pinyin_is_toneless_and_uses_v_for_u_umlaut() -> None:
    assert [default_pinyin(c) for c in "微信高仿绿"] == ["wei", "xin", "gao", "fang", "lv"]


def test_main_writes_a_seed_for_a_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("term,clause,rule_code,is_negatable,note\n高仿,2.8,counterfeit,true,\nvx,2.3,x,true,\n")
    out = tmp_path / "pinyin.csv"
    assert main(["--lexicon", str(lexicon), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "char,pinyin\n仿,fang\n高,gao\n"


def test_committed_seed_is_up_to_date() -> None:
    """A term with a new character needs `make pinyin-seed`; this says so instead of silently missing it."""
    with OUTPUT.open(encoding="utf-8", newline="") as handle:
        committed = [(row["char"], row["pinyin"]) for row in csv.DictReader(handle)]
    assert committed == pinyin_rows(han_characters(read_terms(LEXICON))), "run make pinyin-seed"
