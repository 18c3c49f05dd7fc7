from moderation.screening import EarlierItem, ScreeningContext
from moderation.screening.duplicate import DuplicateIndex, lookup_keys, screen, similarity

STORY = (
    "After my hip replacement the team here got me walking without a cane in six weeks. "
    "Café staff downstairs were lovely too, and parking cost $12 a day."
)


def duplicate_of(text, earlier):
    flags = screen(text, ScreeningContext(earlier=earlier))
    return [f.duplicate_of for f in flags]


def test_it_names_the_earlier_item_for_an_exact_copy():
    assert duplicate_of(STORY, [EarlierItem("a", "Something else."), EarlierItem("b", STORY)]) == [
        "b"
    ]


def test_it_sees_through_case_punctuation_and_accents():
    edited = STORY.upper().replace(",", "").replace(".", "!!").replace("Café", "Cafe")
    assert duplicate_of(edited, [EarlierItem("b", STORY)]) == ["b"]


def test_it_catches_a_changed_word_a_changed_price_and_an_added_sentence():
    edited = STORY.replace("six", "seven").replace("$12", "$15") + " I'd do it all again."
    assert similarity(edited, STORY) > 0.6
    assert duplicate_of(edited, [EarlierItem("b", STORY)]) == ["b"]


def test_different_stories_on_the_same_topic_are_not_duplicates():
    other = (
        "After my knee replacement the staff here had me on the bike by week two. "
        "The front desk was slow but the therapists were lovely."
    )
    assert duplicate_of(other, [EarlierItem("b", STORY)]) == []


def test_short_generic_texts_are_not_flagged():
    assert duplicate_of("Great service!", [EarlierItem("b", "Great service!")]) == []


def test_the_lookup_keys_find_near_duplicates_without_reading_everything():
    index = DuplicateIndex()
    index.add(EarlierItem("b", STORY))
    for number in range(50):
        index.add(EarlierItem(f"x{number}", f"Unrelated review number {number} about my shoulder."))
    candidates = index.candidates(STORY.replace("six", "seven").lower())
    assert [item.id for item in candidates] == ["b"]


def test_lookup_keys_are_stable_integers_that_fit_a_bigint_column():
    keys = lookup_keys(STORY)
    assert keys == lookup_keys(STORY)
    assert len(keys) == 17
    assert all(-(2**63) <= key < 2**63 for key in keys)
    assert lookup_keys("Too short.") == []
