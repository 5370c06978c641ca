import pytest

from search.query import (
    MAX_QUERY_WORDS,
    SearchParameterError,
    SearchQuery,
    search_query_from_params,
    text_bounded,
)


def test_parameters_are_read_from_lists():
    query = search_query_from_params(
        {
            "q": ["  chat   anonyme "],
            "formats": ["chat", "video", "chat"],
            "page": ["2"],
            "page_size": ["5"],
            "sort": ["newest"],
            "year_from": ["2019"],
        }
    )
    assert query == SearchQuery(
        text="chat anonyme",
        filters={"formats": ("chat", "video")},
        page=2,
        page_size=5,
        sort="newest",
        year_from=2019,
    )


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": ["0"]}, "page"),
        ({"page": ["-1"]}, "page"),
        ({"page": ["two"]}, "page"),
        ({"page_size": ["0"]}, "page_size"),
        ({"page_size": ["101"]}, "page_size"),
        ({"sort": ["oldest"]}, "sort"),
        ({"year_from": ["2020"], "year_to": ["2010"]}, "year_from"),
        ({"q": ["x" * 501]}, "q"),
        ({"page": ["1000"], "page_size": ["100"]}, "page"),
    ],
)
def test_invalid_parameters_name_the_parameter(params, parameter):
    with pytest.raises(SearchParameterError) as error:
        search_query_from_params(params)
    assert error.value.parameter == parameter
    assert str(error.value).startswith(f"{parameter}: ")


def test_unknown_facet_is_refused_by_the_query_but_ignored_in_parameters():
    with pytest.raises(SearchParameterError):
        SearchQuery(filters={"colour": ("red",)})
    assert search_query_from_params({"colour": ["red"]}).filters == {}


def test_a_long_question_keeps_its_informative_words_in_the_order_typed():
    question = (
        "how do online counsellors keep themselves safe when clients threaten them and "
        "their families during long exit processes online, and what do they do about it "
        "when the threats go on for many months"
    )
    kept = text_bounded(question, known={"online", "exit", "families"})
    words = kept.split()
    assert len(words) == MAX_QUERY_WORDS
    assert len(set(words)) == len(words)  # "online" twice, once kept
    # Vocabulary words and long words stay; stop words and short words go first.
    assert {"online", "exit", "families", "counsellors", "themselves", "threaten"} <= set(words)
    assert not {"how", "and", "when", "the"} & set(words)
    assert words.index("counsellors") < words.index("exit") < words.index("threats")


def test_a_question_within_the_bound_is_searched_as_typed():
    # A synonym that repeats a word stays whole.
    assert text_bounded("face to face meetings", known=set()) == "face to face meetings"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"year_from": ["9" * 30]}, "year_from"),
        ({"year_to": ["99999"]}, "year_to"),
        ({"page": ["1" * 5000]}, "page"),
        (
            {"formats": [f"f{n}" for n in range(60)], "domains": [f"d{n}" for n in range(41)]},
            "formats",
        ),  # fmt: skip
    ],
)
def test_out_of_range_numbers_and_too_many_values_are_refused_by_name(params, parameter):
    with pytest.raises(SearchParameterError) as error:
        search_query_from_params(params)
    assert error.value.parameter == parameter
    assert len(str(error.value)) < 200


def test_control_characters_are_no_part_of_a_search():
    query = search_query_from_params({"q": ["chat\x00 exit\x1b"], "formats": ["chat\x00"]})
    assert query.text == "chat exit"
    assert query.filters == {"formats": ("chat",)}
