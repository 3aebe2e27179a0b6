import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.main import fetch, parse_page, target_urls

PAGE = """<html><head><title> Example &amp; Co </title></head>
<body><a href="/about">About</a><a href="https://other.example/x">X</a>
<a href="#top">top</a><a href="/about">again</a></body></html>"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ParsePageTest(unittest.TestCase):
    def test_reads_the_title_and_absolute_links_once(self):
        result = parse_page("https://example.com/news/", PAGE)
        self.assertEqual(result.title, "Example & Co")
        self.assertEqual(
            result.links, ["https://example.com/about", "https://other.example/x"]
        )


class TargetUrlsTest(unittest.TestCase):
    def test_splits_lines_and_commas(self):
        env = {"TARGET_URLS": "https://a.example/\nhttps://b.example/, https://c.example/"}
        self.assertEqual(
            target_urls(env),
            ["https://a.example/", "https://b.example/", "https://c.example/"],
        )


class FetchTest(unittest.TestCase):
    def test_fetches_a_page_over_http(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_port}/news/"
            result = fetch(url)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(result.status, 200)
        self.assertEqual(result.title, "Example & Co")
        self.assertIn(f"http://127.0.0.1:{server.server_port}/about", result.links)


if __name__ == "__main__":
    unittest.main()
