"""The HTTP API's contract: authentication, errors, OpenAPI, health and metrics."""
import re
import unittest

from harness import ServerTest


class ApiTest(ServerTest):
    def test_every_api_endpoint_requires_a_token(self):
        status, _, doc = self.server.request("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        paths = doc["paths"]
        self.assertGreaterEqual(len(paths), 10)
        for path, ops in paths.items():
            concrete = re.sub(r"\{zone\}", "raw", path)
            concrete = re.sub(r"\{[^}]+\}", "x", concrete)
            for method, op in ops.items():
                if op.get("security") == []:
                    continue  # public: logging in and the open-data portal
                for token in (None, "cdt_" + "0" * 64, "garbage"):
                    status, headers, body = self.server.request(method.upper(), concrete,
                                                                body=b"{}", token=token)
                    self.assertEqual(status, 401, f"{method} {concrete} with {token}")
                    self.assertEqual(body["error"]["code"], "unauthenticated")
                    self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))

    def test_errors_are_json_with_the_right_status(self):
        status, _, body = self.server.request("GET", "/api/v1/datasets/raw/nope")
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["code"], "not_found")
        status, _, body = self.server.request("GET", "/api/v1/datasets/gold/x")
        self.assertEqual(status, 400)
        status, _, body = self.server.request("POST", "/api/v1/departments", body=b"not json",
                                              headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("JSON", body["error"]["message"])
        status, _, body = self.server.request("POST", "/api/v1/departments",
                                              body={"code": "gaj", "name": "dup"})
        self.assertEqual(status, 409)
        status, _, body = self.server.request("GET", "/api/v1/datasets?limit=abc")
        self.assertEqual(status, 400)
        status, _, body = self.server.request("GET", "/api/v1/no/such/thing")
        self.assertEqual(status, 404)

    def test_health_and_metrics(self):
        status, _, body = self.server.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        path = self.write("a.csv", "id,name\n1,张三\n")
        self.server.ingest(path, "metric_probe")
        status, headers, text = self.server.request("GET", "/metrics", token=None)
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers["Content-Type"])
        self.assertIn("citydata_http_requests_total{", text)
        self.assertIn("citydata_http_request_duration_seconds_bucket{", text)
        self.assertRegex(text, r'citydata_ingested_rows_total\{zone="raw"\} 1')

    def test_departments_and_session(self):
        status, _, body = self.server.request("GET", "/api/v1/session")
        self.assertEqual(status, 200)
        self.assertEqual(body["role"], "admin")
        out = self.server.cli_json("depts")
        self.assertEqual([d["code"] for d in out["items"]], ["gaj"])
        bad = self.server.cli("depts", "add", "Bad Code", "x", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("not valid", bad.stderr)

    def test_console_placeholder_or_app_is_served(self):
        status, headers, text = self.server.request("GET", "/", token=None)
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["Content-Type"])
        self.assertIn("citydata", text.lower())
        status, _, _ = self.server.request("GET", "/../../etc/passwd", token=None)
        self.assertIn(status, (200, 400, 404))


if __name__ == "__main__":
    unittest.main()
