"""The resource catalog (政务信息资源目录), black box: publishing as the owning provider
and refusals for others, facets and Chinese search, `open` refused for sensitive items,
unpublishing with history, the exports (JSON, CSV, DCAT-AP JSON-LD) and the CLI
(PRODUCT.md C11)."""
import csv
import io
import json
import os
import urllib.parse

from harness import ServerTest, id_number

PASSWORD = "Correct-Horse-9"
HUKOU = "基础信息资源类/人口/户籍/户籍人口"


def q(text):
    return urllib.parse.quote(text, safe="")


class ShareCatalogTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.server.cli("depts", "add", "mzj", "市民政局")
        names = ["张晓伟", "王芳芳", "李娜娜", "刘洋洋"]
        rows = ["姓名,身份证号,登记年份"]
        for i in range(120):
            rows.append(f"{names[i % 4]},{id_number('11010519800101%03d' % i)},{2000 + i % 20}")
        self.server.ingest(self.write("hukou.csv", "\n".join(rows) + "\n"), "hukou", dept="gaj")
        rows = ["年份,床位数,性质"] + [f"{2000 + i % 20},{100 + i},{'公办' if i % 2 else '民办'}"
                                     for i in range(60)]
        self.server.ingest(self.write("yanglao.csv", "\n".join(rows) + "\n"), "yanglao",
                           dept="mzj")
        self.tokens = {}
        for name, role, dept in (("pg", "provider", "gaj"), ("pm", "provider", "mzj"),
                                 ("cm", "consumer", "mzj")):
            status, _, body = self.server.request("POST", "/api/v1/users", body={
                "name": name, "dept": dept, "role": role, "password": PASSWORD})
            self.assertEqual(status, 201, body)
            status, _, body = self.server.request("POST", "/api/v1/login", token=None,
                                                  body={"name": name, "password": PASSWORD})
            self.assertEqual(status, 200, body)
            self.tokens[name] = body["token"]

    def publish(self, who, **fields):
        body = {"dataset": "raw.hukou", "classification": HUKOU, "summary": "全市户籍人口登记信息",
                "sharing": "conditional", "sharing_conditions": "仅用于社会救助核查",
                "opening": "closed", "update_cycle": "daily"}
        body.update(fields)
        return self.server.request("POST", "/api/v1/resources", body=body,
                                   token=self.tokens.get(who, self.server.token))

    def publish_yanglao(self):
        status, _, body = self.publish(
            "pm", dataset="raw.yanglao", classification="主题信息资源类/社会保障/养老服务",
            name="养老机构床位", summary="各区养老机构床位数", sharing="unconditional",
            sharing_conditions="", opening="open", update_cycle="每月")
        self.assertEqual(status, 201, body)
        return body

    def test_the_owner_publishes_and_others_are_refused(self):
        status, _, body = self.publish("pm")
        self.assertEqual(status, 403, body)
        self.assertIn("gaj", body["error"]["message"])
        status, _, body = self.publish("cm")
        self.assertEqual(status, 403, body)
        status, _, r = self.publish("pg")
        self.assertEqual(status, 201, r)
        self.assertEqual(r["code"], "101001001/000001")
        self.assertEqual(r["classification"]["path"], HUKOU)
        self.assertEqual((r["dept"], r["dept_name"]), ("gaj", "市公安局"))
        self.assertEqual(r["sharing_label"], "有条件共享")
        self.assertEqual(r["state"], "published")
        levels = {i["name"]: i["level"] for i in r["items"]}
        self.assertEqual(levels["身份证号"], "general-4")
        self.assertEqual(r["grade"], "general-4")
        types = {i["name"]: i["type"] for i in r["items"]}
        self.assertEqual(types["登记年份"], "integer")
        status, _, shown = self.server.request("GET", "/api/v1/resources/" + q(r["code"]),
                                               token=self.tokens["cm"])
        self.assertEqual(status, 200, shown)
        self.assertEqual(shown["id"], r["id"])
        # Required attributes: conditions for conditional, a basis for none.
        status, _, body = self.publish("pg", sharing_conditions="")
        self.assertEqual(status, 400, body)
        status, _, body = self.publish("pg", sharing="none", sharing_conditions="")
        self.assertEqual(status, 400, body)
        self.assertIn("legal basis", body["error"]["message"])

    def test_facets_and_chinese_search(self):
        self.assertEqual(self.publish("pg")[0], 201)
        self.publish_yanglao()
        cm = self.tokens["cm"]
        status, _, page = self.server.request("GET", "/api/v1/resources", token=cm)
        self.assertEqual(status, 200, page)
        self.assertEqual(page["total"], 2)
        self.assertEqual(page["facets"]["dept"], {"gaj": 1, "mzj": 1})
        self.assertEqual(page["facets"]["sharing"], {"conditional": 1, "unconditional": 1})
        self.assertEqual(page["facets"]["opening"], {"closed": 1, "open": 1})
        self.assertEqual(page["facets"]["category"], {"基础信息资源类": 1, "主题信息资源类": 1})

        def codes(query):
            status, _, body = self.server.request("GET", "/api/v1/resources?" + query, token=cm)
            self.assertEqual(status, 200, body)
            return [r["code"] for r in body["items"]]

        self.assertEqual(codes("search=" + q("户籍")), ["101001001/000001"])
        self.assertEqual(codes("search=" + q("床位")), ["201001000/000001"])
        self.assertEqual(codes("search=" + q("身份证")), ["101001001/000001"])  # an item
        self.assertEqual(codes("search=" + q("没有这个")), [])
        self.assertEqual(codes("sharing=unconditional"), ["201001000/000001"])
        self.assertEqual(codes("opening=closed&dept=gaj"), ["101001001/000001"])
        self.assertEqual(codes("classification=" + q("基础信息资源类/人口")),
                         ["101001001/000001"])
        self.assertEqual(codes("grade=general-4"), ["101001001/000001"])
        self.assertEqual(codes("dept=mzj&sharing=conditional"), [])
        status, _, body = self.server.request("GET", "/api/v1/resources?sharing=maybe", token=cm)
        self.assertEqual(status, 400, body)

    def test_open_is_refused_for_sensitive_items_and_names_them(self):
        status, _, body = self.publish("pg", sharing="unconditional", opening="open")
        self.assertEqual(status, 400, body)
        message = body["error"]["message"]
        self.assertIn("身份证号 (general-4)", message)
        self.assertNotIn("登记年份", message)
        status, _, body = self.publish("pg", sharing="unconditional", opening="open",
                                       items=["登记年份"])
        self.assertEqual(status, 201, body)
        self.assertEqual([i["name"] for i in body["items"]], ["登记年份"])
        # Not shared means not opened either.
        status, _, body = self.publish("pg", sharing="none", sharing_conditions="法律依据",
                                       opening="open", items=["登记年份"])
        self.assertEqual(status, 400, body)

    def test_unpublish_keeps_history(self):
        status, _, r = self.publish("pg")
        self.assertEqual(status, 201, r)
        path = "/api/v1/resources/" + r["id"]
        status, _, body = self.server.request("POST", path + "/unpublish",
                                              body={"reason": "口径调整"}, token=self.tokens["pm"])
        self.assertEqual(status, 403, body)
        status, _, body = self.server.request("POST", path + "/unpublish",
                                              body={"reason": "口径调整"}, token=self.tokens["pg"])
        self.assertEqual(status, 200, body)
        self.assertEqual(body["state"], "unpublished")
        status, _, body = self.server.request("POST", path + "/unpublish", token=self.tokens["pg"])
        self.assertEqual(status, 422, body)
        _, _, page = self.server.request("GET", "/api/v1/resources")
        self.assertEqual(page["total"], 0)
        _, _, page = self.server.request("GET", "/api/v1/resources?state=unpublished")
        self.assertEqual([x["id"] for x in page["items"]], [r["id"]])
        status, _, again = self.publish("pg", summary="第二版摘要")
        self.assertEqual(status, 201, again)
        self.assertEqual((again["id"], again["code"], again["version"]), (r["id"], r["code"], 2))
        status, _, shown = self.server.request("GET", path + "?history=true")
        self.assertEqual(status, 200, shown)
        self.assertEqual(shown["summary"], "第二版摘要")
        history = shown["history"]
        self.assertEqual([(v["version"], v["state"]) for v in history],
                         [(1, "unpublished"), (2, "published")])
        self.assertEqual(history[0]["unpublished_reason"], "口径调整")
        self.assertEqual(history[0]["summary"], "全市户籍人口登记信息")
        status, _, _ = self.server.request("GET", "/api/v1/resources/res_none")
        self.assertEqual(status, 404)

    def test_exports_parse(self):
        self.assertEqual(self.publish("pg")[0], 201)
        y = self.publish_yanglao()
        status, headers, doc = self.server.request("GET", "/api/v1/resources/export?format=json")
        self.assertEqual(status, 200)
        self.assertEqual([r["code"] for r in doc["resources"]],
                         ["101001001/000001", y["code"]])
        status, _, text = self.server.request("GET", "/api/v1/resources/export?format=csv")
        self.assertEqual(status, 200)
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["classification"], HUKOU)
        self.assertIn("身份证号:text:general-4", rows[0]["items"])
        status, headers, ld = self.server.request("GET", "/api/v1/resources/export?format=dcat")
        self.assertEqual(status, 200)
        self.assertIn("ld+json", headers["Content-Type"])
        self.assertIn("@context", ld)
        self.assertEqual(ld["@context"]["dcat"], "http://www.w3.org/ns/dcat#")
        self.assertEqual(ld["@type"], "dcat:Catalog")
        datasets = ld["dcat:dataset"]
        self.assertEqual([d["@type"] for d in datasets], ["dcat:Dataset"] * 2)
        self.assertEqual(datasets[1]["dct:identifier"], y["code"])
        self.assertEqual(datasets[1]["dct:title"]["@value"], "养老机构床位")
        self.assertTrue(datasets[1]["dct:accrualPeriodicity"]["@id"].endswith("/MONTHLY"))
        self.assertTrue(datasets[1]["dct:accessRights"]["@id"].endswith("/PUBLIC"))
        self.assertEqual(datasets[0]["dct:publisher"]["foaf:name"]["@value"], "市公安局")
        self.assertIn("dcat:distribution", datasets[0])
        status, _, body = self.server.request("GET", "/api/v1/resources/export?format=xml")
        self.assertEqual(status, 400, body)

    def test_cli_round_trip(self):
        out = self.server.cli_json("catalog", "publish", "raw.hukou", "--classification", HUKOU,
                                   "--summary", "全市户籍人口", "--sharing", "conditional",
                                   "--conditions", "用于核查", "--opening", "closed",
                                   "--update-cycle", "每日")
        code = out["code"]
        self.assertEqual(code, "101001001/000001")
        refused = self.server.cli("catalog", "publish", "raw.yanglao", "--classification",
                                  "主题信息资源类/社会保障", "--summary", "床位", "--sharing",
                                  "unconditional", "--opening", "open", "--update-cycle",
                                  "monthly", "--related", "999/1", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("999/1", refused.stderr)
        self.server.cli("catalog", "publish", "raw.yanglao", "--classification",
                        "主题信息资源类/社会保障", "--summary", "床位", "--sharing",
                        "unconditional", "--opening", "open", "--update-cycle", "monthly",
                        "--related", code)
        listed = self.server.cli_json("catalog", "list", "--sharing", "unconditional")
        self.assertEqual([r["related"] for r in listed["items"]], [[code]])
        table = self.server.cli("catalog", "list").stdout
        self.assertIn("户籍人口", table)
        self.assertIn("dept: gaj 1, mzj 1", table)
        found = self.server.cli_json("catalog", "search", "户籍")
        self.assertEqual([r["code"] for r in found["items"]], [code])
        self.server.cli("catalog", "unpublish", code, "--reason", "调整")
        shown = self.server.cli_json("catalog", "show", code, "--history")
        self.assertEqual([v["state"] for v in shown["history"]], ["unpublished"])
        text = self.server.cli("catalog", "show", code, "--history").stdout
        self.assertIn("基础信息资源类/人口/户籍/户籍人口 (101001001)", text)
        path = os.path.join(self.files, "catalog.jsonld")
        self.server.cli("catalog", "export", "--format", "dcat", "-o", path)
        with open(path, encoding="utf-8") as f:
            ld = json.load(f)
        self.assertEqual(len(ld["dcat:dataset"]), 1)
        exported = self.server.cli("catalog", "export", "--format", "csv", "--state", "all").stdout
        self.assertEqual(len(list(csv.DictReader(io.StringIO(exported)))), 2)
