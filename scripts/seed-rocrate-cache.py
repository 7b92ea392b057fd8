"""Fill rocrate-validator's HTTP cache from local files, with no network.

usage: python seed-rocrate-cache.py CACHE URL=FILE [URL=FILE ...]

rocrate-validator fetches the RO-Crate JSON-LD context at run time. With
`--offline --cache-path CACHE` it reads it from a requests-cache SQLite file
(CACHE.sqlite) and reports every crate invalid when the context is missing
there. `rocrate-validator cache warm` needs the network; this script instead
stores each FILE as the response to a GET of URL, as the validator's own
session would have stored it, then reads each URL back from the cache alone
to prove the entry is there. Run it with the validators' venv Python.
"""

import io
import sys

import requests
import requests_cache
from requests.adapters import BaseAdapter
from urllib3 import HTTPResponse


class LocalFiles(BaseAdapter):
    """A transport adapter that answers each known URL with a local file."""

    def __init__(self, files):
        super().__init__()
        self.files = files

    def send(self, request, **kwargs):
        path = self.files.get(request.url)
        if path is None:
            raise requests.ConnectionError(f"no local file for {request.url}")
        with open(path, "rb") as f:
            body = f.read()
        raw = HTTPResponse(
            body=io.BytesIO(body),
            status=200,
            preload_content=False,
            headers={"Content-Type": "application/ld+json"},
        )
        response = requests.Response()
        response.status_code = 200
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        response.raw = raw
        response.headers = requests.structures.CaseInsensitiveDict(raw.headers)
        return response

    def close(self):
        pass


def session(cache, **settings):
    # The same settings as rocrate_validator.utils.http.HttpRequester, so the
    # validator finds the entries under the keys it looks for.
    return requests_cache.CachedSession(
        cache,
        backend="sqlite",
        expire_after=-1,
        allowable_methods=("GET",),
        allowable_codes=(200, 302, 404),
        **settings,
    )


def main(argv):
    if len(argv) < 3 or any("=" not in arg for arg in argv[2:]):
        sys.exit(__doc__.strip().splitlines()[2])
    cache = argv[1]
    files = dict(arg.split("=", 1) for arg in argv[2:])

    writer = session(cache)
    adapter = LocalFiles(files)
    writer.mount("https://", adapter)
    writer.mount("http://", adapter)
    for url in files:
        writer.get(url).json()
    writer.close()

    reader = session(cache, only_if_cached=True)
    for url, path in files.items():
        response = reader.get(url)
        with open(path, "rb") as f:
            expected = f.read()
        if response.status_code != 200 or response.content != expected:
            sys.exit(f"seed-rocrate-cache: {url} did not read back from {cache}.sqlite")


if __name__ == "__main__":
    main(sys.argv)
