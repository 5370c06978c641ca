"""Hostile input, generated: random, oversized and malformed parameters (any unicode,
control characters, NUL, lone surrogates and bytes that are no UTF-8 at all, 10,000
characters, repeated and unknown facets, huge numbers) sent to the search API, the search
page and its Atom feed, on the database search and on the live engine. None may answer
5xx; a 400 names the parameter; every other answer is well-formed."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from entries.selectors import MAX_FILTER_VALUES
from portal.services import site_ensure
from search.query import PARAMETERS
from tests.search.corpus import corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.facets import FACET_NAMES
from vocabulary.services import vocabulary_load

EXAMPLES = 120
KNOWN_VALUES = ["chat", "video", "far-right", "DE", "MN", "alpha", "practice", "good", "fr"]

# Any code point, surrogates and control characters included.
any_text = st.text(st.characters(codec=None), max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40), st.integers(-3, 12_000)
).map(str)
huge = st.builds(lambda char, n: char * n, st.characters(codec=None), st.integers(400, 10_000))
values = st.one_of(any_text, numbers, huge, st.sampled_from(KNOWN_VALUES), st.just(""))
keys = st.one_of(st.sampled_from([*PARAMETERS, "unknown", "q[]"]), any_text)
pairs = st.lists(st.tuples(keys, values), max_size=12)
# One facet repeated, past the limit or just below it.
repeated = st.builds(
    lambda facet, count, value: [(facet, f"{value}{n}") for n in range(count)],
    st.sampled_from(FACET_NAMES),
    st.integers(MAX_FILTER_VALUES - 2, MAX_FILTER_VALUES + 40),
    st.sampled_from(["x", "chat", "€"]),
)
parameters = st.one_of(pairs, st.builds(lambda a, b: a + b, pairs, repeated))
# Some raw bytes that are no UTF-8 at all, as a hostile client may send.
raw_bytes = st.lists(st.tuples(st.sampled_from(PARAMETERS), st.binary(max_size=20)), max_size=3)


def _encoded(text: str | bytes) -> str:
    if isinstance(text, str):
        # Lone surrogates become the bytes a careless encoder would send.
        text = text.encode("utf-8", "surrogatepass")
    return quote(text, safe="")


def query_string(params: list[tuple[str, str]], extra: list[tuple[str, bytes]]) -> str:
    return "&".join(f"{_encoded(key)}={_encoded(value)}" for key, value in [*params, *extra])


# What the security report found, tried first every time: a year past what databases store,
# a NUL, a long question, thousands of facet values.
FOUND = [
    [("year_from", "9" * 30)],
    [("q", "chat\x00exit"), ("formats", "chat\x00")],
    [("q", " ".join(f"word{n}" for n in range(70)))],
    [("countries", f"X{n}") for n in range(4000)],
]


def found(test):
    for params in FOUND:
        test = example(params, [])(test)
    return test


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One mixin, two engines: the same tests run from two classes, on purpose.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.differing_executors,
    ],
)


class HostileInput:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()

    def get(self, path: str, params, extra):
        response = self.client.get(f"{path}?{query_string(params, extra)}")
        event(f"answered {response.status_code}")
        return response

    @HYPOTHESIS
    @given(parameters, raw_bytes)
    @found
    def test_the_api_answers_or_names_the_parameter(self, params, extra):
        response = self.get("/api/v1/search/", params, extra)
        answer = json.loads(response.content)
        if response.status_code == 400:
            self.assertIn(answer["parameter"], PARAMETERS)
            self.assertTrue(answer["detail"].startswith(f"{answer['parameter']}: "))
            return
        self.assertEqual(response.status_code, 200, answer)
        self.assertEqual(answer["engine"], self.engine_name)
        self.assertLessEqual(len(answer["results"]), answer["page_size"])
        self.assertEqual(list(answer["facets"]), FACET_NAMES)

    @HYPOTHESIS
    @given(parameters, raw_bytes)
    @found
    def test_the_page_answers_or_names_the_parameter(self, params, extra):
        response = self.get("/en/search/", params, extra)
        html = response.content.decode()
        # Linear in what was asked, error page included: no chip or form field carries
        # every other value, or control characters as sent.
        self.assertLess(len(html), 200_000)
        if response.status_code == 400:
            named = re.search(r"The search could not run: <code>([^<]*)</code>", html)
            self.assertIsNotNone(named)
            self.assertIn(named.group(1), PARAMETERS)
            return
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="results-heading"', html)

    @HYPOTHESIS
    @given(parameters, raw_bytes)
    @found
    def test_the_feed_answers_or_names_the_parameter(self, params, extra):
        response = self.get("/en/search/feed/", params, extra)
        if response.status_code == 400:
            text = response.content.decode()
            named = re.match(r"Invalid search parameter ([^:]+): ", text)
            self.assertIsNotNone(named, text)
            self.assertIn(named.group(1), PARAMETERS)
            return
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)  # well-formed XML, or this raises
        self.assertEqual(root.tag, "{http://www.w3.org/2005/Atom}feed")


@override_settings(SEARCH_URL=None)
class DatabaseHostileInputTests(HostileInput, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineHostileInputTests(LiveEngineMixin, HostileInput, TestCase):
    engine_name = LiveEngineMixin.engine_name
