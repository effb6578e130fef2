"""Standards and quality through the CLI: mapping, standardization, plans, runs, gates."""
import json
import unittest

from harness import ServerTest

PEOPLE = ("xm,sfzh,xb,csrq,lxdh\n"
          "张三,11010519491231002X,男,1949年12月31日,13812345678\n"
          "李四,110105194912310021,女,1949/12/31,1381234567\n"
          "王五,11010519491231002x,M,19491231,13912345678\n"
          ",110105194912310023,未知值,2023-02-29,\n")

PLAN = """dataset: raw.people
key: sfzh
rules:
  - {id: id_ok, column: sfzh, type: id_card, mostly: 0.5}
  - {id: name_present, column: xm, type: not_null, gate: true}
  - {id: phone_ok, column: lxdh, type: mobile, severity: warning}
  - {id: sex_coded, column: xb, type: in_set, values: ["男", "女"]}
"""


class GovernanceTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.server.ingest(self.write("people.csv", PEOPLE), "people", "--title", "户籍人口")

    def test_standards_elements_codes_mapping_and_standardize(self):
        elements = self.server.cli_json("standards", "elements", "--search", "身份")
        self.assertIn("id_number", [e["id"] for e in elements["items"]])
        sex = self.server.cli_json("standards", "codes", "GB/T 2261.1")
        self.assertEqual([e["code"] for e in sex["entries"]], ["0", "1", "2", "9"])
        ethnic = self.server.cli_json("standards", "codes", "GB 3304")
        self.assertEqual(len(ethnic["entries"]), 56)
        county = self.write("county.csv", "code,name\n330106,西湖区\n330108,滨江区\n")
        self.server.cli("standards", "codes", "import", county, "--id", "local.county",
                        "--name", "区县")
        self.assertEqual(len(self.server.cli_json("standards", "codes", "local.county")["entries"]), 2)

        mapping = self.server.cli_json("standards", "map", "raw.people")
        suggested = {m["column"]: m["element"] for m in mapping["suggested"]}
        self.assertEqual(suggested.get("sfzh"), "id_number")
        self.assertEqual(suggested.get("xb"), "sex")
        stored = self.server.cli_json("standards", "map", "raw.people", "--accept",
                                      "--set", "xm=name", "--set", "csrq=birth_date")
        self.assertTrue(all(m["confirmed"] for m in stored["stored"]))
        result = self.server.cli_json("standardize", "raw.people", "--to", "std.people")
        self.assertEqual(result["rows"], 4)
        # 未知值 (no sex code), 2023-02-29 (not a date), 1381234567 (not a mobile number)
        self.assertEqual(result["failed_values"], 3)
        rows = self.server.query("SELECT id_number, sex, birth_date FROM std.people ORDER BY rowid")
        self.assertEqual(rows[0], ["11010519491231002X", "1", "1949-12-31"])
        self.assertEqual(rows[2][0], "11010519491231002X")
        self.assertIsNone(rows[3][1])
        self.assertEqual(self.server.cli_json("rejects", "std.people")["total"], 3)

    def test_plan_run_issues_and_gate(self):
        plan = self.write("plan.yaml", PLAN)
        applied = self.server.cli_json("quality", "apply", plan)
        self.assertEqual(len(applied["rules"]), 4)
        run = self.server.cli_json("quality", "run", "raw.people")
        failed = {r["id"]: r["failed"] for r in run["rules"]}
        self.assertEqual(failed, {"id_ok": 3, "name_present": 1, "phone_ok": 1, "sex_coded": 2})
        self.assertIn("completeness", run["dimensions"])
        self.assertTrue(0 <= run["score"] <= 100)
        issues = self.server.cli("quality", "issues", "raw.people", "--rule", "id_ok",
                                 "--format", "csv").stdout.splitlines()
        self.assertEqual(len(issues), 4)  # header + 3 failing rows
        self.assertTrue(any("11010519491231002x" in line for line in issues))
        human = self.server.cli("quality", "run", "raw.people").stdout
        self.assertIn("id_ok", human)
        report = self.server.cli("quality", "report", "raw.people").stdout
        self.assertIn("<html", report)
        self.assertIn("id_ok", report)
        self.assertNotIn("<script", report)
        suggested = self.server.cli("quality", "suggest", "raw.people").stdout
        self.assertIn("dataset: raw.people", suggested)
        self.assertIn("not_null_sfzh", suggested)
        self.assertIn("row_count", suggested)

        bad = self.write("bad.csv", "xm,sfzh,xb,csrq,lxdh\n,11010519491231002X,男,2000-01-01,\n")
        held = self.server.ingest(bad, "people")
        self.assertEqual(held["state"], "quarantined")
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.people"), [[4]])
        jobs = self.server.cli_json("jobs", "raw.people")["items"]
        self.assertEqual(jobs[0]["state"], "quarantined")
        released = self.server.cli_json("quality", "release", held["job_id"])
        self.assertEqual(released["state"], "succeeded")
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.people"), [[5]])
        self.assertEqual(self.server.cli_json("show", "raw.people")["row_count"], 5)
        again = self.server.ingest(bad, "people")
        self.assertEqual(again["state"], "quarantined")
        self.server.cli("quality", "discard", again["job_id"])
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.people"), [[5]])
        runs = self.server.cli_json("quality", "runs", "raw.people")["items"]
        self.assertGreaterEqual(len(runs), 3)

    def test_bad_plans_are_refused_clearly(self):
        for text, needle in (("dataset: raw.people\nrules: [{column: sfzh, type: idcard}]", "idcard"),
                             ("dataset: raw.nope\nrules: []", "does not exist"),
                             ("dataset: raw.people\nrules: [{column: nope, type: not_null}]", "nope"),
                             ("dataset: raw.people\nrules: [{column: xm, type: regex, pattern: '('}]", "")):
            proc = self.server.cli("quality", "apply", self.write("p.yaml", text), check=False)
            self.assertEqual(proc.returncode, 1, text)
            self.assertIn(needle, proc.stderr)


if __name__ == "__main__":
    unittest.main()
