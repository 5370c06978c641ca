"""The benchmark's generated text follows Zipf's law over the merged vocabulary, so that a
common word is in many entries and most words in few (issue #14, item 8)."""

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from corpus import ZIPF_SHIFT, Language, catalogue_counts  # noqa: E402


def test_words_are_ranked_by_their_merged_frequency_and_drawn_by_zipfs_law():
    language = Language.build(
        {
            "demo": Counter({"counselling": 30, "exit": 20, "chat": 1}),
            "labels": Counter({"exit": 1, "women": 1}),
            "general": Counter({word: 100 - rank for rank, word in enumerate(WORDS)}),
        }
    )
    assert language.ranked[:2] == ["counselling", "exit"]
    assert language.sources == {"demo": 3, "labels": 2, "general": len(WORDS)}

    drawn = Counter(language.draw(random.Random(1), 200_000))
    first, tenth = drawn[language.ranked[0]], drawn[language.ranked[9]]
    # 1 / (rank + shift): the first word about (9 + shift) / shift times the tenth.
    assert abs(first / tenth - (9 + ZIPF_SHIFT) / ZIPF_SHIFT) < 0.3
    assert set(drawn) <= set(language.ranked)


def test_a_missing_word_list_leaves_the_other_sources(tmp_path, monkeypatch):
    monkeypatch.setattr("corpus.CATALOGUES", tmp_path)
    assert catalogue_counts("de") == Counter()


WORDS = [f"word{letter}{other}" for letter in "abcdefgh" for other in "abcdefgh"]
