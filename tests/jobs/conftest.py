"""Fixtures of the jobs tests. `opensearch_url`: one real OpenSearch node per test session,
fetched with Maven and started by jobs/opensearch_node.py (about 15 s; the first run also
downloads ~60 MB into ./.cache/opensearch)."""

from __future__ import annotations

import pytest

from devtools.opensearch_node import Node


@pytest.fixture(scope="session")
def opensearch_url():
    node = Node()
    url = node.start()
    yield url
    node.stop()
