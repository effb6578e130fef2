"""The sandbox, black box (PRODUCT.md C14, 数据可用不可见): a consumer holding a sandbox
grant runs SQL that may only return aggregates. Groups of fewer than k (10) rows are
suppressed and counted, raw rows and sensitive columns never come out, the same grant
reads nothing through the query or rows routes, noisy queries spend the grant's privacy
budget until it refuses them, and every query (refused ones too) is audited."""
import json
import urllib.parse

from harness import ServerTest, id_number

PASSWORD = "Correct-Horse-9"
# 200 people: districts of 120, 50, 20, 6, 3 and 1.
DISTRICTS = (("东城区", 120), ("西城区", 50), ("朝阳区", 20), ("海淀区", 6), ("丰台区", 3),
             ("石景山区", 1))
QUERY = "/api/v1/sandbox/query"


class SandboxTest(ServerTest):
    def setUp(self):
        super().setUp()
        s = self.server
        s.cli("depts", "add", "mzj", "市民政局")
        self.ids = []
        rows = ["sfzh,district,age_band,seq"]
        for district, size in DISTRICTS:
            for _ in range(size):
                ident = id_number("11010519800101%03d" % len(self.ids))
                self.ids.append(ident)
                rows.append(f"{ident},{district},{20 + 10 * (len(self.ids) % 5)},{len(self.ids)}")
        s.ingest(self.write("people.csv", "\n".join(rows) + "\n"), "people", dept="gaj")
        status, _, body = s.request("POST", "/api/v1/users", body={
            "name": "cm", "dept": "mzj", "role": "consumer", "clearance": "general-2",
            "password": PASSWORD})
        self.assertEqual(status, 201, body)
        status, _, body = s.request("POST", "/api/v1/login", token=None,
                                    body={"name": "cm", "password": PASSWORD})
        self.assertEqual(status, 200, body)
        self.consumer = body["token"]

    def grant(self, budget):
        status, _, body = self.server.request("POST", "/api/v1/grants", body={
            "user": "cm", "dataset": "raw.people", "purpose": "人口结构统计",
            "delivery_mode": "sandbox", "privacy_budget": budget})
        self.assertEqual(status, 201, body)
        return body["id"]

    def ask(self, sql, **fields):
        return self.server.request("POST", QUERY, body={"sql": sql, **fields},
                                   token=self.consumer)

    def answer(self, sql, **fields):
        status, _, body = self.ask(sql, **fields)
        self.assertEqual(status, 200, body)
        return body

    def refused(self, sql, status, words, **fields):
        got, _, body = self.ask(sql, **fields)
        self.assertEqual(got, status, (sql, body))
        self.assertIn(words, body["error"]["message"], sql)

    def test_only_aggregates_of_at_least_k_rows_leave(self):
        grant = self.grant(0)
        body = self.answer("SELECT district, count(*) AS n FROM raw.people GROUP BY district "
                           "ORDER BY n DESC")
        self.assertEqual(body["k"], 10)
        self.assertEqual(body["columns"], ["district", "n"])
        self.assertEqual(body["rows"], [["东城区", 120], ["西城区", 50], ["朝阳区", 20]])
        self.assertEqual(body["suppressed_groups"], 3)
        self.assertEqual(body["grant_id"], grant)
        self.assertEqual(body["epsilon_spent"], 0)

        # A unique key makes every group a single row: all suppressed.
        body = self.answer("SELECT seq, count(*) FROM raw.people GROUP BY seq")
        self.assertEqual(body["rows"], [])
        self.assertEqual(body["suppressed_groups"], 200)
        # Tiny groups made with WHERE are suppressed the same way.
        for where in ("district = '石景山区'", f"sfzh = '{self.ids[7]}'",
                      "district = '海淀区' AND age_band = 30"):
            body = self.answer(f"SELECT count(*), avg(age_band) FROM raw.people WHERE {where}")
            self.assertEqual((body["rows"], body["suppressed_groups"]), ([], 1), where)
        body = self.answer("SELECT count(DISTINCT sfzh) FROM raw.people WHERE district <> '东城区'")
        self.assertEqual(body["rows"], [[80]])

    def test_raw_rows_and_sensitive_columns_are_refused(self):
        self.grant(0)
        self.refused("SELECT * FROM raw.people", 400, "SELECT *")
        self.refused("SELECT sfzh, count(*) FROM raw.people GROUP BY sfzh", 403, "sfzh")
        self.refused("SELECT district FROM raw.people", 400, "output column 1")
        self.refused("SELECT max(age_band) FROM raw.people", 400, "reveals single values")
        self.refused("SELECT district, min(seq) FROM raw.people GROUP BY district", 400, "min()")
        self.refused(f"SELECT sum(CASE WHEN sfzh = '{self.ids[0]}' THEN age_band END) "
                     "FROM raw.people", 400, "one plain column")
        self.refused("SELECT count(*) FROM raw.people a JOIN raw.people b ON a.seq = b.seq", 400,
                     "exactly one dataset")
        # PostgreSQL nests comments and SQLite does not: this would output sfzh to SQLite.
        self.refused("SELECT count(*) /* /* */ , sfzh /* */ FROM raw.people", 400, "comment")
        self.refused("SELECT count(*) FROM raw.other", 403, "no sandbox grant")
        self.refused("", 400, "sql")

    def test_a_sandbox_grant_reads_no_rows(self):
        self.grant(0)
        status, _, body = self.server.request("POST", "/api/v1/query", token=self.consumer,
                                              body={"sql": "SELECT count(*) FROM raw.people"})
        self.assertEqual(status, 403, body)
        status, _, body = self.server.request("GET", "/api/v1/datasets/raw/people/rows?limit=5",
                                              token=self.consumer)
        self.assertEqual(status, 403, body)

    def test_without_a_sandbox_grant_the_sandbox_refuses(self):
        self.refused("SELECT count(*) FROM raw.people", 403, "no sandbox grant")
        status, _, body = self.server.request("POST", "/api/v1/grants", body={
            "user": "cm", "dataset": "raw.people", "purpose": "核查"})
        self.assertEqual(status, 201, body)
        self.refused("SELECT count(*) FROM raw.people", 403, "no sandbox grant")

    def test_noisy_queries_spend_the_budget_until_it_runs_out(self):
        grant = self.grant(1.0)
        self.refused("SELECT count(*) FROM raw.people", 400, "epsilon")
        sql = "SELECT district, count(*) FROM raw.people GROUP BY district ORDER BY district"
        body = self.answer(sql, epsilon=0.5)
        self.assertEqual(body["epsilon_spent"], 0.5)
        # Exact counts of suppressed groups would answer yes/no questions past the noise.
        self.assertIsNone(body["suppressed_groups"])
        self.assertIsNone(body["truncated"])
        self.assertAlmostEqual(body["budget_remaining"], 0.5)
        counts = dict(body["rows"])
        # Noise of scale 4 (two noisy values share epsilon 0.5): far below 60.
        self.assertLess(abs(counts["东城区"] - 120), 60)
        # A group is released on one noisy count and shows another (each its own draw),
        # so which small groups come out, and a shown count below k, are chance (the
        # one-row group passes k = 10 about one time in twenty).
        self.assertTrue(all(isinstance(c, int) and c >= 0 for c in counts.values()), counts)
        self.refused("SELECT sum(seq) FROM raw.people", 400, "clip", epsilon=0.1)
        self.refused("SELECT district, count(*) FROM raw.people GROUP BY district "
                     "HAVING count(*) > 5", 400, "HAVING", epsilon=0.1)
        body = self.answer("SELECT sum(seq), count(*) FROM raw.people", epsilon=0.5,
                           clip=[0, 200])
        self.assertAlmostEqual(body["budget_remaining"], 0.0)
        self.assertIsInstance(body["rows"][0][0], float)
        self.refused("SELECT count(*) FROM raw.people", 403, "exhausted", epsilon=0.1)
        status, _, grants = self.server.request("GET", "/api/v1/sandbox/grants",
                                                token=self.consumer)
        self.assertEqual(status, 200, grants)
        self.assertEqual([(g["id"], g["budget_remaining"]) for g in grants["items"]],
                         [(grant, 0.0)])

    def test_the_cli_queries_and_lists_grants(self):
        grant = self.grant(0)
        s = self.server
        admin = s.token
        s.token = self.consumer
        try:
            out = s.cli_json("sandbox", "query", "--sql",
                             "SELECT district, count(*) FROM raw.people GROUP BY district")
            self.assertEqual(out["suppressed_groups"], 3)
            self.assertEqual(sorted(r[1] for r in out["rows"]), [20, 50, 120])
            table = s.cli("sandbox", "query", "--sql", "SELECT count(*) FROM raw.people")
            self.assertIn("200", table.stdout)
            self.assertIn("0 suppressed", table.stderr)
            refused = s.cli("sandbox", "query", "--sql", "SELECT * FROM raw.people", check=False)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("SELECT *", refused.stderr)
            grants = s.cli_json("sandbox", "grants")
            self.assertEqual([g["id"] for g in grants["items"]], [grant])
        finally:
            s.token = admin

    def test_every_query_is_audited(self):
        grant = self.grant(0)
        self.answer("SELECT district, count(*) FROM raw.people GROUP BY district")
        self.ask("SELECT max(seq) FROM raw.people")
        self.ask("SELECT count(*) FROM raw.people", epsilon=0.3)
        path = "/api/v1/audit?" + urllib.parse.urlencode({"action": "sandbox.query"})
        status, _, page = self.server.request("GET", path)
        self.assertEqual(status, 200, page)
        records = page["items"]
        self.assertEqual(len(records), 3, json.dumps(records, ensure_ascii=False))
        self.assertEqual([r["outcome"] for r in records], ["error", "error", "allowed"])
        answered = records[2]
        self.assertEqual((answered["actor"], answered["target"], answered["rows"]),
                         ("cm", "raw.people", 3))
        self.assertIn(f"grant {grant}", answered["detail"])
        self.assertIn("suppressed groups 3", answered["detail"])
        self.assertIn("max(seq)", records[1]["detail"])
        self.assertIn("no privacy budget", records[0]["detail"])
