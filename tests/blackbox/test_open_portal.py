"""The open-data portal (开放门户), black box: anonymous search with facets, the dataset
page, rows with q and filters, downloads as CSV, JSON and XLSX with their values,
masking still applied, closed and unpublished resources invisible (404), a sensitive
column refused for `open`, downloads audited, and the per-client rate limit (PRODUCT.md
C13)."""
import csv
import io
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse
import zipfile

from harness import Server, id_number

YANGLAO = "主题信息资源类/社会保障/养老服务"
HUKOU = "基础信息资源类/人口/户籍/户籍人口"
DISTRICTS = ["东城区", "西城区", "朝阳区"]


def q(text):
    return urllib.parse.quote(text, safe="")


def yanglao_csv():
    rows = ["机构名称,区,床位数,年份,联系电话"]
    for i in range(30):
        rows.append(f"幸福养老院{i:02d},{DISTRICTS[i % 3]},{100 + i},{2000 + i % 5},"
                    f"1381234{i:04d}")
    return "\n".join(rows) + "\n"


class OpenPortalBase(unittest.TestCase):
    RATE = "100000"

    def setUp(self):
        self.server = Server(extra_args=["--open-rate-limit", self.RATE]).start()
        self.addCleanup(self.server.cleanup)
        self.files = tempfile.mkdtemp(prefix="citydata_files_")
        self.addCleanup(shutil.rmtree, self.files, True)
        for code, name in (("gaj", "市公安局"), ("mzj", "市民政局")):
            self.server.cli("depts", "add", code, name)

    def ingest(self, name, text, dataset, dept):
        path = os.path.join(self.files, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        self.server.ingest(path, dataset, dept=dept)

    def publish(self, **fields):
        body = {"dataset": "raw.yanglao", "classification": YANGLAO, "name": "养老机构床位",
                "summary": "各区养老机构床位数", "sharing": "unconditional",
                "opening": "open", "update_cycle": "monthly",
                "items": ["机构名称", "区", "床位数", "年份"]}
        body.update(fields)
        return self.server.request("POST", "/api/v1/resources", body=body)

    def anon(self, path, **kw):
        return self.server.request("GET", path, token=None, **kw)


class OpenPortalTest(OpenPortalBase):
    def setUp(self):
        super().setUp()
        self.ingest("yanglao.csv", yanglao_csv(), "yanglao", "mzj")
        status, _, self.res = self.publish()
        self.assertEqual(status, 201, self.res)

    def test_a_sensitive_column_cannot_be_published_open(self):
        status, _, body = self.publish(items=[])  # every column, 联系电话 included
        self.assertEqual(status, 400, body)
        self.assertIn("联系电话", body["error"]["message"])
        rows = ["姓名,身份证号"] + [f"张三{i},{id_number('11010519800101%03d' % i)}"
                                    for i in range(20)]
        self.ingest("hukou.csv", "\n".join(rows) + "\n", "hukou", "gaj")
        status, _, body = self.publish(dataset="raw.hukou", classification=HUKOU, items=[])
        self.assertEqual(status, 400, body)
        self.assertIn("身份证号", body["error"]["message"])

    def test_search_facets_and_the_dataset_page_without_login(self):
        status, _, page = self.anon("/api/v1/open/datasets?search=" + q("养老"))
        self.assertEqual(status, 200, page)
        self.assertEqual(page["total"], 1)
        item = page["items"][0]
        self.assertEqual(item["code"], self.res["code"])
        self.assertEqual(item["slug"], self.res["code"].replace("/", "-"))
        self.assertNotIn("published_by", item)
        self.assertNotIn("dataset", item)  # the internal table name is not the public's
        self.assertEqual(page["facets"]["dept"], {"mzj": 1})
        self.assertEqual(page["facets"]["classification"], {YANGLAO: 1})
        self.assertEqual(page["facets"]["grade"], {self.res["grade"]: 1})
        self.assertEqual(self.anon("/api/v1/open/datasets?dept=gaj")[2]["total"], 0)
        self.assertEqual(self.anon("/api/v1/open/datasets?search=nothing")[2]["total"], 0)
        for key in (self.res["id"], q(self.res["code"]), item["slug"]):
            status, _, shown = self.anon("/api/v1/open/datasets/" + key)
            self.assertEqual(status, 200, shown)
            self.assertEqual([i["name"] for i in shown["items"]], ["机构名称", "区", "床位数", "年份"])
            self.assertTrue(shown["downloads"]["xlsx"].endswith(
                "/api/v1/open/datasets/%s/download?format=xlsx" % self.res["id"]))

    def test_rows_with_paging_text_and_filters(self):
        base = "/api/v1/open/datasets/%s/rows" % self.res["id"]
        status, _, page = self.anon(base + "?limit=5&offset=2")
        self.assertEqual(status, 200, page)
        self.assertEqual([f["name"] for f in page["fields"]], ["机构名称", "区", "床位数", "年份"])
        self.assertEqual(page["total"], 30)
        self.assertEqual(page["rows"][0], ["幸福养老院02", "朝阳区", 102, 2002])
        self.assertEqual(len(page["rows"]), 5)
        page = self.anon(base + "?q=" + q("院1"))[2]
        self.assertEqual(page["total"], 10)
        filters = q(json.dumps({"区": "西城区", "年份": 2001}, ensure_ascii=False))
        page = self.anon(base + "?filters=" + filters)[2]
        self.assertEqual(page["total"], 2, page)
        self.assertEqual({r[0] for r in page["rows"]}, {"幸福养老院01", "幸福养老院16"})
        # User text is a value, never SQL.
        for hostile in ("' OR '1'='1", "%", "_", "\") OR 1=1 --"):
            page = self.anon(base + "?q=" + q(hostile))[2]
            self.assertEqual(page["total"], 0, hostile)
            page = self.anon(base + "?filters=" + q(json.dumps({"区": hostile})))[2]
            self.assertEqual(page["total"], 0, hostile)
        # Only published items may be filtered on: the phone column does not exist here.
        status, _, body = self.anon(base + "?filters=" + q(json.dumps({"联系电话": "1"})))
        self.assertEqual(status, 400, body)
        status, _, body = self.anon(base + "?filters=" + q("[1]"))
        self.assertEqual(status, 400, body)
        status, _, body = self.anon(base + "?limit=1001")
        self.assertEqual(status, 400, body)

    def test_downloads_in_three_formats(self):
        base = "/api/v1/open/datasets/%s/download" % self.res["id"]
        status, headers, text = self.anon(base + "?format=csv")
        self.assertEqual(status, 200, text)
        self.assertIn("attachment", headers["Content-Disposition"])
        self.assertIn(self.res["code"].replace("/", "-") + ".csv", headers["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        self.assertEqual(rows[0], ["机构名称", "区", "床位数", "年份"])
        self.assertEqual(len(rows), 31)
        self.assertEqual(rows[5], ["幸福养老院04", "西城区", "104", "2004"])
        self.assertNotIn("1381234", text, "an unpublished column never leaves")

        status, headers, records = self.anon(base + "?format=json")
        self.assertEqual(status, 200, records)
        self.assertEqual(len(records), 30)
        self.assertEqual(records[29], {"机构名称": "幸福养老院29", "区": "朝阳区", "床位数": 129,
                                       "年份": 2004})

        sheet = self.xlsx_sheet(base + "?format=xlsx")
        self.assertIn("<t xml:space=\"preserve\">幸福养老院07</t>", sheet)
        self.assertIn("<c r=\"C9\"><v>107</v></c>", sheet)
        self.assertEqual(len(re.findall("<row ", sheet)), 31)

        status, _, body = self.anon(base + "?format=pdf")
        self.assertEqual(status, 400, body)

        records = self.server.request(
            "GET", "/api/v1/audit?action=data.read&limit=100")[2]["items"]
        downloads = [r for r in records if "download" in r["detail"]]
        self.assertEqual(sorted(r["detail"].rsplit(".", 1)[1] for r in downloads),
                         ["csv", "json", "xlsx"], records)
        for r in downloads:
            self.assertEqual(r["actor"], "public")
            self.assertEqual(r["actor_kind"], "anonymous")
            self.assertEqual(r["client"].split(":")[0], "127.0.0.1")
            self.assertEqual(r["target"], "raw.yanglao")
            self.assertEqual(r["rows"], 30)

    def xlsx_sheet(self, path):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertIn(".xlsx", response.getheader("Content-Disposition"))
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.assertIsNone(z.testzip())
            self.assertIn("[Content_Types].xml", z.namelist())
            return z.read("xl/worksheets/sheet1.xml").decode("utf-8")

    def test_values_graded_above_general_2_are_masked_for_the_public(self):
        # A steward re-grades a published column: the public now sees it masked.
        status, _, body = self.server.request(
            "PUT", "/api/v1/datasets/raw/yanglao/classification/" + q("机构名称"),
            body={"category": "none", "level": "general-4", "reason": "test"})
        self.assertEqual(status, 200, body)
        page = self.anon("/api/v1/open/datasets/%s/rows?limit=30" % self.res["id"])[2]
        names = [r[0] for r in page["rows"]]
        self.assertEqual(len(names), 30)
        self.assertFalse(any(n and n.startswith("幸福养老院") for n in names), names[:3])
        text = self.anon("/api/v1/open/datasets/%s/download?format=csv" % self.res["id"])[2]
        self.assertNotIn("幸福养老院", text)

    def test_closed_and_unpublished_resources_are_404(self):
        status, _, closed = self.publish(dataset="raw.yanglao", opening="closed")
        self.assertEqual(status, 201, closed)  # the next version, now closed
        for path in ("", "/rows", "/download?format=csv"):
            status, _, body = self.anon("/api/v1/open/datasets/%s%s" % (self.res["id"], path))
            self.assertEqual(status, 404, body)
        self.assertEqual(self.anon("/api/v1/open/datasets")[2]["total"], 0)
        status, _, _ = self.publish()
        self.assertEqual(status, 201)
        self.assertEqual(self.anon("/api/v1/open/datasets/" + self.res["id"])[0], 200)
        status, _, _ = self.server.request(
            "POST", "/api/v1/resources/%s/unpublish" % self.res["id"], body={"reason": "停更"})
        self.assertEqual(status, 200)
        self.assertEqual(self.anon("/api/v1/open/datasets/" + self.res["id"])[0], 404)
        self.assertEqual(self.anon("/api/v1/open/datasets/no-such")[0], 404)


class OpenRateLimitTest(OpenPortalBase):
    RATE = "5"

    def test_the_rate_limit_yields_429_with_retry_after(self):
        statuses = []
        for _ in range(8):
            status, headers, body = self.anon("/api/v1/open/datasets")
            statuses.append(status)
        self.assertEqual(statuses[:5], [200] * 5)
        self.assertEqual(statuses[-1], 429)
        self.assertEqual(body["error"]["code"], "rate_limited")
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        # The CKAN routes share the client's budget; logged-in routes are not limited.
        self.assertEqual(self.anon("/api/3/action/package_list")[0], 429)
        self.assertEqual(self.server.request("GET", "/api/v1/session")[0], 200)


if __name__ == "__main__":
    unittest.main()
