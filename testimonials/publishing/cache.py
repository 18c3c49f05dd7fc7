"""Rendered public answers, served again until what they show changes.

The published list and the education pages are rendered once per change
and kept at two levels:

- shared: the rendered bytes in the cache (Redis in production), under
  their ETag, which names the generation they were built at
  (`publishing.publication_state`; the pages add the statistics generation)
  and the address and channel asked for. Any process builds, every process
  reuses; a new generation makes every key unreachable.
- local: each process keeps the answers it served to anonymous readers
  last, per address, with their generation. The next anonymous request for
  the address is answered from there (a `304` when the reader's ETag is
  current) after one round trip to the cache that reads the generation and
  counts the request for the throttle. No query, no serializer.

Never stale: a change bumps the generation after it commits; an
authorization that runs out commits nothing, so the generation carries the
time of the first expiry and is stale from then on. A cache that is down
makes every request take the full path, which reads the database.
"""

import contextlib
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified

from testimonials.publishing.generation import (
    PAGE_KEY_PREFIX,
    STATE_KEY,
    STATS_KEY,
    PublicationState,
)

# Long enough to outlive any generation worth keeping, short enough that
# keys of old generations leave Redis on their own.
SHARED_TIMEOUT = 600
LOCAL_MAX_ENTRIES = 256
_REPLAYED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language")
# Set on the request by a replay that counted it for the throttle, so the
# full path does not count it twice.
COUNTED_ATTRIBUTE = "_public_read_count"


@dataclass(frozen=True, slots=True)
class Answer:
    validity: str
    etag: str
    status: int
    content: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]

    def response(self, request: HttpRequest) -> HttpResponseBase:
        if request.META.get("HTTP_IF_NONE_MATCH") == self.etag:
            answer: HttpResponseBase = HttpResponseNotModified()
        else:
            answer = HttpResponse(self.content, content_type=self.content_type, status=self.status)
        for name, value in self.headers:
            answer[name] = value
        return answer


_local: dict[tuple[str, ...], Answer] = {}


def forget_local() -> None:
    """Drop this process's answers (tests; the generation guards the rest)."""
    _local.clear()


def reader_language(request: HttpRequest) -> str:
    """LocaleMiddleware's choice from Accept-Language: the same address
    answers in English or Spanish, so every key below includes it."""
    return getattr(request, "LANGUAGE_CODE", "")


def etag_for(request: HttpRequest, validity: str, *qualifiers: str) -> str:
    """The ETag, and the shared cache key, of a public answer: what it was
    built from (`validity`), the address, the reader's language, and what
    else changes the answer but not the address (`qualifiers`: a site's
    channel)."""
    seen = " ".join([*qualifiers, reader_language(request), request.build_absolute_uri()])
    return f'"{validity}-{hashlib.sha256(seen.encode()).hexdigest()[:16]}"'


def _local_key(request: HttpRequest, kind: str) -> tuple[str, ...]:
    meta = request.META
    return (
        kind,
        meta.get("HTTP_X_FORWARDED_PROTO", ""),
        meta.get("wsgi.url_scheme", ""),
        meta.get("HTTP_HOST", ""),
        request.path,
        meta.get("QUERY_STRING", ""),
        reader_language(request),
    )


def remember(request: HttpRequest, kind: str, validity: str, response: HttpResponse) -> None:
    """Keep an answer built by the full path for the next anonymous request
    to the same address, while `validity` holds."""
    if response.status_code != 200 or validity.endswith(".db"):
        return
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[_local_key(request, kind)] = Answer(
        validity=validity,
        etag=response["ETag"],
        status=response.status_code,
        content=response.content,
        content_type=response["Content-Type"],
        headers=tuple(
            (name, response[name]) for name in _REPLAYED_HEADERS if response.has_header(name)
        ),
    )


# --- One round trip ---------------------------------------------------------

# The keys' values, then (with a counter key last and its window in ARGV[1])
# the counter incremented, starting its window when it is new. One command:
# a pipeline of the same costs more client CPU than the round trip itself.
_HOT_READ_LUA = """
local values = #KEYS
if ARGV[1] ~= '' then values = values - 1 end
local out = {}
for i = 1, values do
  out[i] = redis.call('GET', KEYS[i]) or false
end
if ARGV[1] ~= '' then
  local counter = KEYS[#KEYS]
  redis.call('SET', counter, 0, 'EX', ARGV[1], 'NX')
  out[values + 1] = redis.call('INCR', counter)
end
return out
"""

_redis: tuple[object, Any, Callable[[bytes], Any]] | None = None


def _redis_of(backend: RedisCache) -> tuple[Any, Callable[[bytes], Any]]:
    """The hot-read script on the Redis client behind Django's cache, made
    once per process: Django builds a new client object on every call, which
    costs more CPU than the round trip itself on the hot path."""
    global _redis
    if _redis is None or _redis[0] is not backend:
        inner: Any = backend._cache
        script = inner.get_client(write=True).register_script(_HOT_READ_LUA)
        _redis = (backend, script, inner._serializer.loads)
    return _redis[1], _redis[2]


def hot_read(
    keys: Sequence[str], *, counter: str | None = None, window: int = 60
) -> tuple[list[Any], int | None]:
    """The cached values of `keys`, and, with `counter`, that counter
    incremented (it starts at 0 and lives `window` seconds). With Redis, one
    round trip. Raises whatever the cache raises."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        script, loads = _redis_of(backend)
        redis_keys = [backend.make_key(key) for key in keys]
        if counter is not None:
            redis_keys.append(backend.make_key(counter))
        results = script(keys=redis_keys, args=[window if counter is not None else ""])
        values = [None if raw is None else loads(raw) for raw in results[: len(keys)]]
        return values, (int(results[-1]) if counter is not None else None)
    values = [backend.get(key) for key in keys]
    if counter is None:
        return values, None
    backend.add(counter, 0, timeout=window)
    try:
        count = backend.incr(counter)
    except ValueError:  # expired between the two calls
        backend.set(counter, 1, timeout=window)
        count = 1
    return values, count


def shared_get(key: str) -> bytes | None:
    value = _shared_value(key)
    return value if isinstance(value, bytes) else None


def shared_get_page(key: str) -> tuple[str, bytes] | None:
    """A rendered page and the language it is in (`shared_set_page`)."""
    value = _shared_value(key)
    if isinstance(value, tuple) and len(value) == 2:
        language, content = value
        if isinstance(language, str) and isinstance(content, bytes):
            return language, content
    return None


def _shared_value(key: str) -> Any:
    try:
        return caches["default"].get(f"{PAGE_KEY_PREFIX}{key}")
    except Exception:
        return None


def shared_set_page(key: str, language: str, content: bytes, *, validity: str) -> None:
    shared_set(key, (language, content), validity=validity)


def shared_set(key: str, content: bytes | tuple[str, bytes], *, validity: str) -> None:
    if validity.endswith(".db"):
        return  # built while the cache was down: its generation proves nothing
    # Down: the answer is served anyway, and the next request builds again.
    with contextlib.suppress(Exception):
        caches["default"].set(f"{PAGE_KEY_PREFIX}{key}", content, timeout=SHARED_TIMEOUT)


# --- The replays ------------------------------------------------------------


def _current(values: list[Any], now: float) -> PublicationState | None:
    cached = values[0]
    if not isinstance(cached, dict):
        return None
    try:
        state = PublicationState(**cached)
    except TypeError:
        return None
    return None if state.expired(now) else state


def replay_published(
    request: HttpRequest,
    *,
    throttle: Callable[[HttpRequest], tuple[str, int, int] | None],
    kind: str = "published",
) -> HttpResponseBase | None:
    """An anonymous GET of the published list (or another public read
    `remember`ed as `kind`, such as the locations) from this process's
    answers, or None for the full path. `throttle` names the request's
    counter, its limit and its window."""
    if request.method != "GET":
        return None
    meta = request.META
    if "HTTP_X_API_KEY" in meta or "HTTP_AUTHORIZATION" in meta:
        return None
    answer = _local.get(_local_key(request, kind))
    if answer is None:
        return None
    counted = throttle(request)
    counter, limit, window = counted if counted is not None else (None, 0, 60)
    try:
        values, count = hot_read([STATE_KEY], counter=counter, window=window)
    except Exception:
        return None
    if count is not None:
        setattr(request, COUNTED_ATTRIBUTE, count)
        if count > limit:
            return None
    state = _current(values, time.time())
    if state is None or state.generation != answer.validity:
        return None
    return answer.response(request)


def replay_page(request: HttpRequest) -> HttpResponseBase | None:
    """An education page from this process's answers, or None."""
    if request.method != "GET":
        return None
    answer = _local.get(_local_key(request, "page"))
    if answer is None:
        return None
    try:
        values, _ = hot_read([STATE_KEY, STATS_KEY])
    except Exception:
        return None
    state = _current(values, time.time())
    if state is None or f"{state.generation}/{values[1]}" != answer.validity:
        return None
    return answer.response(request)
