"""Apps: a consumer's client credentials, by bearer app key and by HMAC-SHA256 signed
request, with replay and staleness refused, read-only rights, rate limits and quotas."""
import hashlib
import hmac
import http.client
import time
import urllib.parse
import uuid

from harness import ServerTest, id_number


class AppsTest(ServerTest):
    def setUp(self):
        super().setUp()
        s = self.server
        s.cli("depts", "add", "mzj", "市民政局")
        self.ids = [id_number("11010519800101%03d" % i) for i in range(50)]
        rows = ["sfzh,district"] + [f"{ident},东城区" for ident in self.ids]
        s.ingest(self.write("people.csv", "\n".join(rows) + "\n"), "people")
        status, _, _ = s.request("POST", "/api/v1/users", {
            "name": "cal", "dept": "mzj", "role": "consumer", "password": "password-1"})
        self.assertEqual(status, 201)
        status, _, _ = s.request("POST", "/api/v1/grants", {"user": "cal", "dataset": "raw.people"})
        self.assertEqual(status, 201)
        _, _, login = s.request("POST", "/api/v1/login", {"name": "cal", "password": "password-1"},
                                token=None)
        self.cal = login["token"]

    def create_app(self, **limits):
        status, _, app = self.server.request("POST", "/api/v1/apps", {"name": "核查系统", **limits},
                                             token=self.cal)
        self.assertEqual(status, 201, app)
        self.assertTrue(app["app_key"].startswith("cda_") and app["secret"].startswith("cds_"))
        return app

    def signed(self, app, path, query, nonce=None, timestamp=None, secret=None):
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        nonce = nonce or uuid.uuid4().hex
        canonical = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
        to_sign = "\n".join(["GET", path, canonical, timestamp, nonce])
        signature = hmac.new((secret or app["secret"]).encode(), to_sign.encode(),
                             hashlib.sha256).hexdigest()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        target = path + ("?" + urllib.parse.urlencode(query) if query else "")
        conn.request("GET", target, headers={"X-App-Key": app["app_key"], "X-Timestamp": timestamp,
                                             "X-Nonce": nonce, "X-Signature": signature})
        resp = conn.getresponse()
        body = resp.read().decode()
        conn.close()
        return resp.status, dict(resp.getheaders()), body, nonce

    def test_bearer_and_signed_calls_see_the_owner_view(self):
        app = self.create_app()
        status, _, rows = self.server.request("POST", "/api/v1/query",
                                              {"sql": "SELECT sfzh FROM raw.people"},
                                              token=app["app_key"])
        self.assertEqual(status, 200, rows)
        values = [r[0] for r in rows["rows"]]
        self.assertEqual(len(values), 50)
        self.assertFalse(set(values) & set(self.ids))  # masked: the consumer's view
        path = "/api/v1/datasets/raw/people/rows"
        status, _, body, nonce = self.signed(app, path, {"limit": "5", "offset": "0"})
        self.assertEqual(status, 200, body)
        self.assertNotIn(self.ids[0], body)
        self.assertIn("********", body)
        # The same nonce again is a replay.
        status, _, body, _ = self.signed(app, path, {"limit": "5", "offset": "0"}, nonce=nonce)
        self.assertEqual(status, 401)
        self.assertIn("replayed", body)
        status, _, body, _ = self.signed(app, path, {"limit": "5"},
                                         timestamp=str(int(time.time()) - 3600))
        self.assertEqual(status, 401)
        self.assertIn("X-Timestamp", body)
        status, _, body, _ = self.signed(app, path, {"limit": "5"}, secret="cds_wrong")
        self.assertEqual(status, 401)
        self.assertIn("signature", body)
        # Apps only read.
        status, _, _ = self.server.request("POST", "/api/v1/tokens", {"name": "x"},
                                           token=app["app_key"])
        self.assertEqual(status, 403)
        # The audit names the app and its user.
        _, _, audit = self.server.request("GET", "/api/v1/audit?limit=200")
        reads = [r for r in audit["items"] if r["actor_kind"] == "app" and r["outcome"] == "allowed"]
        self.assertTrue(reads)
        self.assertTrue(all("of cal" in r["detail"] for r in reads))
        # Revoked: refused at once.
        status, _, _ = self.server.request("DELETE", "/api/v1/apps/" + app["id"], token=self.cal)
        self.assertEqual(status, 200)
        status, _, _ = self.server.request("GET", "/api/v1/session", token=app["app_key"])
        self.assertEqual(status, 401)

    def test_rate_limit_and_quota(self):
        app = self.create_app(rate_per_minute=2)
        statuses = [self.server.request("GET", "/api/v1/session", token=app["app_key"])
                    for _ in range(3)]
        self.assertEqual([s[0] for s in statuses], [200, 200, 429])
        self.assertGreaterEqual(int(statuses[2][1]["Retry-After"]), 1)
        quota = self.create_app(daily_quota=1)
        self.assertEqual(self.server.request("GET", "/api/v1/session",
                                             token=quota["app_key"])[0], 200)
        status, headers, body = self.server.request("GET", "/api/v1/session",
                                                    token=quota["app_key"])
        self.assertEqual(status, 429)
        self.assertIn("quota", body["error"]["message"])
        self.assertIn("Retry-After", headers)
        # Listing: the owner sees both apps; another consumer sees none of them.
        _, _, mine = self.server.request("GET", "/api/v1/apps", token=self.cal)
        self.assertEqual(len(mine["items"]), 2)
        status, _, _ = self.server.request("POST", "/api/v1/apps",
                                           {"name": "bad", "rate_per_minute": 0}, token=self.cal)
        self.assertEqual(status, 400)
