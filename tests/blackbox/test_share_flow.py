"""The sharing workflow, black box (PRODUCT.md C11): a consumer requests catalog
resources; unconditional ones are granted at once, conditional ones wait for the
provider department's approvers (who may narrow the fields and the period, or reject
with a reason), not-shared ones are refused with their basis. The grant lets the
consumer (and its apps) read only the granted fields, masked by grade; revoking it or
its expiry stops every path. Every step leaves an audit record; the CLI drives it too."""
import datetime
import hashlib
import hmac
import http.client
import json
import sqlite3
import time
import urllib.parse
import uuid

from harness import Server, ServerTest, id_number

PASSWORD = "Correct-Horse-9"


def q(text):
    return urllib.parse.quote(text, safe="")


class ShareFlowTest(ServerTest):
    def setUp(self):
        super().setUp()
        s = self.server
        s.cli("depts", "add", "mzj", "市民政局")
        self.ids = [id_number("11010519800101%03d" % i) for i in range(60)]
        rows = ["姓名,身份证号,区县"] + [f"张{'伟芳娜洋'[i % 4]},{ident},{'东城区' if i % 2 else '西城区'}"
                                    for i, ident in enumerate(self.ids)]
        s.ingest(self.write("hukou.csv", "\n".join(rows) + "\n"), "hukou", dept="gaj")
        rows = ["年份,床位数"] + [f"{2000 + i},{100 + i}" for i in range(20)]
        s.ingest(self.write("beds.csv", "\n".join(rows) + "\n"), "beds", dept="gaj")
        self.tokens = {}
        for name, role, dept in (("pg", "provider", "gaj"), ("pm", "provider", "mzj"),
                                 ("cm", "consumer", "mzj"), ("au", "auditor", "")):
            status, _, body = s.request("POST", "/api/v1/users", body={
                "name": name, "dept": dept, "role": role, "password": PASSWORD})
            self.assertEqual(status, 201, body)
            status, _, body = s.request("POST", "/api/v1/login", token=None,
                                        body={"name": name, "password": PASSWORD})
            self.assertEqual(status, 200, body)
            self.tokens[name] = body["token"]
        self.hukou = self.publish("raw.hukou", "基础信息资源类/人口/户籍/户籍人口", "conditional",
                                  "仅用于社会救助核查")
        self.beds = self.publish("raw.beds", "主题信息资源类/社会保障/养老服务", "unconditional", "")

    def publish(self, dataset, classification, sharing, conditions):
        status, _, body = self.server.request("POST", "/api/v1/resources", token=self.tokens["pg"],
                                              body={"dataset": dataset,
                                                    "classification": classification,
                                                    "summary": "登记信息", "sharing": sharing,
                                                    "sharing_conditions": conditions,
                                                    "opening": "closed", "update_cycle": "daily"})
        self.assertEqual(status, 201, body)
        return body["code"]

    def call(self, method, path, who, body=None):
        return self.server.request(method, path, body=body, token=self.tokens[who])

    def ask(self, code, **fields):
        body = {"resource": code, "purpose": "低保资格核查", **fields}
        return self.call("POST", "/api/v1/share/requests", "cm", body)

    def rows(self, who_token):
        return self.server.request("GET", "/api/v1/datasets/raw/hukou/rows?limit=5",
                                   token=who_token)

    def test_request_approve_with_fewer_fields_read_masked_then_revoke(self):
        status, _, _ = self.rows(self.tokens["cm"])
        self.assertEqual(status, 403)
        status, _, req = self.ask(self.hukou, fields=["姓名", "身份证号", "区县"], days=30)
        self.assertEqual(status, 201, req)
        self.assertEqual(req["state"], "pending")
        self.assertFalse(req["overdue"])
        self.assertEqual(req["dept"], "gaj")
        status, _, _ = self.rows(self.tokens["cm"])
        self.assertEqual(status, 403, "a pending request grants nothing")

        # The approval inbox is the provider department's; others neither see nor decide.
        status, _, inbox = self.call("GET", "/api/v1/share/requests?box=inbox", "pg")
        self.assertEqual(status, 200, inbox)
        self.assertEqual([r["id"] for r in inbox["items"]], [req["id"]])
        status, _, inbox = self.call("GET", "/api/v1/share/requests?box=inbox", "pm")
        self.assertEqual(inbox["items"], [])
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "pm", {})
        self.assertEqual(status, 404, body)
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "cm", {})
        self.assertEqual(status, 403, body)
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "pg",
                                    {"days": 60})
        self.assertEqual(status, 400, body)
        self.assertIn("not lengthen", body["error"]["message"])

        status, _, done = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "pg",
                                    {"fields": ["身份证号", "区县"], "days": 7, "note": "仅限核查"})
        self.assertEqual(status, 200, done)
        self.assertEqual(done["state"], "approved")
        self.assertEqual(done["granted_fields"], ["身份证号", "区县"])
        self.assertEqual(done["granted_days"], 7)
        grant = done["grant_id"]
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/reject", "pg",
                                    {"reason": "second thoughts"})
        self.assertEqual(status, 422, body)
        self.assertIn("already approved", body["error"]["message"])

        # Only the granted fields, and the ID number masked for a general-1 consumer.
        status, _, page = self.rows(self.tokens["cm"])
        self.assertEqual(status, 200, page)
        self.assertEqual(page["columns"], ["身份证号", "区县"])
        for row in page["rows"]:
            self.assertNotIn(row[0], self.ids)
            self.assertIn("*", row[0])
        status, _, body = self.server.request("POST", "/api/v1/query", token=self.tokens["cm"],
                                              body={"sql": "SELECT 姓名 FROM raw.hukou"})
        self.assertNotEqual(status, 200, body)

        # An app of the consumer reads under the same grant.
        status, _, app = self.call("POST", "/api/v1/apps", "cm", {"name": "核查系统"})
        self.assertEqual(status, 201, app)
        status, _, page = self.rows(app["app_key"])
        self.assertEqual(status, 200, page)
        self.assertEqual(page["columns"], ["身份证号", "区县"])

        # Both sides see the grant; the provider sees who uses its data for what.
        status, _, mine = self.call("GET", "/api/v1/share/grants", "cm")
        self.assertEqual([(g["id"], g["resource_code"], g["delivery_mode"]) for g in mine["items"]],
                         [(grant, self.hukou, "api")])
        status, _, provided = self.call("GET", "/api/v1/share/grants?box=provided", "pg")
        self.assertEqual([(g["user"], g["purpose"]) for g in provided["items"]],
                         [("cm", "低保资格核查")])
        status, _, provided = self.call("GET", "/api/v1/share/grants?box=provided", "pm")
        self.assertEqual(provided["items"], [])
        status, _, _ = self.call("DELETE", f"/api/v1/share/grants/{grant}", "pm")
        self.assertEqual(status, 404)

        status, _, body = self.call("DELETE", f"/api/v1/share/grants/{grant}", "pg")
        self.assertEqual(status, 200, body)
        self.assertNotEqual(body["revoked_at"], "")
        for token in (self.tokens["cm"], app["app_key"]):
            status, _, _ = self.rows(token)
            self.assertEqual(status, 403)

        # Every step is in the audit trail.
        status, _, trail = self.server.request("GET", "/api/v1/audit?limit=200")
        actions = [(r["actor"], r["action"], r["outcome"]) for r in trail["items"]]
        self.assertIn(("cm", "request_data", "allowed"), actions)
        self.assertIn(("pg", "approve_requests", "allowed"), actions)
        self.assertIn(("cm", "approve_requests", "denied"), actions)
        self.assertIn(("pm", "approve_requests", "error"), actions)  # 404: not its department's
        self.assertIn(("pg", "request_data", "allowed"), actions)  # the revocation

    def signed_call(self, app, path, query, nonce=None):
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

    def test_the_whole_flow_through_an_api_service(self):
        # The provider offers the resource's dataset as a service with a parameter.
        status, _, svc = self.call("POST", "/api/v1/services", "pg", {
            "name": "hukou-check", "title": "户籍核查", "dataset": "raw.hukou",
            "params": [{"name": "district", "type": "text", "column": "区县"}]})
        self.assertEqual(status, 201, svc)
        service = "/api/v1/services/hukou-check"
        status, _, app = self.call("POST", "/api/v1/apps", "cm",
                                   {"name": "救助系统", "rate_per_minute": 5})
        self.assertEqual(status, 201, app)
        status, _, body = self.server.request("GET", service, token=app["app_key"])
        self.assertEqual(status, 403, body)  # no grant yet

        status, _, req = self.ask(self.hukou, fields=["姓名", "身份证号", "区县"])
        self.assertEqual(status, 201, req)
        status, _, done = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "pg",
                                    {"fields": ["身份证号", "区县"]})
        self.assertEqual(status, 200, done)

        # By bearer app key: only the granted fields, the ID number masked.
        status, _, page = self.server.request("GET", service + "?district=" + q("东城区"),
                                              token=app["app_key"])
        self.assertEqual(status, 200, page)
        self.assertEqual(page["columns"], ["身份证号", "区县"])
        self.assertTrue(page["items"])
        for record in page["items"]:
            self.assertEqual(record["区县"], "东城区")
            self.assertNotIn(record["身份证号"], self.ids)
        status, _, body = self.server.request("GET", service + "?fields=" + q("姓名"),
                                              token=app["app_key"])
        self.assertEqual(status, 403, body)  # a field the approver left out

        # By HMAC signature; the same nonce again is a replay.
        status, body, nonce = self.signed_call(app, service, {"district": "西城区"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["columns"], ["身份证号", "区县"])
        status, body, _ = self.signed_call(app, service, {"district": "西城区"}, nonce=nonce)
        self.assertEqual(status, 401, body)

        # The app's rate limit (5 a minute) runs out.
        statuses = [self.server.request("GET", service, token=app["app_key"])[0] for _ in range(6)]
        self.assertIn(429, statuses)
        status, headers, _ = self.server.request("GET", service, token=app["app_key"])
        self.assertEqual(status, 429)
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)

        # Revoked: a fresh app of the same consumer is refused too.
        status, _, _ = self.call("DELETE", f"/api/v1/share/grants/{done['grant_id']}", "pg")
        self.assertEqual(status, 200)
        status, _, fresh = self.call("POST", "/api/v1/apps", "cm", {"name": "新系统"})
        status, _, body = self.server.request("GET", service, token=fresh["app_key"])
        self.assertEqual(status, 403, body)

    def test_unconditional_is_granted_at_once_and_none_is_refused(self):
        status, _, req = self.ask(self.beds)
        self.assertEqual(status, 201, req)
        self.assertEqual(req["state"], "approved")
        self.assertTrue(req["automatic"])
        status, _, page = self.server.request("GET", "/api/v1/datasets/raw/beds/rows",
                                              token=self.tokens["cm"])
        self.assertEqual(status, 200, page)
        self.assertEqual(len(page["rows"]), 20)

        status, _, body = self.call("POST", f"/api/v1/resources/{q(self.hukou)}/unpublish", "pg",
                                    {"reason": "改版"})
        self.assertEqual(status, 200, body)
        none = self.publish("raw.hukou", "基础信息资源类/人口/户籍/户籍人口", "none",
                            "《中华人民共和国居民身份证法》第十九条")
        status, _, body = self.ask(none)
        self.assertEqual(status, 403, body)
        self.assertIn("居民身份证法", body["error"]["message"])

    def test_reject_bad_requests_and_who_may_ask(self):
        for fields, message in (({"purpose": ""}, "purpose"), ({"fields": ["无此项"]}, "无此项"),
                                ({"days": 0}, "period"), ({"delivery_mode": "fax"}, "delivery"),
                                ({"days": "ten"}, "days"), ({"emergency": "yes"}, "emergency"),
                                ({"purpose": "长" * 1000}, "longer than"), ({"fields": "姓名"}, "array")):
            status, _, body = self.ask(self.hukou, **fields)
            self.assertEqual(status, 400, (fields, body))
            self.assertIn(message, body["error"]["message"])
        status, _, body = self.ask("999999999/000001")
        self.assertEqual(status, 404, body)
        status, _, body = self.server.request("POST", "/api/v1/share/requests",
                                              token=self.tokens["au"],
                                              body={"resource": self.hukou, "purpose": "x"})
        self.assertEqual(status, 403, body)

        status, _, req = self.ask(self.hukou, emergency=True)
        self.assertEqual(status, 201, req)
        self.assertTrue(req["emergency"])
        created, deadline = (datetime.datetime.fromisoformat(req[k].replace("Z", "+00:00"))
                             for k in ("created_at", "deadline"))
        self.assertAlmostEqual((deadline - created).total_seconds(), 3600, delta=5)
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/reject", "pg", {})
        self.assertEqual(status, 400, body)
        status, _, body = self.call("POST", f"/api/v1/share/requests/{req['id']}/reject", "pg",
                                    {"reason": "用途与共享条件不符"})
        self.assertEqual(status, 200, body)
        status, _, shown = self.call("GET", f"/api/v1/share/requests/{req['id']}", "cm")
        self.assertEqual((shown["state"], shown["reason"]), ("rejected", "用途与共享条件不符"))
        status, _, body = self.call("GET", f"/api/v1/share/requests/{req['id']}", "pm")
        self.assertEqual(status, 404, body)

    def test_an_expired_grant_is_refused(self):
        status, _, req = self.ask(self.beds, days=1)
        self.assertEqual(status, 201, req)
        status, _, _ = self.server.request("GET", "/api/v1/datasets/raw/beds/rows",
                                           token=self.tokens["cm"])
        self.assertEqual(status, 200)
        # A day passes: the stored expiry moves into the past while the server is down.
        self.server.stop()
        db = sqlite3.connect(f"{self.server.data_dir}/identity.db")
        db.execute("UPDATE grants SET expires_at = '2020-01-01T00:00:00Z' WHERE id = ?",
                   (req["grant_id"],))
        db.commit()
        db.close()
        self.server.close_pipes()
        restarted = Server(data_dir=self.server.data_dir)
        restarted.tmp, restarted.config = self.server.tmp, self.server.config
        self.server = restarted.start()
        self.addCleanup(restarted.kill)
        status, _, login = self.server.request("POST", "/api/v1/login", token=None,
                                               body={"name": "cm", "password": PASSWORD})
        self.assertEqual(status, 200, login)
        status, _, body = self.server.request("GET", "/api/v1/datasets/raw/beds/rows",
                                              token=login["token"])
        self.assertEqual(status, 403, body)

    def test_file_delivery_of_the_granted_fields_masked_and_audited(self):
        status, _, req = self.ask(self.hukou, fields=["身份证号", "区县"], delivery_mode="file")
        self.assertEqual(status, 201, req)
        status, _, done = self.call("POST", f"/api/v1/share/requests/{req['id']}/approve", "pg", {})
        self.assertEqual(status, 200, done)
        grant = done["grant_id"]
        # A file grant delivers files, not API reads.
        status, _, _ = self.rows(self.tokens["cm"])
        self.assertEqual(status, 403)
        path = f"/api/v1/share/grants/{grant}/download"
        status, headers, text = self.call("GET", path + "?format=csv", "cm")
        self.assertEqual(status, 200, text)
        self.assertIn("attachment", headers["Content-Disposition"])
        lines = text.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0], "身份证号,区县")
        self.assertEqual(len(lines), 61)
        for line in lines[1:]:
            ident = line.split(",")[0]
            self.assertNotIn(ident, self.ids)
            self.assertEqual(ident[:6], "110105")
        status, _, records = self.call("GET", path + "?format=json", "cm")
        self.assertEqual(status, 200, records)
        self.assertEqual(sorted(records[0]), ["区县", "身份证号"])
        status, headers, _ = self.call("GET", path + "?format=xlsx", "cm")
        self.assertEqual(status, 200)
        self.assertIn("spreadsheetml", headers["Content-Type"])
        status, _, body = self.call("GET", path + "?format=pdf", "cm")
        self.assertEqual(status, 400, body)
        status, _, body = self.call("GET", path, "pg")
        self.assertEqual(status, 404, body)  # only the holder downloads

        out = f"{self.files}/delivery.xlsx"
        s = self.server
        env_token, s.token = s.token, self.tokens["cm"]
        self.assertIn("wrote", s.cli("share", "download", grant, "--format", "xlsx", "-o", out).stdout)
        s.token = env_token
        with open(out, "rb") as f:
            self.assertEqual(f.read(2), b"PK")

        status, _, trail = self.server.request("GET", "/api/v1/audit?action=data.read&user=cm")
        deliveries = [r for r in trail["items"] if "file delivery" in r["detail"]]
        self.assertGreaterEqual(len(deliveries), 3)
        self.assertIn(60, [r["rows"] for r in deliveries])

        status, _, _ = self.call("DELETE", f"/api/v1/share/grants/{grant}", "cm")
        self.assertEqual(status, 200)
        status, _, body = self.call("GET", path, "cm")
        self.assertEqual(status, 403, body)
        refused = []
        for _ in range(50):  # the audit trail is written by its own thread, in batches
            status, _, trail = self.server.request("GET", "/api/v1/audit?action=data.read&user=cm")
            refused = [r for r in trail["items"]
                       if r["actor"] == "cm" and "file delivery refused" in r["detail"]]
            if refused:
                break
            time.sleep(0.1)
        self.assertEqual([r["outcome"] for r in refused], ["denied"], refused)

    def test_the_cli_drives_the_workflow(self):
        s = self.server
        env_token = s.token
        s.token = self.tokens["cm"]
        out = s.cli("share", "request", self.hukou, "--purpose", "困难群众核查", "--fields",
                    "姓名,区县", "--days", "10", "--emergency").stdout
        self.assertIn("waiting for department gaj", out)
        mine = s.cli_json("share", "requests")
        request_id = mine["items"][0]["id"]
        s.token = self.tokens["pg"]
        inbox = s.cli("share", "requests", "--inbox").stdout
        self.assertIn(request_id, inbox)
        out = s.cli("share", "approve", request_id, "--fields", "区县", "--days", "5").stdout
        self.assertIn("granted", out)
        provided = s.cli_json("share", "grants", "--provided")
        grant = provided["items"][0]["id"]
        self.assertEqual(provided["items"][0]["columns"], ["区县"])
        s.token = self.tokens["cm"]
        self.assertIn(grant, s.cli("share", "grants").stdout)
        self.assertIn("revoked " + grant, s.cli("share", "revoke", grant).stdout)
        failed = s.cli("share", "reject", request_id, "--reason", "x", check=False)
        self.assertNotEqual(failed.returncode, 0)
        s.token = env_token
