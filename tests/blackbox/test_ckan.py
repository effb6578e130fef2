"""The CKAN-compatible Action API, black box: requests shaped as CKAN clients send them
(GET with query parameters as browsers and `curl` do, POST with a JSON body as ckanapi
does) get answers shaped as CKAN 2.9/2.10 gives them: the {"help", "success", "result"}
envelope, package and resource dicts, package_search with fq/sort/facets and
search_facets, organization_list with all_fields, datastore_search with fields, records,
total and _links, and CKAN's errors (404 Not Found Error, 409 Validation Error, the bare
400 for bad JSON and unknown actions)."""
import json
import urllib.parse

from test_open_portal import OpenPortalBase, yanglao_csv

PACKAGE_KEYS = {"id", "name", "title", "notes", "type", "state", "private", "isopen",
                "license_id", "license_title", "author", "maintainer", "url", "version",
                "metadata_created", "metadata_modified", "owner_org", "organization",
                "num_resources", "resources", "num_tags", "tags", "groups", "extras"}
RESOURCE_KEYS = {"id", "package_id", "name", "description", "format", "mimetype", "url",
                 "datastore_active", "state", "position", "created", "last_modified"}
ORG_KEYS = {"id", "name", "title", "display_name", "type", "description", "image_url",
            "is_organization", "approval_status", "state"}


class CkanTest(OpenPortalBase):
    def setUp(self):
        super().setUp()
        self.ingest("yanglao.csv", yanglao_csv(), "yanglao", "mzj")
        rows = ["年份,案件数"] + [f"{2000 + i},{i * 3}" for i in range(12)]
        self.ingest("anjian.csv", "\n".join(rows) + "\n", "anjian", "gaj")
        status, _, self.yanglao = self.publish()
        self.assertEqual(status, 201, self.yanglao)
        status, _, self.anjian = self.publish(
            dataset="raw.anjian", classification="部门信息资源类/公安/治安", name="治安案件统计",
            summary="按年统计", items=[])
        self.assertEqual(status, 201, self.anjian)
        rows = ["名称"] + [f"x{i}" for i in range(12)]
        self.ingest("closed.csv", "\n".join(rows) + "\n", "closed", "gaj")
        status, _, self.closed = self.publish(dataset="raw.closed", classification="部门信息资源类/公安/内部",
                                              name="内部", opening="closed", items=[])
        self.assertEqual(status, 201, self.closed)

    def get(self, action, **params):
        query = urllib.parse.urlencode(params)
        return self.server.request("GET", "/api/3/action/%s?%s" % (action, query), token=None)

    def post(self, action, body):
        return self.server.request("POST", "/api/3/action/" + action, body=body, token=None)

    def ok(self, answer, action):
        status, headers, body = answer
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/json;charset=utf-8")
        self.assertEqual(set(body), {"help", "success", "result"})
        self.assertTrue(body["success"])
        self.assertTrue(body["help"].endswith("/api/3/action/help_show?name=" + action),
                        body["help"])
        return body["result"]

    def slug(self, resource):
        return resource["code"].replace("/", "-")

    def test_package_list_names_only_open_packages(self):
        names = self.ok(self.get("package_list"), "package_list")
        self.assertEqual(names, sorted([self.slug(self.yanglao), self.slug(self.anjian)]))
        self.assertEqual(self.ok(self.post("package_list", {"limit": 1, "offset": 1}),
                                 "package_list"), names[1:])

    def test_package_show_by_id_and_by_name(self):
        for key in (self.yanglao["id"], self.slug(self.yanglao)):
            for answer in (self.get("package_show", id=key), self.post("package_show", {"id": key})):
                pkg = self.ok(answer, "package_show")
                self.assertLessEqual(PACKAGE_KEYS, set(pkg))
                self.assertEqual(pkg["id"], self.yanglao["id"])
                self.assertEqual(pkg["name"], self.slug(self.yanglao))
                self.assertEqual((pkg["title"], pkg["notes"]), ("养老机构床位", "各区养老机构床位数"))
                self.assertEqual((pkg["type"], pkg["state"], pkg["private"]),
                                 ("dataset", "active", False))
                self.assertLessEqual(ORG_KEYS, set(pkg["organization"]))
                self.assertEqual((pkg["organization"]["name"], pkg["organization"]["title"]),
                                 ("mzj", "市民政局"))
                self.assertEqual(pkg["owner_org"], "mzj")
                self.assertEqual([t["name"] for t in pkg["tags"]], ["主题信息资源类", "社会保障", "养老服务"])
                self.assertEqual(pkg["num_tags"], 3)
                self.assertEqual(pkg["num_resources"], 3)
                self.assertRegex(pkg["metadata_modified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
                formats = []
                for r in pkg["resources"]:
                    self.assertLessEqual(RESOURCE_KEYS, set(r))
                    self.assertEqual(r["package_id"], pkg["id"])
                    self.assertTrue(r["datastore_active"])
                    formats.append(r["format"])
                    self.assertTrue(r["url"].endswith("download?format=" + r["format"].lower()))
                self.assertEqual(formats, ["CSV", "JSON", "XLSX"])

    def test_errors_as_ckan_gives_them(self):
        for key in (self.closed["id"], self.slug(self.closed), "nothing-here"):
            status, _, body = self.get("package_show", id=key)
            self.assertEqual(status, 404, body)
            self.assertEqual(set(body), {"help", "success", "error"})
            self.assertFalse(body["success"])
            self.assertEqual(body["error"], {"message": "Not found", "__type": "Not Found Error"})
        status, _, body = self.get("package_show")
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"], {"name_or_id": ["Missing value"],
                                         "__type": "Validation Error"})
        status, _, body = self.get("package_search", rows="many")
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["rows"], ["Invalid integer"])
        status, _, body = self.server.request("POST", "/api/3/action/package_search",
                                              body=b"{not json",
                                              headers={"Content-Type": "application/json"},
                                              token=None)
        self.assertEqual(status, 400, body)
        self.assertTrue(body.startswith("Bad request - JSON Error"), body)
        status, _, body = self.post("package_search", [1, 2])
        self.assertEqual(status, 400, body)
        status, _, body = self.get("package_create")
        self.assertEqual(status, 400, body)
        self.assertEqual(body, "Bad request - Action name not known: package_create")
        status, _, body = self.get("datastore_search", resource_id=self.closed["id"] + "-csv")
        self.assertEqual(status, 404, body)
        self.assertEqual(body["error"]["__type"], "Not Found Error")
        self.assertEqual(body["error"]["message"],
                         'Not found: Resource "%s-csv" was not found.' % self.closed["id"])

    def test_package_search_with_q_fq_sort_and_facets(self):
        result = self.ok(self.get("package_search"), "package_search")
        self.assertEqual(set(result), {"count", "facets", "results", "sort", "search_facets"})
        self.assertEqual(result["count"], 2)
        self.assertEqual(result["sort"], "score desc, metadata_modified desc")
        # Newest first by default.
        modified = [p["metadata_modified"] for p in result["results"]]
        self.assertEqual(modified, sorted(modified, reverse=True))
        result = self.ok(self.get("package_search", sort="name asc", rows=1, start=1),
                         "package_search")
        self.assertEqual(result["count"], 2)
        self.assertEqual([p["name"] for p in result["results"]],
                         [max(self.slug(self.anjian), self.slug(self.yanglao))])
        result = self.ok(self.get("package_search", q="养老"), "package_search")
        self.assertEqual([p["id"] for p in result["results"]], [self.yanglao["id"]])
        result = self.ok(self.get("package_search", fq="organization:gaj"), "package_search")
        self.assertEqual([p["id"] for p in result["results"]], [self.anjian["id"]])
        result = self.ok(self.get("package_search", fq='+tags:"养老服务" res_format:CSV'),
                         "package_search")
        self.assertEqual(result["count"], 1)
        self.assertEqual(self.ok(self.get("package_search", fq="res_format:PDF"),
                                 "package_search")["count"], 0)
        # ckanapi: POST with a JSON body, facet.field a JSON list.
        result = self.ok(self.post("package_search", {
            "facet.field": ["organization", "tags", "res_format"], "rows": 0}), "package_search")
        self.assertEqual(result["results"], [])
        self.assertEqual(result["facets"]["organization"], {"gaj": 1, "mzj": 1})
        orgs = result["search_facets"]["organization"]
        self.assertEqual(orgs["title"], "organization")
        self.assertEqual(sorted(orgs["items"], key=lambda i: i["name"]),
                         [{"count": 1, "display_name": "市公安局", "name": "gaj"},
                          {"count": 1, "display_name": "市民政局", "name": "mzj"}])
        self.assertEqual(result["facets"]["res_format"], {"CSV": 2, "JSON": 2, "XLSX": 2})
        self.assertEqual(result["facets"]["tags"]["养老服务"], 1)
        # GET passes facet.field as JSON text.
        result = self.ok(self.get("package_search", **{"facet.field": '["organization"]'}),
                         "package_search")
        self.assertEqual(set(result["search_facets"]), {"organization"})
        status, _, body = self.get("package_search", sort="weird desc")
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["__type"], "Search Query Error")

    def test_organization_list(self):
        self.assertEqual(self.ok(self.get("organization_list"), "organization_list"),
                         ["gaj", "mzj"])
        orgs = self.ok(self.post("organization_list", {"all_fields": True}), "organization_list")
        self.assertEqual([(o["name"], o["title"], o["package_count"]) for o in orgs],
                         [("gaj", "市公安局", 1), ("mzj", "市民政局", 1)])
        for o in orgs:
            self.assertLessEqual(ORG_KEYS, set(o))
            self.assertTrue(o["is_organization"])

    def test_datastore_search(self):
        pkg = self.ok(self.get("package_show", id=self.yanglao["id"]), "package_show")
        rid = pkg["resources"][0]["id"]
        result = self.ok(self.get("datastore_search", resource_id=rid, limit=3, offset=3),
                         "datastore_search")
        self.assertEqual(result["resource_id"], rid)
        self.assertEqual(result["fields"], [{"id": "_id", "type": "int"},
                                            {"id": "机构名称", "type": "text"},
                                            {"id": "区", "type": "text"},
                                            {"id": "床位数", "type": "int"},
                                            {"id": "年份", "type": "int"}])
        self.assertEqual(result["total"], 30)
        self.assertEqual((result["limit"], result["offset"]), (3, 3))
        self.assertEqual(result["records"][0], {"_id": 4, "机构名称": "幸福养老院03", "区": "东城区",
                                                "床位数": 103, "年份": 2003})
        self.assertEqual(result["_links"]["start"],
                         "/api/3/action/datastore_search?resource_id=" + rid)
        self.assertEqual(result["_links"]["next"],
                         "/api/3/action/datastore_search?resource_id=%s&offset=6" % rid)
        # ckanapi posts filters as a JSON object; GET passes it as JSON text.
        result = self.ok(self.post("datastore_search", {
            "resource_id": pkg["resources"][2]["id"], "filters": {"区": "东城区"}, "q": "院2",
            "limit": 100}), "datastore_search")
        self.assertEqual(result["total"], 3)  # 幸福养老院21, 24 and 27
        self.assertEqual(result["filters"], {"区": "东城区"})
        self.assertEqual(result["q"], "院2")
        result = self.ok(self.get("datastore_search", resource_id=rid,
                                  filters=json.dumps({"年份": 2004}, ensure_ascii=False)),
                         "datastore_search")
        self.assertEqual(result["total"], 6)
        status, _, body = self.get("datastore_search", resource_id=rid,
                                   filters=json.dumps({"联系电话": "x"}, ensure_ascii=False))
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["__type"], "Validation Error")
        self.assertIn("filters", body["error"])
        status, _, body = self.get("datastore_search", resource_id=rid, limit="x")
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["limit"], ["Invalid integer"])
        status, _, body = self.get("datastore_search")
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["resource_id"], ["Missing value"])
