"""API services (API 超市): a provider publishes a dataset as a service; a consumer with an
API grant calls it through an app (bearer key and HMAC signature) and sees only the
granted fields, masked by clearance, with parameters, paging, rate limits, the grant's
revocation and expiry, call statistics and the per-service OpenAPI document."""
import datetime
import hashlib
import hmac
import http.client
import json
import time
import urllib.parse
import uuid

from harness import ServerTest, id_number

SERVICE = "/api/v1/services/people-lookup"


def iso_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class ServicesTest(ServerTest):
    def setUp(self):
        super().setUp()
        s = self.server
        s.cli("depts", "add", "mzj", "市民政局")
        self.ids = [id_number("11010519800101%03d" % i) for i in range(30)]
        districts = ["东城区", "西城区", "朝阳区"]
        rows = ["sfzh,xm,district,age,lxdh"] + [
            f"{ident},居民{i:02d},{districts[i % 3]},{20 + i},1380013{i:04d}"
            for i, ident in enumerate(self.ids)]
        s.ingest(self.write("people.csv", "\n".join(rows) + "\n"), "people")
        self.add_user("prov", "provider", "gaj")
        self.add_user("cal", "consumer", "mzj")
        self.prov = self.login("prov")
        self.cal = self.login("cal")
        status, _, body = s.request("POST", "/api/v1/services", {
            "name": "people-lookup", "title": "人口查询", "description": "按区县查询人口",
            "dataset": "raw.people",
            "params": [{"name": "district", "type": "text", "column": "district"},
                       {"name": "min_age", "type": "integer", "column": "age", "op": ">="}],
            "default_page_size": 10, "max_page_size": 100}, token=self.prov)
        self.assertEqual(status, 201, body)
        self.assertEqual([f["name"] for f in body["fields"]], ["sfzh", "xm", "district", "age", "lxdh"])
        status, _, self.grant = s.request("POST", "/api/v1/grants", {
            "user": "cal", "dataset": "raw.people", "columns": ["sfzh", "xm", "district", "age"],
            "purpose": "低保核查", "delivery_mode": "api"})
        self.assertEqual(status, 201, self.grant)

    def add_user(self, name, role, dept):
        status, _, body = self.server.request("POST", "/api/v1/users", {
            "name": name, "dept": dept, "role": role, "password": "password-1"})
        self.assertEqual(status, 201, body)

    def login(self, name):
        _, _, body = self.server.request("POST", "/api/v1/login",
                                         {"name": name, "password": "password-1"}, token=None)
        return body["token"]

    def create_app(self, **limits):
        status, _, app = self.server.request("POST", "/api/v1/apps", {"name": "低保系统", **limits},
                                             token=self.cal)
        self.assertEqual(status, 201, app)
        return app

    def call(self, app, query=None, path=SERVICE):
        target = path + ("?" + urllib.parse.urlencode(query) if query else "")
        return self.server.request("GET", target, token=app["app_key"])

    def signed(self, app, query, nonce=None, path=SERVICE):
        timestamp = str(int(time.time()))
        nonce = nonce or uuid.uuid4().hex
        canonical = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
        to_sign = "\n".join(["GET", path, canonical, timestamp, nonce])
        signature = hmac.new(app["secret"].encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.request("GET", path + "?" + urllib.parse.urlencode(query),
                     headers={"X-App-Key": app["app_key"], "X-Timestamp": timestamp,
                              "X-Nonce": nonce, "X-Signature": signature})
        resp = conn.getresponse()
        body = json.loads(resp.read().decode())
        conn.close()
        return resp.status, body, nonce

    def test_calls_return_granted_masked_fields_with_parameters_and_paging(self):
        app = self.create_app()
        status, _, page = self.call(app, {"district": "东城区", "limit": "4", "count": "true"})
        self.assertEqual(status, 200, page)
        self.assertEqual(page["columns"], ["sfzh", "xm", "district", "age"])  # no lxdh
        self.assertEqual(page["total"], 10)
        self.assertEqual(len(page["items"]), 4)
        self.assertTrue(all(r["district"] == "东城区" for r in page["items"]))
        # The consumer's clearance is below the ID number's level: masked in the engine.
        self.assertFalse({r["sfzh"] for r in page["items"]} & set(self.ids))
        self.assertTrue(all("*" in r["sfzh"] for r in page["items"]))
        # Paging: the next link leads through every matching row exactly once.
        self.assertTrue(all(r["xm"] == "居***" for r in page["items"]))  # a name: masked too
        seen = [r["age"] for r in page["items"]]
        while "next" in page:
            status, _, page = self.server.request("GET", page["next"], token=app["app_key"])
            self.assertEqual(status, 200, page)
            seen += [r["age"] for r in page["items"]]
        self.assertEqual(len(seen), 10)
        self.assertEqual(len(set(seen)), 10)
        # The same call signed with HMAC.
        status, body, nonce = self.signed(app, {"min_age": "45", "fields": "xm,age"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["columns"], ["xm", "age"])
        self.assertEqual(sorted(r["age"] for r in body["items"]), list(range(45, 50)))
        status, body, _ = self.signed(app, {"min_age": "45", "fields": "xm,age"}, nonce=nonce)
        self.assertEqual(status, 401)
        self.assertIn("replayed", body["error"]["message"])
        # A field outside the grant, a bad value, an unknown parameter, a bad limit.
        status, _, body = self.call(app, {"fields": "xm,lxdh"})
        self.assertEqual(status, 403, body)
        self.assertIn("lxdh", body["error"]["message"])
        status, _, body = self.call(app, {"min_age": "forty"})
        self.assertEqual(status, 400)
        self.assertIn("parameter 'min_age' must be an integer", body["error"]["message"])
        status, _, body = self.call(app, {"name": "x"})
        self.assertEqual(status, 400)
        self.assertIn("district", body["error"]["message"])
        self.assertEqual(self.call(app, {"limit": "1000"})[0], 400)
        # A value that looks like SQL is only a value.
        status, _, body = self.call(app, {"district": "东城区' OR '1'='1"})
        self.assertEqual((status, body["items"]), (200, []))
        # The administrator (core clearance) sees every column unmasked.
        status, _, body = self.server.request("GET", SERVICE + "?limit=100")
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(r["sfzh"] for r in body["items"]), sorted(self.ids))
        # Every call is audited as a read with the service and the app.
        _, _, audit = self.server.request("GET", "/api/v1/audit?limit=500")
        reads = [e for e in audit["items"] if e["action"] == "data.read"
                 and "service people-lookup" in e["detail"] and e["actor_kind"] == "app"]
        self.assertTrue(any(e["outcome"] == "allowed" and e["rows"] == 4 and
                            e["target"] == "raw.people" for e in reads), reads[:3])
        self.assertTrue(any(e["outcome"] == "denied" and "lxdh" in e["detail"] for e in reads))
        # Statistics: the consumer sees its app's calls, the provider every caller's.
        status, _, stats = self.server.request("GET", SERVICE + "/stats", token=self.cal)
        self.assertEqual(status, 200, stats)
        self.assertEqual({c["app_id"] for c in stats["by_app"]}, {app["id"]})
        mine = stats["by_app"][0]
        self.assertEqual(mine["calls"], 9)
        self.assertEqual(mine["errors"], 4)
        self.assertEqual(mine["rows"], 15)
        self.assertGreater(mine["latency_ms_p95"], 0)
        _, _, all_stats = self.server.request("GET", SERVICE + "/stats", token=self.prov)
        self.assertEqual(len(all_stats["by_app"]), 2)  # the app and the administrator's token

    def test_grant_revocation_expiry_and_file_mode_refuse_calls(self):
        app = self.create_app()
        self.assertEqual(self.call(app, {"limit": "1"})[0], 200)
        status, _, _ = self.server.request("DELETE", "/api/v1/grants/" + self.grant["id"])
        self.assertEqual(status, 200)
        status, _, body = self.call(app, {"limit": "1"})
        self.assertEqual(status, 403, body)
        self.assertIn("grant", body["error"]["message"])
        # A file-mode grant delivers exports, not service calls.
        status, _, _ = self.server.request("POST", "/api/v1/grants", {
            "user": "cal", "dataset": "raw.people", "delivery_mode": "file"})
        self.assertEqual(status, 201)
        self.assertEqual(self.call(app, {"limit": "1"})[0], 403)
        status, _, _ = self.server.request("POST", "/api/v1/grants", {
            "user": "cal", "dataset": "raw.people", "columns": ["xm"], "expires_at": iso_in(2)})
        self.assertEqual(status, 201)
        status, _, body = self.call(app, {"limit": "1"})
        self.assertEqual((status, body.get("columns")), (200, ["xm"]))
        time.sleep(3.2)  # until the grant has expired
        self.assertEqual(self.call(app, {"limit": "1"})[0], 403)

    def test_rate_limit_answers_429_with_retry_after(self):
        app = self.create_app(rate_per_minute=2)
        statuses = [self.call(app, {"limit": "1"}) for _ in range(3)]
        self.assertEqual([s[0] for s in statuses], [200, 200, 429])
        self.assertGreaterEqual(int(statuses[2][1]["Retry-After"]), 1)

    def test_publishing_listing_openapi_and_unpublishing(self):
        s = self.server
        # Only the dataset's owner publishes; a consumer may not.
        status, _, body = s.request("POST", "/api/v1/services", {
            "name": "other", "dataset": "raw.people"}, token=self.cal)
        self.assertEqual(status, 403)
        for bad in ({"name": "x y", "dataset": "raw.people"},
                    {"name": "bad-field", "dataset": "raw.people", "fields": ["nope"]},
                    {"name": "bad-col", "dataset": "raw.people",
                     "params": [{"name": "p", "column": "nope"}]},
                    {"name": "bad-query", "dataset": "raw.people",
                     "query": "SELECT * FROM raw.people WHERE age > :undeclared"}):
            status, _, body = s.request("POST", "/api/v1/services", bad, token=self.prov)
            self.assertEqual(status, 400, (bad, body))
        status, _, body = s.request("POST", "/api/v1/services", {
            "name": "people-lookup", "dataset": "raw.people"}, token=self.prov)
        self.assertEqual(status, 409)
        # A parameterized query service.
        status, _, body = s.request("POST", "/api/v1/services", {
            "name": "age-count", "dataset": "raw.people", "title": "各区人数",
            "query": "SELECT district, count(*) AS people FROM raw.people "
                     "WHERE age >= coalesce(:min_age, 0) GROUP BY district ORDER BY district",
            "params": [{"name": "min_age", "type": "integer"}]}, token=self.prov)
        self.assertEqual(status, 201, body)
        self.assertEqual([f["name"] for f in body["fields"]], ["district", "people"])
        app = self.create_app()
        status, _, body = self.call(app, {"min_age": "40"}, path="/api/v1/services/age-count")
        self.assertEqual(status, 200, body)
        self.assertEqual(sum(r["people"] for r in body["items"]), 10)
        # The OpenAPI document: parameters, fields, both security schemes.
        status, _, doc = s.request("GET", SERVICE + "/openapi.json", token=self.cal)
        self.assertEqual(status, 200)
        self.assertEqual(doc["openapi"][:2], "3.")
        op = doc["paths"][SERVICE]["get"]
        names = [p["name"] for p in op["parameters"]]
        self.assertEqual(names[:2], ["district", "min_age"])
        self.assertIn("limit", names)
        row = op["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertEqual(set(row["properties"]["items"]["items"]["properties"]),
                         {"sfzh", "xm", "district", "age", "lxdh"})
        self.assertEqual(set(doc["components"]["securitySchemes"]),
                         {"appKey", "hmacAppKey", "hmacTimestamp", "hmacNonce", "hmacSignature"})
        # Listing, unpublishing (the record stays), calls refused afterwards.
        _, _, listed = s.request("GET", "/api/v1/services", token=self.cal)
        self.assertEqual([x["name"] for x in listed["items"]], ["age-count", "people-lookup"])
        self.assertEqual(s.request("DELETE", SERVICE, token=self.cal)[0], 403)
        status, _, body = s.request("DELETE", SERVICE, token=self.prov)
        self.assertEqual((status, body["state"]), (200, "unpublished"))
        self.assertEqual(self.call(app, {"limit": "1"})[0], 404)
        _, _, listed = s.request("GET", "/api/v1/services", token=self.cal)
        self.assertEqual([x["name"] for x in listed["items"]], ["age-count"])
        # A withdrawn service's definition is shown to its owner only.
        _, _, listed = s.request("GET", "/api/v1/services?state=all", token=self.cal)
        self.assertEqual([x["name"] for x in listed["items"]], ["age-count"])
        _, _, listed = s.request("GET", "/api/v1/services?state=all", token=self.prov)
        self.assertEqual([x["name"] for x in listed["items"]], ["age-count", "people-lookup"])
        self.assertEqual([x["state"] for x in listed["items"]], ["published", "unpublished"])
        self.assertEqual(s.request("GET", SERVICE + "/openapi.json", token=self.cal)[0], 404)
        self.assertEqual(s.request("GET", SERVICE + "/openapi.json", token=self.prov)[0], 200)

    def test_cli_publishes_lists_calls_and_shows_stats(self):
        s = self.server
        spec = self.write("svc.json", json.dumps({
            "name": "cli-lookup", "dataset": "raw.people", "fields": ["xm", "district"],
            "params": [{"name": "district", "column": "district"}]}))
        published = s.cli_json("services", "publish", spec)
        self.assertEqual(published["name"], "cli-lookup")
        listed = s.cli_json("services", "list")
        self.assertIn("cli-lookup", [x["name"] for x in listed["items"]])
        shown = s.cli_json("services", "show", "cli-lookup")
        self.assertEqual(shown["dataset"], "raw.people")
        called = s.cli_json("services", "call", "cli-lookup", "--param", "district=西城区",
                            "--limit", "3")
        self.assertEqual(len(called["items"]), 3)
        self.assertTrue(all(r["district"] == "西城区" for r in called["items"]))
        table = s.cli("services", "call", "cli-lookup", "--param", "district=西城区").stdout
        self.assertIn("西城区", table)
        stats = s.cli_json("services", "stats", "cli-lookup")
        self.assertEqual(stats["total"]["calls"], 2)
        bad = s.cli("services", "call", "cli-lookup", "--param", "nodistrict", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("name=value", bad.stderr)
        unpublished = s.cli_json("services", "unpublish", "cli-lookup")
        self.assertEqual(unpublished["state"], "unpublished")


if __name__ == "__main__":
    import unittest
    unittest.main()
