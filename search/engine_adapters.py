"""The engine adapters: OpenSearch (opensearch-py) and Elasticsearch (elasticsearch-py)
behind the small `Engine` interface below. Both receive the same request bodies, built once
with the Elasticsearch DSL, and turn their library's failures into the errors defined below.
"""

from __future__ import annotations

from typing import Protocol

import orjson

# A bulk request of a rebuild may take far longer than a search (merges, a busy node);
# the search timeout would abort rebuilds that are merely slow.
BULK_TIMEOUT_SECONDS = 120.0


class EngineUnavailable(Exception):
    """The engine did not answer (refused, timed out, overloaded, index missing)."""


class EngineTimedOut(EngineUnavailable):
    """The engine took the request but did not answer within SEARCH_TIMEOUT: alive, busy."""


class EngineError(Exception):
    """The engine answered with an error that retrying will not fix (a bad request)."""


class QueryTooLarge(EngineError):
    """The engine refused a query of more clauses than it accepts: the query's fault (too
    many words, or words with many synonyms), not the engine's, whatever status it says."""


# How OpenSearch and Elasticsearch name that refusal (Lucene's maxClauseCount).
_TOO_MANY_CLAUSES = ("too_many_clauses", "too_many_nested_clauses")


def _refused_as_too_large(message: str) -> None:
    if any(name in message for name in _TOO_MANY_CLAUSES):
        raise QueryTooLarge(message)


class Engine(Protocol):
    name: str

    def search(self, index: str, body: dict) -> dict: ...
    def msearch(self, index: str, bodies: list[dict], *, patient: bool = False) -> list[dict]:
        """`patient`: with the bulk timeout (a rebuild's warm-up), not the search's."""
        ...

    def bulk(self, operations: list[dict], *, refresh: bool = False) -> dict: ...
    def index_document(self, index: str, doc_id: str, document: dict) -> None: ...
    def delete_document(self, index: str, doc_id: str) -> None: ...
    def create_index(self, name: str, body: dict) -> None: ...
    def delete_index(self, name: str) -> None: ...
    def alias_targets(self, alias: str) -> list[str]: ...
    def indices_matching(self, pattern: str) -> list[str]: ...
    def update_aliases(self, actions: list[dict]) -> None: ...
    def refresh(self, index: str) -> None: ...
    def flush(self, index: str) -> None: ...
    def put_settings(self, index: str, settings: dict) -> None: ...
    def mapped_fields(self, index: str) -> set[str]: ...
    def close_index(self, name: str) -> None: ...
    def open_index(self, name: str) -> None: ...
    def ping(self) -> bool: ...


# Parts of a search answer nobody reads, left out by the engine rather than sent, parsed and
# dropped. Exclusions only, and none inside a list: an exclusion that reaches into a list
# drops the list when it is empty, and callers read empty lists.
SEARCH_FILTER_PATH = ",".join(
    [
        "-_shards",
        "-hits.max_score",
        "-aggregations.*.values.doc_count_error_upper_bound",
        "-aggregations.*.values.sum_other_doc_count",
    ]
)


# A bulk answer says whether any document was refused, and why; not how each went well.
BULK_FILTER_PATH = "errors,items.*.error,items.*._id"
MSEARCH_FILTER_PATH = ",".join(
    part.replace("-", "-responses.", 1) for part in SEARCH_FILTER_PATH.split(",")
)


def _msearch_lines(bodies: list[dict]) -> list[dict]:
    lines: list[dict] = []
    for body in bodies:
        lines += [{}, body]
    return lines


def _msearch_answers(answer: dict) -> list[dict]:
    """The answers of an _msearch, or the error of the first that failed: the engine
    answers 200 even when some of the searches did not."""
    responses = answer["responses"]
    for response in responses:
        if "error" in response:
            status = response.get("status", 500)
            message = f"{status}: {response['error']}"
            _refused_as_too_large(message)
            # As for a single search: a missing index or a busy node is unavailable.
            if status in (404, 429, 500, 502, 503, 504):
                raise EngineUnavailable(message)
            raise EngineError(message)
    return responses


def _fields_of_every_index(mappings: dict) -> set[str]:
    """The top-level fields that every index of a get-mapping answer maps."""
    fields = [set(index["mappings"].get("properties", {})) for index in mappings.values()]
    return set.intersection(*fields) if fields else set()


def node_urls(url: str) -> list[str]:
    """SEARCH_URL names one node, or several separated by commas: the client then moves to
    another node when one does not answer, so a cluster survives the loss of a node."""
    return [part.strip() for part in url.split(",") if part.strip()]


def _ndjson(operations: list[dict]) -> bytes:
    return b"".join(orjson.dumps(line) + b"\n" for line in operations)


class OrjsonSerializer:
    """opensearch-py's JSON serializer, with orjson: several times faster than the json
    module both ways, and a search's request and answer are a good part of the portal's
    own work per search. Bodies already serialised (bytes, str) pass as they are."""

    mimetype = "application/json"

    def dumps(self, data: object) -> bytes | str:
        if isinstance(data, bytes | str):
            return data
        return orjson.dumps(data)

    def loads(self, data: bytes | str) -> object:
        return orjson.loads(data)


class OpenSearchEngine:
    name = "opensearch"

    def __init__(self, url: str, timeout: float):
        from opensearchpy import OpenSearch
        from opensearchpy import exceptions as errors

        self._errors = errors
        self.timeout = timeout
        self.client = OpenSearch(
            hosts=node_urls(url),
            timeout=timeout,
            # Retry on another node, never on the same one: a dead node fails fast.
            max_retries=len(node_urls(url)) - 1,
            retry_on_timeout=False,
            # A rebuild keeps several bulk requests in flight.
            pool_maxsize=4,
            serializer=OrjsonSerializer(),
        )

    def _call(self, method, *args, **kwargs):
        errors = self._errors
        try:
            return method(*args, **kwargs)
        except errors.ConnectionTimeout as error:
            raise EngineTimedOut(str(error)) from error
        except errors.ConnectionError as error:
            raise EngineUnavailable(str(error)) from error
        except errors.NotFoundError as error:
            raise EngineUnavailable(f"not found: {error}") from error
        except errors.TransportError as error:
            _refused_as_too_large(str(error))
            if error.status_code in (429, 500, 502, 503, 504) or error.status_code == "N/A":
                raise EngineUnavailable(str(error)) from error
            raise EngineError(str(error)) from error

    def search(self, index: str, body: dict) -> dict:
        return self._call(
            self.client.search,
            index=index,
            body=body,
            params={"filter_path": SEARCH_FILTER_PATH},
        )

    def msearch(self, index: str, bodies: list[dict], *, patient: bool = False) -> list[dict]:
        params = {"filter_path": MSEARCH_FILTER_PATH}
        if patient:
            params["request_timeout"] = max(self.timeout, BULK_TIMEOUT_SECONDS)
        answer = self._call(
            self.client.msearch, index=index, body=_ndjson(_msearch_lines(bodies)), params=params
        )
        return _msearch_answers(answer)

    def bulk(self, operations: list[dict], *, refresh: bool = False) -> dict:
        params = {
            "request_timeout": max(self.timeout, BULK_TIMEOUT_SECONDS),
            "filter_path": BULK_FILTER_PATH,
        }
        if refresh:
            params["refresh"] = "true"
        return self._call(self.client.bulk, body=_ndjson(operations), params=params)

    def index_document(self, index: str, doc_id: str, document: dict) -> None:
        self._call(self.client.index, index=index, id=doc_id, body=document)

    def delete_document(self, index: str, doc_id: str) -> None:
        self._call(self.client.delete, index=index, id=doc_id, ignore=404)

    def create_index(self, name: str, body: dict) -> None:
        self._call(self.client.indices.create, index=name, body=body)

    def delete_index(self, name: str) -> None:
        self._call(self.client.indices.delete, index=name, params={"ignore_unavailable": "true"})

    def alias_targets(self, alias: str) -> list[str]:
        # ignore=404: a missing alias is an answer, not an error worth a log line.
        answer = self._call(self.client.indices.get_alias, name=alias, ignore=404)
        return [] if answer.get("status") == 404 else sorted(answer)

    def indices_matching(self, pattern: str) -> list[str]:
        answer = self._call(
            self.client.indices.get, index=pattern, params={"allow_no_indices": "true"}
        )
        return sorted(answer)

    def update_aliases(self, actions: list[dict]) -> None:
        self._call(self.client.indices.update_aliases, body={"actions": actions})

    def refresh(self, index: str) -> None:
        self._call(
            self.client.indices.refresh,
            index=index,
            params={"request_timeout": max(self.timeout, BULK_TIMEOUT_SECONDS)},
        )

    def flush(self, index: str) -> None:
        self._call(
            self.client.indices.flush,
            index=index,
            params={"request_timeout": max(self.timeout, BULK_TIMEOUT_SECONDS)},
        )

    def put_settings(self, index: str, settings: dict) -> None:
        self._call(self.client.indices.put_settings, index=index, body={"index": settings})

    def mapped_fields(self, index: str) -> set[str]:
        answer = self._call(self.client.indices.get_mapping, index=index)
        return _fields_of_every_index(answer)

    def close_index(self, name: str) -> None:
        self._call(self.client.indices.close, index=name)

    def open_index(self, name: str) -> None:
        # Answers once every shard can search again.
        self._call(self.client.indices.open, index=name, params={"wait_for_active_shards": "all"})

    def ping(self) -> bool:
        return bool(self.client.ping())


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, url: str, timeout: float):
        from elasticsearch import Elasticsearch

        self.timeout = timeout
        self.client = Elasticsearch(
            node_urls(url),
            request_timeout=timeout,
            max_retries=len(node_urls(url)) - 1,
            retry_on_timeout=False,
        )

    def _call(self, method, *args, **kwargs):
        import elastic_transport
        from elasticsearch import ApiError, NotFoundError

        try:
            return method(*args, **kwargs).body
        except elastic_transport.ConnectionTimeout as error:
            raise EngineTimedOut(str(error)) from error
        except elastic_transport.ConnectionError as error:
            raise EngineUnavailable(str(error)) from error
        except NotFoundError as error:
            raise EngineUnavailable(f"not found: {error}") from error
        except ApiError as error:
            _refused_as_too_large(str(error))
            if error.status_code in (429, 500, 502, 503, 504):
                raise EngineUnavailable(str(error)) from error
            raise EngineError(str(error)) from error

    def search(self, index: str, body: dict) -> dict:
        return self._call(
            self.client.search,
            index=index,
            body=body,
            filter_path=SEARCH_FILTER_PATH.split(","),
        )

    def msearch(self, index: str, bodies: list[dict], *, patient: bool = False) -> list[dict]:
        client = self.client
        if patient:
            client = client.options(request_timeout=max(self.timeout, BULK_TIMEOUT_SECONDS))
        answer = self._call(
            client.msearch,
            index=index,
            searches=_msearch_lines(bodies),
            filter_path=MSEARCH_FILTER_PATH.split(","),
        )
        return _msearch_answers(answer)

    def bulk(self, operations: list[dict], *, refresh: bool = False) -> dict:
        client = self.client.options(request_timeout=max(self.timeout, BULK_TIMEOUT_SECONDS))
        return self._call(
            client.bulk,
            operations=operations,
            refresh=refresh,
            filter_path=BULK_FILTER_PATH.split(","),
        )

    def index_document(self, index: str, doc_id: str, document: dict) -> None:
        self._call(self.client.index, index=index, id=doc_id, document=document)

    def delete_document(self, index: str, doc_id: str) -> None:
        self._call(self.client.options(ignore_status=404).delete, index=index, id=doc_id)

    def create_index(self, name: str, body: dict) -> None:
        self._call(self.client.indices.create, index=name, **body)

    def delete_index(self, name: str) -> None:
        self._call(self.client.indices.delete, index=name, ignore_unavailable=True)

    def alias_targets(self, alias: str) -> list[str]:
        answer = self._call(self.client.options(ignore_status=404).indices.get_alias, name=alias)
        return [] if answer.get("status") == 404 else sorted(answer)

    def indices_matching(self, pattern: str) -> list[str]:
        return sorted(self._call(self.client.indices.get, index=pattern, allow_no_indices=True))

    def update_aliases(self, actions: list[dict]) -> None:
        self._call(self.client.indices.update_aliases, actions=actions)

    def refresh(self, index: str) -> None:
        client = self.client.options(request_timeout=max(self.timeout, BULK_TIMEOUT_SECONDS))
        self._call(client.indices.refresh, index=index)

    def flush(self, index: str) -> None:
        client = self.client.options(request_timeout=max(self.timeout, BULK_TIMEOUT_SECONDS))
        self._call(client.indices.flush, index=index)

    def put_settings(self, index: str, settings: dict) -> None:
        self._call(self.client.indices.put_settings, index=index, settings={"index": settings})

    def mapped_fields(self, index: str) -> set[str]:
        answer = self._call(self.client.indices.get_mapping, index=index)
        return _fields_of_every_index(answer)

    def close_index(self, name: str) -> None:
        self._call(self.client.indices.close, index=name)

    def open_index(self, name: str) -> None:
        # Answers once every shard can search again.
        self._call(self.client.indices.open, index=name, wait_for_active_shards="all")

    def ping(self) -> bool:
        return bool(self.client.ping())
