"""Read-only SQL over zones, and the catalog: search, describe, show."""
import json
import unittest

from harness import ServerTest


class QueryCatalogTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.server.ingest(self.write("hh.csv", "id,name\n1,张三\n2,李四\n3,王五\n"),
                           "household_registry", "--title", "户籍人口信息")
        self.server.ingest(self.write("ins.csv", "id,kind\n1,养老\n3,医疗\n"), "insurance",
                           "--title", "社保参保")

    def test_refuses_writes_and_tricks(self):
        for sql in ("DELETE FROM raw.household_registry", "DROP TABLE raw.insurance",
                    "ATTACH DATABASE '/tmp/evil.db' AS evil", "PRAGMA raw.table_info(insurance)",
                    "SELECT 1; DELETE FROM raw.insurance", "UPDATE raw.insurance SET kind = 'x'",
                    "CREATE TABLE raw.t(a)", "INSERT INTO raw.insurance VALUES (9, 'x')",
                    "SELECT * FROM raw._citydata_batches", ""):
            proc = self.server.cli("query", sql, check=False)
            self.assertEqual(proc.returncode, 1, sql)
            self.assertTrue(proc.stderr.startswith("error:"), sql)
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.insurance"), [[2]])
        status, _, body = self.server.request("POST", "/api/v1/query",
                                              body={"sql": "DELETE FROM raw.insurance"})
        self.assertEqual(status, 403)
        self.assertEqual(body["error"]["code"], "permission_denied")

    def test_join_formats_and_row_cap(self):
        rows = self.server.query("SELECT h.name, i.kind FROM raw.household_registry h "
                                 "JOIN raw.insurance i ON h.id = i.id ORDER BY h.id")
        self.assertEqual(rows, [["张三", "养老"], ["王五", "医疗"]])
        csv = self.server.cli("query", "SELECT id, name FROM raw.household_registry ORDER BY id",
                              "--format", "csv").stdout
        self.assertEqual(csv.splitlines(), ["id,name", "1,张三", "2,李四", "3,王五"])
        out = json.loads(self.server.cli("query", "SELECT id FROM raw.household_registry",
                                         "--max-rows", "2", "--format", "json").stdout)
        self.assertEqual(out["row_count"], 2)
        self.assertTrue(out["truncated"])
        capped = self.server.cli("query", "SELECT id FROM raw.household_registry ORDER BY id",
                                 "--max-rows", "2", "--format", "csv")
        self.assertEqual(capped.stdout.splitlines()[:3], ["id", "1", "2"])
        self.assertTrue(capped.stdout.splitlines()[-1].startswith("# truncated"))
        self.assertIn("truncated", capped.stderr)
        table = self.server.cli("query", "SELECT name FROM raw.household_registry").stdout
        self.assertIn("张三", table)

    def test_overview(self):
        status, _, o = self.server.request("GET", "/api/v1/overview")
        self.assertEqual(status, 200)
        self.assertEqual(o["totals"]["datasets"], 2)
        self.assertEqual(o["totals"]["rows"], 5)
        self.assertEqual(o["totals"]["departments"], 1)
        self.assertEqual(o["by_dept"], [{"dept": "gaj", "name": "市公安局", "datasets": 2, "rows": 5}])
        self.assertEqual(o["by_zone"][0]["zone"], "raw")
        self.assertEqual(sum(d["rows_loaded"] for d in o["ingests_by_day"]), 5)

    def test_time_limit(self):
        status, _, body = self.server.request("POST", "/api/v1/query", body={
            "sql": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n) "
                   "SELECT count(*) FROM n", "timeout_ms": 200})
        self.assertEqual(status, 504)
        self.assertEqual(body["error"]["code"], "deadline_exceeded")

    def test_search_describe_show(self):
        found = self.server.cli_json("datasets", "--search", "户籍")
        self.assertEqual([d["name"] for d in found["items"]], ["raw.household_registry"])
        self.assertEqual(found["total"], 1)
        by_column = self.server.cli_json("datasets", "--search", "kind")
        self.assertEqual([d["name"] for d in by_column["items"]], ["raw.insurance"])
        self.assertEqual(self.server.cli_json("datasets", "--zone", "std")["total"], 0)
        self.assertEqual(self.server.cli_json("datasets", "--dept", "gaj")["total"], 2)
        self.server.cli("describe", "raw.insurance", "--description", "人社局参保登记",
                        "--tags", "社保,民生", "--update-cycle", "monthly")
        shown = self.server.cli_json("show", "raw.insurance")
        self.assertEqual(shown["description"], "人社局参保登记")
        self.assertEqual(shown["tags"], ["社保", "民生"])
        self.assertEqual(shown["row_count"], 2)
        self.assertEqual(self.server.cli_json("datasets", "--search", "民生")["total"], 1)
        human = self.server.cli("show", "raw.household_registry").stdout
        self.assertIn("户籍人口信息", human)
        jobs = self.server.cli_json("jobs", "raw.insurance")
        self.assertEqual(jobs["items"][0]["state"], "succeeded")
        status, _, rows = self.server.request("GET", "/api/v1/datasets/raw/household_registry/rows?limit=2")
        self.assertEqual(status, 200)
        self.assertEqual(len(rows["rows"]), 2)


if __name__ == "__main__":
    unittest.main()
