"""KHO_INDEX_URL with several Elasticsearch nodes: validated, and a dead node is skipped."""

from __future__ import annotations

import pytest
from cluster_helpers import free_port

from kho.errors import ConfigError
from kho.settings import load_settings
from search.es_index import ElasticsearchIndex


def test_several_nodes_are_split_and_bad_lists_refused_naming_the_variable() -> None:
    settings = load_settings(environ={"KHO_INDEX_URL": "http://es1:9200, https://es2:9200,http://es3:9200"})
    assert settings.index_nodes == ["http://es1:9200", "https://es2:9200", "http://es3:9200"]
    assert load_settings(environ={"KHO_INDEX_URL": "http://es1:9200"}).index_nodes == ["http://es1:9200"]
    for bad in ("http://es1:9200,es2:9200", "sqlite:///a.db,http://es1:9200"):
        with pytest.raises(ConfigError) as caught:
            load_settings(environ={"KHO_INDEX_URL": bad})
        assert caught.value.subject == "KHO_INDEX_URL"


@pytest.mark.integration
def test_a_dead_node_in_the_list_is_skipped(es_url: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    settings = load_settings(environ={}, overrides={"index_url": f"{dead},{es_url}"})
    index = ElasticsearchIndex.from_settings(settings)
    try:
        assert len(index.client.transport.node_pool.all()) == 2
        assert all(index.client.cluster.health()["status"] in ("green", "yellow") for _ in range(6))
    finally:
        index.client.close()
