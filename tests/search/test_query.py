import pytest

from search.query import SearchParameterError, SearchQuery, search_query_from_params


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
