"""${{ values.name }}: fetches each target URL and reports its title and links.

Standard library only (urllib + html.parser), so the image needs no third-party packages.
Targets come from the TARGET_URLS environment variable (one URL per line or comma-separated),
which the DAG sets from the catalog entity's crawl-target links.
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

USER_AGENT = "crawler-platform/${{ values.name }} (+https://backstage.io)"
TIMEOUT_SECONDS = 30
MAX_BYTES = 5 * 1024 * 1024


class PageParser(HTMLParser):
    """Collects the page title and the absolute URLs of its links."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.title = ""
        self.links: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                url = urljoin(self.base_url, href)
                if url not in self.links:
                    self.links.append(url)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class PageResult:
    url: str
    status: int
    title: str = ""
    links: list[str] = field(default_factory=list)


def parse_page(url: str, html: str) -> PageResult:
    parser = PageParser(url)
    parser.feed(html)
    parser.close()
    return PageResult(url=url, status=200, title=parser.title.strip(), links=parser.links)


def fetch(url: str) -> PageResult:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        charset = response.headers.get_content_charset() or "utf-8"
        body = response.read(MAX_BYTES).decode(charset, errors="replace")
        result = parse_page(response.geturl(), body)
        result.status = response.status
        return result


def target_urls(environ: dict[str, str]) -> list[str]:
    raw = environ.get("TARGET_URLS", "")
    return [u.strip() for u in raw.replace(",", "\n").splitlines() if u.strip()]


def main() -> int:
    urls = target_urls(dict(os.environ))
    if not urls:
        print("TARGET_URLS is empty: nothing to crawl", file=sys.stderr)
        return 2
    failures = 0
    for url in urls:
        try:
            result = fetch(url)
            print(json.dumps(asdict(result)))
        except Exception as error:  # report every target, fail at the end
            failures += 1
            print(f"failed to crawl {url}: {error}", file=sys.stderr)
    print(f"crawled {len(urls) - failures} of {len(urls)} targets")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
