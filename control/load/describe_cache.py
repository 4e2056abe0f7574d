"""One describe per object per ``migrate`` run, shared by every CumulusCI ``LoadData`` call of the run.

Each ``LoadData`` validates its mapping against the org: the global describe (``GET …/sobjects``) and the
describe of every object the mapping names (``GET …/sobjects/<name>/describe``). A run makes ~30 such
calls; without sharing they repeat the same describes ~30 times. :class:`DescribeCache` is created by the
run (its lifetime is the run's) and handed to CumulusCI through :class:`CachingAdapter`, a ``requests``
transport adapter mounted on the session of each task's own simple-salesforce client: a describe ``GET``
answered ``200`` once is served from the cache afterwards; every other request goes to the org unchanged.

The schema does not change during a run (``migrate`` never deploys metadata), so a cached describe stays
true for the run. Nothing is kept beyond the cache object the run holds.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

__all__ = ["DescribeCache", "CachingAdapter"]

# …/services/data/vNN.N/sobjects[/]  and  …/services/data/vNN.N/sobjects/<name>/describe[/]
_DESCRIBE = re.compile(r"/services/data/v\d+\.\d+/sobjects(?:/[A-Za-z0-9_]+/describe)?/?$")


class _Stored(NamedTuple):
    status: int
    headers: dict[str, str]
    content: bytes
    encoding: str | None


class DescribeCache:
    """Describe answers by URL (path and API version; query strings are never cached), with counts."""

    def __init__(self) -> None:
        self._answers: dict[str, _Stored] = {}
        self.fetched = 0   # describes sent to the org
        self.served = 0    # describes answered from the cache

    @staticmethod
    def cacheable(request: PreparedRequest) -> bool:
        url = str(request.url or "")
        return request.method == "GET" and "?" not in url and bool(_DESCRIBE.search(url))

    def get(self, url: str) -> _Stored | None:
        return self._answers.get(url.rstrip("/"))

    def put(self, url: str, response: Response) -> None:
        self._answers[url.rstrip("/")] = _Stored(response.status_code, dict(response.headers), response.content,
                                                 response.encoding)


class CachingAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` (with CumulusCI's own retry rule for 502/503/504) that answers describes from a
    :class:`DescribeCache`."""

    def __init__(self, cache: DescribeCache) -> None:
        super().__init__(max_retries=Retry(total=5, status_forcelist=(502, 503, 504), backoff_factor=0.3))
        self.cache = cache

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        if not self.cache.cacheable(request):
            return super().send(request, *args, **kwargs)
        url = str(request.url)
        stored = self.cache.get(url)
        if stored is None:
            response = super().send(request, *args, **kwargs)
            self.cache.fetched += 1
            if response.status_code == 200:
                self.cache.put(url, response)   # reads the body (describes are small)
            return response
        self.cache.served += 1
        response = Response()
        response.status_code = stored.status
        response.headers = CaseInsensitiveDict(stored.headers)
        response._content = stored.content   # requests' own way to build a finished response
        response.encoding = stored.encoding
        response.url = url
        response.request = request
        response.reason = "OK"
        return response
