"""Search tests run the same behaviour against the live engine and the database.

Engine tests use SEARCH_TEST_URL (default http://127.0.0.1:9200). Locally they are skipped
with the reason when nothing answers there; under CI=true they fail instead, since CI must
run every one of them.
"""
