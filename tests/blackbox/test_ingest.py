"""Ingest through the CLI: formats, encodings, rejects, types, idempotency, replace."""
import json
import unittest

from harness import ServerTest


class IngestTest(ServerTest):
    def test_rfc4180_edge_cases_and_nulls(self):
        data = ('\ufeff"id","note","addr"\r\n'
                '1,"line one\r\nline two","a, b"\r\n'
                '\r\n'
                '2,"say ""hi""",\r\n'
                '3,"",x\r\n')
        result = self.server.ingest(self.write("edge.csv", data), "edge")
        self.assertEqual(result["rows_read"], 3)
        self.assertEqual(result["rows_loaded"], 3)
        self.assertEqual(result["rows_rejected"], 0)
        self.assertTrue(result["reconciled"])
        rows = self.server.query("SELECT id, note, addr, addr IS NULL, note = '' "
                                 "FROM raw.edge ORDER BY id")
        self.assertEqual(rows[0][1], "line one\r\nline two")
        self.assertEqual(rows[0][2], "a, b")
        self.assertEqual(rows[1][1], 'say "hi"')
        self.assertEqual(rows[1][3], 1)  # unquoted empty field is NULL
        self.assertEqual(rows[2][4], 1)  # quoted empty field is ''

    def test_types_are_inferred_conservatively(self):
        data = ("sfzh,postcode,code,age,score,ok,birth,ts,phone,card\n"
                "11010519491231002X,010010,0102,30,1.5,true,1990-01-02,2023-01-05 08:30:00,"
                "13812345678,6222020200112233445\n"
                "110105194912310021,100000,0201,41,2.25,false,1991-12-31,2023-01-06T09:00:00,"
                "13912345678,6222020200112233446\n")
        result = self.server.ingest(self.write("types.csv", data), "types")
        types = {c["name"]: c["type"] for c in result["columns"]}
        self.assertEqual(types, {"sfzh": "text", "postcode": "text", "code": "text",
                                 "age": "integer", "score": "decimal", "ok": "boolean",
                                 "birth": "date", "ts": "timestamp", "phone": "text",
                                 "card": "text"})
        rows = self.server.query("SELECT postcode, card FROM raw.types ORDER BY age")
        self.assertEqual(rows[0], ["010010", "6222020200112233445"])
        show = self.server.cli_json("show", "raw.types")
        for key in ("name", "title", "dept", "row_count", "columns"):
            self.assertIn(key, show)
        age = next(c for c in show["columns"] if c["name"] == "age")
        for key in ("name", "type", "null_count", "distinct_count", "min", "max", "top_values"):
            self.assertIn(key, age)
        self.assertEqual(age["min"], "30")
        self.assertEqual(age["max"], "41")
        self.assertEqual(age["distinct_count"], 2)

    def test_ragged_rows_and_bad_bytes_are_rejected_with_line_numbers(self):
        data = b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n\xff\xfe,1,2\n10,11,12\n"
        result = self.server.ingest(self.write("ragged.csv", data), "ragged", "--encoding", "utf-8")
        self.assertEqual(result["rows_loaded"], 2)
        self.assertEqual(result["rows_rejected"], 3)
        rejects = self.server.cli_json("rejects", "raw.ragged")
        self.assertEqual(rejects["total"], 3)
        lines = sorted(r["line"] for r in rejects["items"])
        self.assertEqual(lines, [3, 4, 5])
        for r in rejects["items"]:
            self.assertTrue(r["reason"])
        human = self.server.cli("rejects", "raw.ragged").stdout
        self.assertIn("3 of 3 rejected rows", human)

    def test_gb18030_is_detected_and_converted(self):
        text = "姓名,住址\n张三,浙江省杭州市西湖区\n李四,北京市朝阳区\n"
        result = self.server.ingest(self.write("gbk.csv", text.encode("gb18030")), "gbk_people")
        self.assertEqual(result["encoding"], "gb18030")
        self.assertEqual(result["rows_loaded"], 2)
        rows = self.server.query('SELECT "姓名", "住址" FROM raw.gbk_people ORDER BY 1 DESC')
        self.assertIn(["张三", "浙江省杭州市西湖区"], rows)

    def test_batch_id_makes_resend_a_no_op_and_replace_swaps(self):
        path = self.write("b.csv", "id,v\n1,a\n2,b\n")
        first = self.server.ingest(path, "batches", "--batch-id", "2026-11-01")
        self.assertEqual(first["rows_loaded"], 2)
        again = self.server.ingest(path, "batches", "--batch-id", "2026-11-01")
        self.assertEqual(again["state"], "skipped")
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.batches"), [[2]])
        self.server.ingest(path, "batches")
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.batches"), [[4]])
        other = self.write("c.csv", "code\n007\n")
        self.server.ingest(other, "batches", "--mode", "replace")
        self.assertEqual(self.server.query("SELECT code FROM raw.batches"), [["007"]])
        mismatch = self.server.cli("ingest", path, "--dataset", "batches", check=False)
        self.assertNotEqual(mismatch.returncode, 0)
        self.assertIn("--mode replace", mismatch.stderr)

    def test_json_and_ndjson(self):
        arr = json.dumps([{"id": 1, "name": "王五", "tags": ["a"]}, {"id": 2, "extra": True},
                          "not an object"], ensure_ascii=False)
        result = self.server.ingest(self.write("a.json", arr), "json_arr")
        self.assertEqual(result["rows_loaded"], 2)
        self.assertEqual(result["rows_rejected"], 1)
        self.assertEqual([c["name"] for c in result["columns"]], ["id", "name", "tags", "extra"])
        rows = self.server.query("SELECT id, name, tags, extra FROM raw.json_arr ORDER BY id")
        self.assertEqual(rows[0][:3], [1, "王五", '["a"]'])
        self.assertIsNone(rows[1][1])
        nd = '{"station":"S01","pm25":12.5}\n\n{"station":"S02","pm25":null}\n{bad json}\n'
        result = self.server.ingest(self.write("air.ndjson", nd), "air")
        self.assertEqual((result["rows_loaded"], result["rows_rejected"]), (2, 1))

    def test_empty_and_header_only_files(self):
        empty = self.server.cli("ingest", self.write("empty.csv", ""), "--dataset", "empty",
                                "--dept", "gaj", check=False)
        self.assertEqual(empty.returncode, 1)
        self.assertIn("no columns", empty.stderr)
        result = self.server.ingest(self.write("h.csv", "a,b\n"), "header_only")
        self.assertEqual(result["rows_loaded"], 0)
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.header_only"), [[0]])

    def test_reserved_names_are_renamed_or_refused(self):
        result = self.server.ingest(self.write("r.csv", "id,rowid,OID\n1,a,b\n2,c,d\n"), "reserved")
        self.assertEqual([c["name"] for c in result["columns"]], ["id", "rowid_col", "OID_col"])
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.reserved"), [[2]])
        proc = self.server.cli("ingest", self.write("s.csv", "a\n1\n"), "--dataset", "sqlite_x",
                               "--dept", "gaj", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("reserved", proc.stderr)

    def test_new_dataset_needs_a_known_department(self):
        path = self.write("x.csv", "a\n1\n")
        proc = self.server.cli("ingest", path, "--dataset", "x", check=False)
        self.assertIn("--dept", proc.stderr)
        proc = self.server.cli("ingest", path, "--dataset", "x", "--dept", "nope", check=False)
        self.assertIn("does not exist", proc.stderr)
        proc = self.server.cli("ingest", path, "--dataset", "Bad-Name", "--dept", "gaj", check=False)
        self.assertIn("not valid", proc.stderr)


if __name__ == "__main__":
    unittest.main()
