"""The Redis cache backend reuses one client per connection pool."""

import pytest

from conftest import require
from mentorship.config.cache import RedisCache
from tests.test_deploy import manage


def redis_cache(location="redis://127.0.0.1:6379/15"):
    return RedisCache(location, {})


def test_one_client_serves_every_operation():
    cache = redis_cache()

    first = cache._cache.get_client("a")
    # Django's own client wraps the pool in a new redis.Redis on every call.
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first


def test_a_replica_for_reads_gets_its_own_client():
    cache = redis_cache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15")

    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()

    assert writer is not reader
    assert writer.connection_pool is not reader.connection_pool
    assert cache._cache.get_client() is reader


def test_settings_use_it_for_a_redis_url(tmp_path):
    result = manage(
        tmp_path, "shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "mentorship.config.cache.RedisCache"


@pytest.mark.celery_worker
def test_it_reads_and_writes_a_real_redis():
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping()
        reachable = True
    except redis.RedisError:
        reachable = False
    require(reachable, "Redis is not reachable on 127.0.0.1:6379")
    cache = redis_cache()
    cache.set("cache-backend-test", {"n": 1}, 30)
    assert cache.get("cache-backend-test") == {"n": 1}
    cache.delete("cache-backend-test")
    assert cache.get("cache-backend-test") is None
