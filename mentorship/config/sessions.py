"""Sessions kept in the database and read from the shared cache.

Every signed-in request reads its session. Read from Redis it costs a cache
get instead of a database query; the database stays the record, so a Redis
restart or eviction loses no one's sign-in (Django's `cached_db`).

Django's `cached_db` would make every page fail while Redis is unreachable: it
writes a session read from the database back to the cache, and asks the cache
whether a new key is taken, without catching the error. Here a cache that
cannot be reached makes sessions slower, not broken: reads and new keys go to
the database alone, and a write the cache refused is logged.

Deleting a session (sign-out, `flush`) is the exception, and fails loudly: a
session deleted from the database but still kept in the cache would keep
whoever holds its cookie signed in once the cache answers again. The person
sees an error and signs out again; nobody is told "signed out" while a copy
remains.

`settings.SESSION_ENGINE` names this module only when the default cache is
shared between processes (Redis): with a per-process cache, one worker would
keep serving a session another had deleted.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # redis.ConnectionError, TimeoutError…, or an invalid key
            logger.warning("session cache unreachable; reading the session from the database", exc_info=True)
            return self._load_from_db(keep=False)
        if data is None:
            return self._load_from_db(keep=True)
        return data

    def _load_from_db(self, *, keep: bool) -> dict:
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        if keep:
            try:
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            except Exception:
                logger.warning("session cache unreachable; session not kept in it", exc_info=True)
        return data

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unreachable; asking the database whether the key is taken", exc_info=True)
        return super(CachedDBStore, self).exists(session_key)
