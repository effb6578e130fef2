"""Security, black box: the authorization matrix over every route, sensitive values that must
never reach a low-clearance reader, the audit trail and its tamper evidence, lockout and
classification (PRODUCT.md C8-C10)."""
import hashlib
import http.client
import json
import os
import shutil
import sqlite3
import tempfile
import time
import unittest
import urllib.parse

from harness import Server

PASSWORD = "Correct-Horse-9"

# ---------------------------------------------------------------------------------------
# Test data with valid check characters, so that validators confirm them.

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(area, birth, seq):
    """A citizen ID number (GB 11643) with its check character."""
    body = f"{area}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def luhn(body):
    """`body` followed by its Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


IDS = [id_number(area, f"19{70 + i}{1 + i % 9:02d}{10 + i:02d}", 101 + 7 * i)
       for i, area in enumerate(["110105", "330106", "440305", "310115",
                                 "320102", "510104", "420106", "370202"])]
MOBILES = [f"1{d}{(7919 * i + 1234) % 10000:04d}{(3779 * i + 5678) % 10000:04d}"
           for i, d in enumerate(["38", "39", "58", "86", "37", "50", "88", "77"])]
# Bank cards: 16 digits (BIN 622848) and 19 digits (BIN 621700), Luhn-valid.
CARDS = [luhn(f"622848{i}{(87654321 + 13579 * i) % 10**8:08d}") if i % 2 == 0
         else luhn(f"621700{i}{(123456789 + 24680 * i) % 10**11:011d}")
         for i in range(8)]
NAMES = ["张晓伟", "王芳芳", "李娜娜", "刘洋洋", "陈静怡", "杨磊磊", "赵敏敏", "黄志强"]
SECRETS = IDS + MOBILES + CARDS + NAMES

# Misleading names: order_no holds ID numbers, remark holds mobiles, memo holds bank cards.
PEOPLE_HEADER = "xm,sfzh,order_no,lxdh,remark,memo,amount"
PEOPLE_ROWS = [f"{NAMES[i]},{IDS[i]},{IDS[(i + 3) % 8]},{MOBILES[i]},{MOBILES[(i + 2) % 8]},"
               f"{CARDS[i]},{10 * i}" for i in range(8)]
# Two rejected lines that quote sensitive values.
PEOPLE_BAD = [f"{NAMES[1]},{IDS[2]},{IDS[4]},{MOBILES[5]},{MOBILES[6]},{CARDS[7]},1,extra",
              f"{NAMES[3]},{IDS[5]}"]
PEOPLE_CSV = "\n".join([PEOPLE_HEADER, *PEOPLE_ROWS, *PEOPLE_BAD]) + "\n"

PEOPLE_PLAN = """dataset: raw.people
key: sfzh
rules:
  - {id: id_region, column: sfzh, type: regex, pattern: '^9'}
  - {id: order_region, column: order_no, type: regex, pattern: '^9'}
  - {id: remark_set, column: remark, type: in_set, values: ["none"]}
  - {id: memo_set, column: memo, type: in_set, values: ["none"]}
  - {id: name_set, column: xm, type: in_set, values: ["none"]}
  - {id: amount_big, column: amount, type: range, min: 1000}
"""


def iso_in(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def body_text(body):
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)


def raw_get(server, path):
    """GET without parsing the body: (status, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", path, headers={"Authorization": "Bearer " + server.token})
    resp = conn.getresponse()
    text = resp.read().decode("utf-8")
    conn.close()
    return resp.status, text


def start_server(data_dir=None):
    # The matrix calls every open-data route 11 times from one address: lift its limit.
    server = Server(data_dir=data_dir, extra_args=["--open-rate-limit", "100000"])
    try:
        return server.start()
    except BaseException:
        server.cleanup()
        raise


def start_with_people():
    """A server with two departments and raw.people (PEOPLE_CSV, of department gaj)."""
    server = start_server()
    try:
        for code, name in (("gaj", "市公安局"), ("mzj", "市民政局")):
            assert server.request("POST", "/api/v1/departments",
                                  body={"code": code, "name": name})[0] == 201
        ingest(server, "raw.people", PEOPLE_CSV, "gaj")
        return server
    except BaseException:
        server.cleanup()
        raise


def add_user(server, name, role, dept="", clearance="general-1"):
    status, _, body = server.request("POST", "/api/v1/users", body={
        "name": name, "dept": dept, "role": role, "clearance": clearance, "password": PASSWORD})
    assert status == 201, (status, body)
    return body


def login(server, name, password=PASSWORD):
    status, _, body = server.request("POST", "/api/v1/login",
                                     body={"name": name, "password": password}, token=None)
    assert status == 200, (status, body)
    return body["token"]


def ingest(server, dataset, csv_text, dept):
    zone, name = dataset.split(".")
    status, _, body = server.request(
        "POST", f"/api/v1/datasets/{zone}/{name}/ingest?dept={dept}&filename={name}.csv",
        body=csv_text.encode("utf-8"))
    assert status in (200, 201), (status, body)
    return body


# ---------------------------------------------------------------------------------------
# 1. The authorization matrix.

# The role matrix of security/policy.h, written out again on purpose (not read from the
# server): y = allowed, - = denied, own = datasets of the principal's department,
# grant = datasets a grant in force covers.
ROLES = ("admin", "steward", "provider", "consumer", "auditor")
POLICY = {
    #                      admin  steward  provider     consumer  auditor
    "session":            ("y",   "y",     "y",         "y",      "y"),
    "manage_own_tokens":  ("y",   "y",     "y",         "y",      "y"),
    "manage_own_apps":    ("y",   "y",     "y",         "y",      "y"),
    "read_catalog":       ("y",   "y",     "y",         "y",      "y"),
    "read_data":          ("y",   "y",     "own/grant", "grant",  "-"),
    "write_data":         ("y",   "y",     "own",       "-",      "-"),
    "edit_metadata":      ("y",   "y",     "own",       "-",      "-"),
    "run_quality":        ("y",   "y",     "own",       "-",      "-"),
    "govern":             ("y",   "y",     "-",         "-",      "-"),
    "manage_departments": ("y",   "-",     "-",         "-",      "-"),
    "manage_users":       ("y",   "-",     "-",         "-",      "-"),
    "manage_grants":      ("y",   "-",     "-",         "-",      "-"),
    "read_audit":         ("y",   "-",     "-",         "-",      "y"),
    "detokenize":         ("y",   "-",     "-",         "-",      "-"),
    "manage_keys":        ("y",   "-",     "-",         "-",      "-"),
    "request_data":       ("y",   "y",     "y",         "y",      "-"),
    # Reading through a grant one holds (file delivery): the service finds the grant.
    "read_shared":        ("y",   "y",     "y",         "y",      "-"),
    # Providers reach the approval routes; the service then decides only their own
    # department's requests (and answers 404 for others').
    "approve_requests":   ("y",   "-",     "y",         "-",      "-"),
    # Aggregate-only queries; the sandbox then requires a sandbox grant on the dataset.
    "sandbox_query":      ("y",   "y",     "y",         "y",      "-"),
    "public":             ("y",   "y",     "y",         "y",      "y"),
    # The open-data portal: anyone, with any or no credentials (the token is not read).
    "anonymous":          ("y",   "y",     "y",         "y",      "y"),
}

# The dataset every dataset route of the matrix names: owned by gaj, benign columns.
MATRIX_DATASET = "raw.matrix"
MATRIX_CSV = "code,label,amount\n1,a,3\n2,b,4\n"

# Every route of the API: the action it needs and a request that gets past authorization
# without changing anything that matters (a 400 or 404 shows the request was admitted).
# (method, OpenAPI path) -> (action, concrete path, body)
ROUTES = {
    ("POST", "/api/v1/login"): ("public", "/api/v1/login",
                                {"name": "matrix_login", "password": PASSWORD}),
    ("POST", "/api/v1/logout"): ("session", "/api/v1/logout", None),
    ("GET", "/api/v1/session"): ("session", "/api/v1/session", None),
    ("GET", "/api/v1/openapi.json"): ("read_catalog", "/api/v1/openapi.json", None),
    ("GET", "/api/v1/overview"): ("read_catalog", "/api/v1/overview", None),
    ("GET", "/api/v1/departments"): ("read_catalog", "/api/v1/departments", None),
    ("POST", "/api/v1/departments"): ("manage_departments", "/api/v1/departments", {}),
    ("GET", "/api/v1/datasets"): ("read_catalog", "/api/v1/datasets", None),
    ("GET", "/api/v1/datasets/{zone}/{name}"): ("read_catalog", "/api/v1/datasets/raw/matrix",
                                                None),
    ("PATCH", "/api/v1/datasets/{zone}/{name}"): ("edit_metadata", "/api/v1/datasets/raw/matrix",
                                                  {}),
    ("POST", "/api/v1/datasets/{zone}/{name}/ingest"): (
        "write_data", "/api/v1/datasets/raw/matrix/ingest?filename=m.csv", b""),
    ("GET", "/api/v1/datasets/{zone}/{name}/rows"): ("read_data",
                                                     "/api/v1/datasets/raw/matrix/rows", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/rejects"): (
        "read_data", "/api/v1/datasets/raw/matrix/rejects", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/jobs"): ("read_catalog",
                                                     "/api/v1/datasets/raw/matrix/jobs", None),
    ("GET", "/api/v1/jobs/{id}"): ("read_catalog", "/api/v1/jobs/job_none", None),
    ("POST", "/api/v1/query"): ("read_data", "/api/v1/query",
                                {"sql": "SELECT count(*) FROM raw.matrix"}),
    ("GET", "/api/v1/standards/elements"): ("read_catalog", "/api/v1/standards/elements", None),
    ("POST", "/api/v1/standards/elements"): ("govern", "/api/v1/standards/elements",
                                             b"not json"),
    ("GET", "/api/v1/standards/code-tables"): ("read_catalog", "/api/v1/standards/code-tables",
                                               None),
    ("GET", "/api/v1/standards/code-tables/{id}"): (
        "read_catalog", "/api/v1/standards/code-tables/" + urllib.parse.quote("GB/T 2261.1",
                                                                              safe=""), None),
    ("PUT", "/api/v1/standards/code-tables/{id}"): (
        "govern", "/api/v1/standards/code-tables/local.matrix", {}),
    ("GET", "/api/v1/datasets/{zone}/{name}/mapping"): (
        "read_catalog", "/api/v1/datasets/raw/matrix/mapping", None),
    ("PUT", "/api/v1/datasets/{zone}/{name}/mapping"): (
        "govern", "/api/v1/datasets/raw/matrix/mapping", {}),
    ("POST", "/api/v1/datasets/{zone}/{name}/standardize"): (
        "govern", "/api/v1/datasets/raw/matrix/standardize", {}),
    ("POST", "/api/v1/quality/plans"): ("govern", "/api/v1/quality/plans", b""),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/plan"): (
        "read_catalog", "/api/v1/datasets/raw/matrix/quality/plan", None),
    ("POST", "/api/v1/datasets/{zone}/{name}/quality/runs"): (
        "run_quality", "/api/v1/datasets/raw/matrix/quality/runs", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/runs"): (
        "read_catalog", "/api/v1/datasets/raw/matrix/quality/runs", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/runs/{run}"): (
        "read_catalog", "/api/v1/datasets/raw/matrix/quality/runs/latest", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/issues"): (
        "read_data", "/api/v1/datasets/raw/matrix/quality/issues", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/report"): (
        "read_data", "/api/v1/datasets/raw/matrix/quality/report", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/quality/suggest"): (
        "read_data", "/api/v1/datasets/raw/matrix/quality/suggest", None),
    ("POST", "/api/v1/jobs/{id}/release"): ("govern", "/api/v1/jobs/job_none/release", None),
    ("POST", "/api/v1/jobs/{id}/discard"): ("govern", "/api/v1/jobs/job_none/discard", None),
    ("GET", "/api/v1/users"): ("manage_users", "/api/v1/users", None),
    ("POST", "/api/v1/users"): ("manage_users", "/api/v1/users", {}),
    ("PATCH", "/api/v1/users/{name}"): ("manage_users", "/api/v1/users/nobody", {}),
    ("GET", "/api/v1/tokens"): ("manage_own_tokens", "/api/v1/tokens", None),
    ("POST", "/api/v1/tokens"): ("manage_own_tokens", "/api/v1/tokens", {"name": "matrix"}),
    ("DELETE", "/api/v1/tokens/{id}"): ("manage_own_tokens", "/api/v1/tokens/tok_none", None),
    ("GET", "/api/v1/resources"): ("read_catalog", "/api/v1/resources", None),
    ("POST", "/api/v1/resources"): ("edit_metadata", "/api/v1/resources",
                                    {"dataset": MATRIX_DATASET}),
    ("GET", "/api/v1/resources/export"): ("read_catalog", "/api/v1/resources/export?format=csv",
                                          None),
    ("GET", "/api/v1/resources/{id}"): ("read_catalog", "/api/v1/resources/res_none", None),
    ("POST", "/api/v1/resources/{id}/unpublish"): (
        "edit_metadata", "/api/v1/resources/101001000%2F000001/unpublish", None),
    # API services: "matrix" stays published for the calls; "matrix-gone" is the one
    # unpublished; publishing makes a copy (201 once, then 409).
    ("GET", "/api/v1/services"): ("read_catalog", "/api/v1/services", None),
    ("POST", "/api/v1/services"): ("edit_metadata", "/api/v1/services",
                                   {"name": "matrix-copy", "dataset": MATRIX_DATASET}),
    ("GET", "/api/v1/services/{name}"): ("read_data", "/api/v1/services/matrix?limit=1", None),
    ("DELETE", "/api/v1/services/{name}"): ("edit_metadata", "/api/v1/services/matrix-gone",
                                            None),
    ("GET", "/api/v1/services/{name}/openapi.json"): (
        "read_catalog", "/api/v1/services/matrix/openapi.json", None),
    ("GET", "/api/v1/services/{name}/stats"): ("read_catalog", "/api/v1/services/matrix/stats",
                                               None),
    ("GET", "/api/v1/apps"): ("manage_own_apps", "/api/v1/apps", None),
    ("POST", "/api/v1/apps"): ("manage_own_apps", "/api/v1/apps", {"rate_per_minute": 0}),
    ("DELETE", "/api/v1/apps/{id}"): ("manage_own_apps", "/api/v1/apps/app_none", None),
    ("GET", "/api/v1/grants"): ("session", "/api/v1/grants", None),
    ("POST", "/api/v1/grants"): ("manage_grants", "/api/v1/grants", {}),
    ("DELETE", "/api/v1/grants/{id}"): ("manage_grants", "/api/v1/grants/grt_none", None),
    ("GET", "/api/v1/datasets/{zone}/{name}/classification"): (
        "read_catalog", "/api/v1/datasets/raw/matrix/classification", None),
    ("POST", "/api/v1/datasets/{zone}/{name}/classification"): (
        "run_quality", "/api/v1/datasets/raw/matrix/classification", None),
    ("PUT", "/api/v1/datasets/{zone}/{name}/classification/{column}"): (
        "govern", "/api/v1/datasets/raw/matrix/classification/label", {}),
    ("POST", "/api/v1/datasets/{zone}/{name}/mask"): (
        "govern", "/api/v1/datasets/raw/matrix/mask", {}),
    ("GET", "/api/v1/policies/levels"): ("read_catalog", "/api/v1/policies/levels", None),
    ("PUT", "/api/v1/policies/levels"): ("govern", "/api/v1/policies/levels", b""),
    ("GET", "/api/v1/policies/masking"): ("read_catalog", "/api/v1/policies/masking", None),
    ("PUT", "/api/v1/policies/masking"): ("govern", "/api/v1/policies/masking", b""),
    ("GET", "/api/v1/audit"): ("read_audit", "/api/v1/audit?limit=1", None),
    ("GET", "/api/v1/audit/export"): ("read_audit", "/api/v1/audit/export?format=csv", None),
    ("GET", "/api/v1/audit/verify"): ("read_audit", "/api/v1/audit/verify", None),
    ("GET", "/api/v1/audit/anchor"): ("read_audit", "/api/v1/audit/anchor", None),
    ("POST", "/api/v1/detokenize"): ("detokenize", "/api/v1/detokenize", {"values": []}),
    ("POST", "/api/v1/keys/rotate"): ("manage_keys", "/api/v1/keys/rotate", {"which": "none"}),
    # The sharing workflow (no request or grant "x" exists: 400s and 404s show admission).
    ("POST", "/api/v1/share/requests"): ("request_data", "/api/v1/share/requests", {}),
    ("GET", "/api/v1/share/requests"): ("request_data", "/api/v1/share/requests", None),
    ("GET", "/api/v1/share/requests/{id}"): ("request_data", "/api/v1/share/requests/x", None),
    ("POST", "/api/v1/share/requests/{id}/approve"): (
        "approve_requests", "/api/v1/share/requests/x/approve", {}),
    ("POST", "/api/v1/share/requests/{id}/reject"): (
        "approve_requests", "/api/v1/share/requests/x/reject", {"reason": "x"}),
    ("GET", "/api/v1/share/grants"): ("request_data", "/api/v1/share/grants", None),
    ("DELETE", "/api/v1/share/grants/{id}"): ("request_data", "/api/v1/share/grants/x", None),
    ("GET", "/api/v1/share/grants/{id}/download"): (
        "read_shared", "/api/v1/share/grants/x/download", None),
    # The sandbox (an empty statement is a 400 once admitted).
    ("POST", "/api/v1/sandbox/query"): ("sandbox_query", "/api/v1/sandbox/query", {"sql": ""}),
    ("GET", "/api/v1/sandbox/grants"): ("sandbox_query", "/api/v1/sandbox/grants", None),
    # The open-data portal and the CKAN Action API (no resource is open here: 404s and a
    # CKAN 400 for an unknown action show the requests were admitted).
    ("GET", "/api/v1/open/datasets"): ("anonymous", "/api/v1/open/datasets", None),
    ("GET", "/api/v1/open/datasets/{id}"): ("anonymous", "/api/v1/open/datasets/x", None),
    ("GET", "/api/v1/open/datasets/{id}/rows"): ("anonymous", "/api/v1/open/datasets/x/rows",
                                                 None),
    ("GET", "/api/v1/open/datasets/{id}/download"): (
        "anonymous", "/api/v1/open/datasets/x/download?format=csv", None),
    **{(method, "/api/3/action/" + name): ("anonymous", "/api/3/action/" + concrete, body)
       for name, concrete in (("package_list", "package_list"),
                              ("package_search", "package_search?q=x"),
                              ("package_show", "package_show?id=x"),
                              ("organization_list", "organization_list"),
                              ("datastore_search", "datastore_search?resource_id=x"),
                              ("{action}", "no_such_action"))
       for method, body in (("GET", None), ("POST", {}))},
}

# Principals with a valid token: (role, owns the matrix dataset, holds a grant on it).
PRINCIPALS = {
    "admin": ("admin", False, False),
    "steward": ("steward", False, False),
    "provider_own": ("provider", True, False),
    "provider_other": ("provider", False, False),
    "consumer_grant": ("consumer", False, True),
    "consumer_nogrant": ("consumer", False, False),
    "auditor": ("auditor", False, False),
}
# Requests whose credentials are not valid: always 401 (but on the public login route).
CREDENTIAL_CASES = ("no_token", "expired", "revoked", "disabled")


def allowed(principal, action):
    role, owns, grant = PRINCIPALS[principal]
    rule = POLICY[action][ROLES.index(role)]
    return {"y": True, "-": False, "own": owns, "grant": grant, "own/grant": owns or grant}[rule]


class AuthorizationMatrixTest(unittest.TestCase):
    """One server; every route of the OpenAPI document against every kind of caller."""

    @classmethod
    def setUpClass(cls):
        cls.server = server = start_server()
        try:
            cls._populate(server)
        except BaseException:
            server.cleanup()
            raise

    @classmethod
    def _populate(cls, server):
        for code, name in (("gaj", "市公安局"), ("mzj", "市民政局")):
            status, _, _ = server.request("POST", "/api/v1/departments",
                                          body={"code": code, "name": name})
            assert status == 201
        ingest(server, MATRIX_DATASET, MATRIX_CSV, "gaj")
        # A published resource, so that unpublishing it is a real request.
        status, _, body = server.request("POST", "/api/v1/resources", body={
            "dataset": MATRIX_DATASET, "classification": "基础信息资源类/人口/户籍",
            "summary": "matrix", "sharing": "unconditional", "opening": "closed",
            "update_cycle": "daily"})
        assert status == 201, body
        for service in ("matrix", "matrix-gone"):
            status, _, body = server.request("POST", "/api/v1/services", body={
                "name": service, "dataset": MATRIX_DATASET})
            assert status == 201, body
        users = {"steward": ("steward", "gaj"), "provider_own": ("provider", "gaj"),
                 "provider_other": ("provider", "mzj"), "consumer_grant": ("consumer", "mzj"),
                 "consumer_nogrant": ("consumer", "mzj"), "auditor": ("auditor", ""),
                 "matrix_login": ("consumer", "mzj"), "gone": ("steward", "gaj")}
        for name, (role, dept) in users.items():
            add_user(server, name, role, dept)
        status, _, _ = server.request("POST", "/api/v1/grants", body={
            "user": "consumer_grant", "dataset": MATRIX_DATASET, "purpose": "matrix"})
        assert status == 201
        cls.tokens = {"admin": server.token}
        for name in PRINCIPALS:
            if name != "admin":
                cls.tokens[name] = login(server, name)
        # An API token that expires in two seconds, one revoked, one of a disabled user.
        status, _, short = server.request("POST", "/api/v1/tokens",
                                          body={"name": "short", "expires_at": iso_in(2)},
                                          token=cls.tokens["steward"])
        assert status == 201, short
        cls.expires_at = time.time() + 2
        assert server.request("GET", "/api/v1/session", token=short["token"])[0] == 200
        status, _, revoked = server.request("POST", "/api/v1/tokens", body={"name": "rv"},
                                            token=cls.tokens["steward"])
        assert status == 201
        assert server.request("DELETE", "/api/v1/tokens/" + revoked["id"],
                              token=cls.tokens["steward"])[0] == 200
        disabled = login(server, "gone")
        assert server.request("GET", "/api/v1/session", token=disabled)[0] == 200
        assert server.request("PATCH", "/api/v1/users/gone", body={"disabled": True})[0] == 200
        cls.tokens.update({"no_token": None, "expired": short["token"],
                           "revoked": revoked["token"], "disabled": disabled})

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def wait_for_expiry(self):
        time.sleep(max(0.0, self.expires_at + 1.2 - time.time()))

    def call(self, who, method, key):
        _, path, body = ROUTES[key]
        token = self.tokens[who]
        if key == ("POST", "/api/v1/logout") and who in PRINCIPALS:
            # Logging out revokes the token it is sent with: use a fresh one.
            status, _, fresh = self.server.request("POST", "/api/v1/tokens",
                                                   body={"name": "logout"}, token=token)
            self.assertEqual(status, 201)
            token = fresh["token"]
        return self.server.request(method, path, body=body, token=token)

    def test_openapi_lists_exactly_the_routes_of_the_matrix(self):
        status, _, doc = self.server.request("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        served = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        self.assertEqual(served - set(ROUTES), set(), "routes missing from the test's table")
        self.assertEqual(set(ROUTES) - served, set(), "routes the server no longer serves")

    def test_every_route_for_every_principal(self):
        self.wait_for_expiry()
        wrong = []
        checked = 0
        for key in sorted(ROUTES):
            action = ROUTES[key][0]
            method = key[0]
            for who in (*PRINCIPALS, *CREDENTIAL_CASES):
                status, _, body = self.call(who, method, key)
                checked += 1
                if action == "public":
                    ok = status == 200
                    want = "200"
                elif action == "anonymous":
                    ok = status not in (401, 403, 429) and status < 500
                    want = "admitted (not 401/403/429/5xx)"
                elif who in CREDENTIAL_CASES:
                    ok = status == 401
                    want = "401"
                elif allowed(who, action):
                    ok = status not in (401, 403) and status < 500
                    want = "admitted (not 401/403/5xx)"
                else:
                    ok = status == 403
                    want = "403"
                if not ok:
                    wrong.append(f"{method} {key[1]} as {who}: got {status}, want {want}: "
                                 f"{body_text(body)[:160]}")
        self.assertGreaterEqual(checked, len(ROUTES) * 11)
        self.assertEqual(wrong, [], "\n" + "\n".join(wrong))

    def test_denials_name_the_reason_and_credentials_ask_for_a_bearer_token(self):
        status, headers, body = self.server.request("GET", "/api/v1/users",
                                                    token=self.tokens["consumer_grant"])
        self.assertEqual(status, 403)
        self.assertEqual(body["error"]["code"], "permission_denied")
        self.assertIn("consumer", body["error"]["message"])
        self.wait_for_expiry()
        for who in CREDENTIAL_CASES:
            status, headers, body = self.server.request("GET", "/api/v1/session",
                                                        token=self.tokens[who])
            self.assertEqual(status, 401, who)
            self.assertEqual(body["error"]["code"], "unauthenticated", who)
            self.assertIn("Bearer", headers.get("WWW-Authenticate", ""), who)

    def test_own_tokens_and_grants_only(self):
        for who in ("steward", "provider_own", "consumer_grant", "auditor"):
            token = self.tokens[who]
            self.assertEqual(self.server.request("GET", "/api/v1/tokens?all=true",
                                                 token=token)[0], 403, who)
            other = "steward" if who == "consumer_grant" else "consumer_grant"
            self.assertEqual(self.server.request("GET", "/api/v1/grants?user=" + other,
                                                 token=token)[0], 403, who)
        status, _, mine = self.server.request("GET", "/api/v1/grants",
                                              token=self.tokens["consumer_grant"])
        self.assertEqual(status, 200)
        self.assertEqual([g["dataset"] for g in mine["items"]], [MATRIX_DATASET])
        # Another user's token cannot be revoked by its id.
        status, _, steward_tokens = self.server.request("GET", "/api/v1/tokens",
                                                        token=self.tokens["steward"])
        self.assertEqual(status, 200)
        some_id = steward_tokens["items"][0]["id"]
        status, _, _ = self.server.request("DELETE", "/api/v1/tokens/" + some_id,
                                           token=self.tokens["consumer_nogrant"])
        self.assertIn(status, (403, 404))
        self.assertEqual(self.server.request("GET", "/api/v1/session",
                                             token=self.tokens["steward"])[0], 200)


# ---------------------------------------------------------------------------------------
# 2. Sensitive values never reach a reader without clearance.

LEAK_QUERIES = [
    "SELECT * FROM raw.people",
    "SELECT * FROM RAW.PEOPLE",
    'SELECT * FROM "raw"."people"',
    "SELECT * FROM [raw].[people]",
    "SELECT * FROM raw . people",
    "SELECT * FROM people",
    "SELECT * FROM main.people",
    "SELECT * FROM temp.people",
    "SELECT p.* FROM raw.people AS p",
    "SELECT rowid, * FROM raw.people",
    "SELECT substr(sfzh, 1, 18), substr(order_no, 7, 8), cast(remark AS text) FROM raw.people",
    "SELECT cast(sfzh AS integer), cast(memo AS real), abs(lxdh), sfzh + 0 FROM raw.people",
    "SELECT sfzh || '|' || memo, upper(xm), lower(order_no), hex(sfzh), quote(memo) "
    "FROM raw.people",
    "SELECT unicode(substr(xm, 2, 1)), instr(sfzh, '19'), replace(remark, '*', '') "
    "FROM raw.people",
    "SELECT printf('%s %s', sfzh, memo), json_object('id', sfzh), json_array(xm, lxdh) "
    "FROM raw.people",
    "SELECT group_concat(sfzh), group_concat(memo), group_concat(xm) FROM raw.people",
    "SELECT min(sfzh), max(sfzh), min(memo), max(lxdh), min(xm) FROM raw.people",
    "SELECT sfzh, count(*) FROM raw.people GROUP BY sfzh",
    "SELECT substr(sfzh, 7, 8) AS birth, count(*) FROM raw.people GROUP BY birth",
    "SELECT remark, memo FROM raw.people GROUP BY remark, memo HAVING count(*) > 0",
    "SELECT a.xm, b.sfzh, b.memo FROM raw.people a JOIN raw.people b ON a.sfzh = b.order_no",
    "SELECT p.sfzh, l.label FROM raw.people p JOIN raw.lookup l ON l.code = 1",
    "SELECT p.lxdh FROM raw.lookup l LEFT JOIN raw.people p ON 1 = 1",
    "SELECT sfzh FROM raw.people WHERE sfzh IN (SELECT order_no FROM raw.people)",
    "SELECT (SELECT sfzh FROM raw.people LIMIT 1), (SELECT memo FROM raw.people LIMIT 1)",
    "WITH t AS (SELECT * FROM raw.people) SELECT * FROM t",
    "WITH RECURSIVE c(x) AS (SELECT sfzh FROM raw.people) SELECT x FROM c",
    "SELECT * FROM (SELECT sfzh AS x, memo AS y FROM raw.people)",
    "SELECT * FROM raw.people UNION ALL SELECT * FROM raw.people",
    # Joins whose column reads SQLite never shows the authorizer.
    "SELECT * FROM (SELECT NULL AS xm, NULL AS sfzh, NULL AS order_no, NULL AS lxdh, "
    "NULL AS remark, NULL AS memo, NULL AS amount WHERE 0) x NATURAL FULL JOIN people",
    "SELECT sfzh, lxdh FROM (SELECT NULL AS sfzh, NULL AS lxdh WHERE 0) x FULL JOIN people "
    "USING (sfzh, lxdh)",
    "SELECT * FROM (SELECT NULL AS name WHERE 0) x NATURAL FULL JOIN masked.sqlite_master",
    "SELECT * FROM (SELECT NULL AS name WHERE 0) x NATURAL FULL JOIN temp.sqlite_master",
    # A byte-order mark starting a token is a blank to SQLite (it must be to the rewrite).
    "SELECT * FROM (SELECT NULL AS xm, NULL AS sfzh, NULL AS order_no, NULL AS lxdh, "
    "NULL AS remark, NULL AS memo, NULL AS amount WHERE 0) x \ufeffNATURAL FULL JOIN people",
    "WITH \ufeff_cd_view_1 AS (SELECT sfzh FROM people) SELECT * FROM \ufeff_cd_view_1, "
    "raw.people",
    "SELECT sfzh FROM \ufeffraw.people",
    "SELECT count(*) FROM 'raw'.people, raw.people",
    # A CTE named like a scope view (the engine's names) must not pass for it.
    *[f'WITH "_cd_view_{n}" AS (SELECT sfzh AS x FROM people) SELECT x FROM "_cd_view_{n}" '
      "WHERE EXISTS (SELECT 1 FROM raw.people)" for n in range(1, 4)],
    *[f"WITH '_cd_view_{n}' AS (SELECT sfzh AS x FROM people) SELECT x FROM '_cd_view_{n}' "
      "WHERE EXISTS (SELECT 1 FROM raw.people)" for n in range(1, 4)],
    "SELECT sfzh FROM raw.people UNION SELECT '" + IDS[0][:6] + "'",
    "SELECT xm FROM raw.people ORDER BY sfzh",
    "SELECT sfzh FROM raw.people WHERE sfzh > '" + IDS[0][:10] + "'",
    "SELECT * FROM raw.people WHERE sfzh = '" + IDS[0] + "' OR order_no = '" + IDS[1] + "'",
    "SELECT name, sql FROM sqlite_master",
    "SELECT * FROM sqlite_temp_master",
    "SELECT * FROM pragma_table_info('people')",
    "SELECT * FROM raw.people_rejects",
    "SELECT * FROM raw._people",
    "SELECT json(sfzh) FROM raw.people",
    "SELECT 1; SELECT * FROM raw.people",
]


class LeakTest(unittest.TestCase):
    """A consumer of clearance general-1 with a grant on a dataset full of personal data."""

    @classmethod
    def setUpClass(cls):
        cls.server = server = start_server()
        try:
            cls._populate(server)
        except BaseException:
            server.cleanup()
            raise

    @classmethod
    def _populate(cls, server):
        for code, name in (("gaj", "市公安局"), ("mzj", "市民政局")):
            assert server.request("POST", "/api/v1/departments",
                                  body={"code": code, "name": name})[0] == 201
        result = ingest(server, "raw.people", PEOPLE_CSV, "gaj")
        assert result["rows_loaded"] == 8 and result["rows_rejected"] == 2, result
        ingest(server, "raw.lookup", "code,label\n1,甲\n2,乙\n", "mzj")
        status, _, body = server.request("POST", "/api/v1/quality/plans",
                                         body=PEOPLE_PLAN.encode("utf-8"))
        assert status == 201, body
        status, _, body = server.request("POST", "/api/v1/datasets/raw/people/quality/runs")
        assert status == 201, body
        add_user(server, "cal", "consumer", "mzj", "general-1")
        add_user(server, "narrow", "consumer", "mzj", "general-1")
        add_user(server, "nogrant", "consumer", "mzj", "general-1")
        add_user(server, "aud", "auditor", "", "general-1")
        for user, dataset, columns in (("cal", "raw.people", []), ("cal", "raw.lookup", []),
                                       ("narrow", "raw.people", ["xm", "amount"])):
            status, _, body = server.request("POST", "/api/v1/grants", body={
                "user": user, "dataset": dataset, "columns": columns, "purpose": "低保核查",
                "expires_at": iso_in(86400)})
            assert status == 201, body
        cls.cal = login(server, "cal")
        cls.narrow = login(server, "narrow")
        cls.nogrant = login(server, "nogrant")
        cls.aud = login(server, "aud")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def assertNoSecrets(self, body, what):
        text = body_text(body)
        found = [s for s in SECRETS if s in text]
        self.assertEqual(found, [], f"{what} leaks raw values: {text[:400]}")

    def query(self, sql, token, fmt="json"):
        return self.server.request("POST", "/api/v1/query", body={"sql": sql, "format": fmt},
                                   token=token)

    def test_admin_sees_stored_values(self):
        status, _, body = self.query("SELECT xm, sfzh, order_no, remark, memo FROM raw.people "
                                     "ORDER BY rowid", self.server.token)
        self.assertEqual(status, 200)
        self.assertEqual(body["rows"][0], [NAMES[0], IDS[0], IDS[3], MOBILES[2], CARDS[0]])
        status, _, rows = self.server.request("GET", "/api/v1/datasets/raw/people/rows")
        self.assertIn(IDS[5], body_text(rows))
        status, _, rejects = self.server.request("GET", "/api/v1/datasets/raw/people/rejects")
        self.assertEqual(rejects["total"], 2)
        self.assertIn(IDS[2], body_text(rejects))
        status, _, issues = self.server.request(
            "GET", "/api/v1/datasets/raw/people/quality/issues?rule=id_region")
        self.assertIn(IDS[0], body_text(issues))

    def test_consumer_sees_masked_display_forms(self):
        status, _, body = self.query("SELECT xm, sfzh, order_no, lxdh, remark, memo, amount "
                                     "FROM raw.people ORDER BY rowid", self.cal)
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["rows"]), 8)
        first = body["rows"][0]
        self.assertEqual(first[0], NAMES[0][0] + "*" * (len(NAMES[0]) - 1))
        self.assertEqual(first[1], IDS[0][:6] + "*" * 8 + IDS[0][-4:])
        self.assertEqual(first[2], IDS[3][:6] + "*" * 8 + IDS[3][-4:])
        self.assertEqual(first[3], MOBILES[0][:3] + "****" + MOBILES[0][-4:])
        self.assertEqual(first[4], MOBILES[2][:3] + "****" + MOBILES[2][-4:])
        self.assertTrue(first[5] is None or CARDS[0] not in str(first[5]))
        self.assertEqual(first[6], 0)

    def test_no_query_returns_a_raw_value(self):
        for sql in LEAK_QUERIES:
            for fmt in ("json", "csv"):
                with self.subTest(sql=sql, format=fmt):
                    status, _, body = self.query(sql, self.cal, fmt)
                    self.assertLess(status, 500, body)
                    self.assertNoSecrets(body, f"{sql} ({fmt})")

    def test_where_probing_does_not_confirm_a_guess(self):
        probes = [
            f"SELECT count(*) FROM raw.people WHERE sfzh = '{IDS[0]}'",
            f"SELECT count(*) FROM raw.people WHERE order_no = '{IDS[3]}'",
            f"SELECT count(*) FROM raw.people WHERE remark = '{MOBILES[2]}'",
            f"SELECT count(*) FROM raw.people WHERE memo = '{CARDS[0]}'",
            f"SELECT count(*) FROM raw.people WHERE xm = '{NAMES[0]}'",
            f"SELECT count(*) FROM raw.people WHERE substr(sfzh, 7, 8) = '{IDS[0][6:14]}'",
            f"SELECT count(*) FROM raw.people WHERE lxdh LIKE '{MOBILES[0][:7]}%'",
            f"SELECT count(*) FROM raw.people WHERE instr(memo, '{CARDS[0][6:12]}') > 0",
        ]
        for sql in probes:
            with self.subTest(sql=sql):
                status, _, body = self.query(sql, self.cal)
                if status == 200:
                    self.assertEqual(body["rows"], [[0]], "the predicate saw stored values")
                else:
                    self.assertEqual(status, 403, body)
        status, _, body = self.query("SELECT substr(sfzh, 7, 8), count(*) FROM raw.people "
                                     "GROUP BY 1", self.cal)
        self.assertEqual(status, 200)
        self.assertEqual(len(body["rows"]), 1, "grouping told the birth dates apart")

    def test_column_grant_hides_other_columns(self):
        status, _, body = self.query("SELECT * FROM raw.people", self.narrow)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["columns"], ["xm", "amount"])
        self.assertNoSecrets(body, "narrow grant")
        for sql in ("SELECT sfzh FROM raw.people", "SELECT count(*) FROM raw.people "
                    f"WHERE sfzh = '{IDS[0]}'", "SELECT memo FROM raw.people"):
            with self.subTest(sql=sql):
                status, _, body = self.query(sql, self.narrow)
                self.assertIn(status, (400, 403), body)
                self.assertNoSecrets(body, sql)
        status, _, meta = self.server.request("GET", "/api/v1/datasets/raw/people",
                                              token=self.narrow)
        self.assertNoSecrets(meta, "metadata for a column grant")

    def test_no_other_response_returns_a_raw_value(self):
        base = "/api/v1/datasets/raw/people"
        paths = [base, base + "/rows", base + "/rows?limit=1000", base + "/rejects",
                 base + "/jobs", base + "/mapping", base + "/classification",
                 base + "/quality/plan", base + "/quality/runs", base + "/quality/runs/latest",
                 base + "/quality/issues", base + "/quality/issues?format=csv",
                 base + "/quality/issues?rule=id_region", base + "/quality/report",
                 base + "/quality/suggest", "/api/v1/datasets?search=people",
                 "/api/v1/datasets?search=" + IDS[0][:6], "/api/v1/overview",
                 "/api/v1/grants", "/api/v1/session"]
        for token_name in ("cal", "narrow", "nogrant", "aud"):
            for path in paths:
                with self.subTest(path=path, user=token_name):
                    status, _, body = self.server.request("GET", path,
                                                          token=getattr(self, token_name))
                    self.assertLess(status, 500, body)
                    self.assertNoSecrets(body, path)

    def test_profile_rejects_and_issues_are_masked_not_dropped(self):
        status, _, meta = self.server.request("GET", "/api/v1/datasets/raw/people",
                                              token=self.cal)
        self.assertEqual(status, 200)
        columns = {c["name"]: c for c in meta["columns"]}
        for name in ("sfzh", "order_no", "remark", "memo", "xm"):
            profile = columns[name]
            for value in [profile.get("min"), profile.get("max"),
                          *[t["value"] for t in profile.get("top_values", [])]]:
                self.assertNotIn(value, SECRETS, f"{name} profile")
        status, _, rejects = self.server.request("GET", "/api/v1/datasets/raw/people/rejects",
                                                 token=self.cal)
        self.assertEqual(status, 200)
        self.assertEqual(rejects["total"], 2)
        self.assertTrue(all(r["reason"] for r in rejects["items"]))
        status, _, issues = self.server.request(
            "GET", "/api/v1/datasets/raw/people/quality/issues?rule=id_region", token=self.cal)
        self.assertEqual(status, 200)
        self.assertEqual(issues["total"], 8)
        for path in ("/quality/report", "/quality/suggest"):
            status, _, body = self.server.request("GET", "/api/v1/datasets/raw/people" + path,
                                                  token=self.cal)
            self.assertEqual(status, 403, path)

    def test_static_mask_copy_holds_no_raw_value(self):
        status, _, body = self.server.request("POST", "/api/v1/datasets/raw/people/mask", body={
            "to": "std.people_masked", "role": "consumer", "clearance": "general-1"})
        self.assertEqual(status, 201, body)
        self.assertEqual(body["rows"], 8)
        status, _, rows = self.query("SELECT * FROM std.people_masked", self.server.token)
        self.assertEqual(status, 200)
        self.assertEqual(len(rows["rows"]), 8)
        self.assertNoSecrets(rows, "the masked copy, as the admin reads it")


def wait_for_masked_copies(server):
    """Waits until no masked copy is queued or being built; the number ready."""
    deadline = time.time() + 60
    while time.time() < deadline:
        status, text = raw_get(server, "/metrics")
        values = {}
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            values[name] = value
        if float(values.get("citydata_masked_copies_building", "0")) == 0:
            return int(float(values.get("citydata_masked_copies", "0")))
        time.sleep(0.05)
    raise AssertionError("masked copies still building after 60 s")


class MaskedCopyTest(unittest.TestCase):
    """Scoped queries read materialized masked copies once built: they show what the
    masking shows, change with the data, the masking policy and the keys at once, and
    hold no raw value."""

    SQL = "SELECT xm, sfzh, lxdh FROM raw.people ORDER BY rowid"

    @classmethod
    def setUpClass(cls):
        cls.server = server = start_with_people()
        try:
            add_user(server, "cal", "consumer", "mzj", "general-1")
            status, _, body = server.request("POST", "/api/v1/grants", body={
                "user": "cal", "dataset": "raw.people", "purpose": "低保核查"})
            assert status == 201, body
            cls.cal = login(server, "cal")
        except BaseException:
            server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def query(self, sql, token):
        status, _, body = self.server.request("POST", "/api/v1/query", body={"sql": sql},
                                              token=token)
        self.assertEqual(status, 200, body)
        return body["rows"]

    def warm(self, sql, token):
        """The rows `sql` shows before and after its masked copy is built (the second
        read of the same data queues it)."""
        first = self.query(sql, token)
        self.assertEqual(self.query(sql, token), first)
        self.assertGreaterEqual(wait_for_masked_copies(self.server), 1)
        return first, self.query(sql, token)

    def test_a_copy_shows_what_masking_as_it_reads_showed(self):
        first, copied = self.warm(self.SQL, self.cal)
        self.assertEqual(copied, first)
        self.assertEqual(copied[0][1], IDS[0][:6] + "*" * 8 + IDS[0][-4:])
        for sql in LEAK_QUERIES:
            with self.subTest(sql=sql):
                status, _, body = self.server.request("POST", "/api/v1/query",
                                                      body={"sql": sql}, token=self.cal)
                self.assertLess(status, 500, body)
                self.assertNotIn(IDS[0], body_text(body))
        self.assertEqual(self.query(f"SELECT count(*) FROM raw.people WHERE sfzh = '{IDS[0]}'",
                                    self.cal), [[0]])

    def test_new_rows_are_seen_at_once(self):
        self.warm("SELECT count(*), count(sfzh) FROM raw.people", self.cal)
        extra = id_number("110105", "19800101", 999)
        ingest(self.server, "raw.people",
               PEOPLE_HEADER + f"\n张新,{extra},,13800001111,,,1\n", "gaj")
        rows = self.query("SELECT sfzh FROM raw.people", self.cal)
        self.assertIn([extra[:6] + "*" * 8 + extra[-4:]], rows)
        self.assertNotIn(extra, body_text(rows))

    def put_policy(self, rules):
        """Makes `rules` the masking policy; the rules it replaced."""
        status, _, policy = self.server.request("GET", "/api/v1/policies/masking")
        self.assertEqual(status, 200, policy)
        status, _, body = self.server.request("PUT", "/api/v1/policies/masking", body={
            "version": policy["version"] + 1, "rules": rules})
        self.assertEqual(status, 200, body)
        return policy["rules"]

    def test_a_new_masking_policy_applies_at_once(self):
        self.warm(self.SQL, self.cal)
        rules = self.put_policy([{"category": "id_card", "operator": "nullify"}])
        try:
            rows = self.query(self.SQL, self.cal)
            self.assertTrue(all(r[1] is None for r in rows), rows)
            wait_for_masked_copies(self.server)
            self.assertEqual(self.query(self.SQL, self.cal), rows)
        finally:
            self.put_policy(rules)

    def test_new_data_keys_apply_at_once(self):
        sql = "SELECT sfzh FROM raw.people ORDER BY rowid LIMIT 1"
        rules = self.put_policy([{"category": "id_card", "operator": "hash"}])
        try:
            _, before = self.warm(sql, self.cal)
            self.assertNotIn(IDS[0][6:14], before[0][0])
            status, _, body = self.server.request("POST", "/api/v1/keys/rotate",
                                                  body={"which": "data"})
            self.assertLess(status, 300, body)
            after = self.query(sql, self.cal)
            self.assertNotEqual(after, before)
            wait_for_masked_copies(self.server)
            self.assertEqual(self.query(sql, self.cal), after)
        finally:
            self.put_policy(rules)


# ---------------------------------------------------------------------------------------
# 3. The audit trail.

# A data read is recorded as one of these (reads of rows and queries).
READ_ACTIONS = ("data.read", "data.query")
AUDIT_FIELDS = ("seq", "at", "actor", "actor_kind", "dept", "action", "target", "cols",
                "row_count", "purpose", "client", "outcome", "detail", "prev_hash", "hash")


def canonical_hash(rec):
    """The SM3 hash of a record's canonical form, as documented in src/audit/README.md."""
    def line(key, value):
        value = str(value).encode("utf-8")
        return key.encode() + b" " + str(len(value)).encode() + b" " + value + b"\n"
    columns = json.loads(rec["cols"])
    out = b"citydata.audit.v1\n"
    for key, field in (("seq", "seq"), ("time", "at"), ("actor", "actor"),
                       ("actor_kind", "actor_kind"), ("dept", "dept"), ("action", "action"),
                       ("target", "target")):
        out += line(key, rec[field])
    out += line("columns", len(columns))
    for c in columns:
        out += line("column", c)
    for key, field in (("rows", "row_count"), ("purpose", "purpose"), ("client", "client"),
                       ("outcome", "outcome"), ("detail", "detail"), ("prev_hash", "prev_hash")):
        out += line(key, rec[field])
    return hashlib.new("sm3", out).hexdigest()


class AuditDb:
    """Direct access to a stopped server's audit.db, the way a tamperer would have it."""

    def __init__(self, data_dir):
        self.conn = sqlite3.connect(os.path.join(data_dir, "audit.db"))
        self.conn.row_factory = sqlite3.Row
        # The triggers only stop honest mistakes: drop them first.
        self.conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        self.conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")

    def records(self):
        return [dict(r) for r in self.conn.execute("SELECT * FROM audit_log ORDER BY seq")]

    def record(self, seq):
        return dict(self.conn.execute("SELECT * FROM audit_log WHERE seq = ?",
                                      (seq,)).fetchone())

    def put(self, rec):
        names = ", ".join(AUDIT_FIELDS)
        marks = ", ".join("?" for _ in AUDIT_FIELDS)
        self.conn.execute(f"INSERT OR REPLACE INTO audit_log ({names}) VALUES ({marks})",
                          [rec[f] for f in AUDIT_FIELDS])

    def execute(self, sql, args=()):
        self.conn.execute(sql, args)

    def close(self):
        self.conn.commit()
        self.conn.close()


class AuditTest(unittest.TestCase):
    """One recorded session, then a copy of its data directory per test, tampered with while
    no server runs."""

    @classmethod
    def setUpClass(cls):
        cls.server = server = start_server()
        try:
            cls._record_session(server)
        finally:
            server.stop()
            server.close_pipes()

    @classmethod
    def _record_session(cls, server):
        assert server.request("POST", "/api/v1/departments",
                              body={"code": "gaj", "name": "市公安局"})[0] == 201
        assert server.request("POST", "/api/v1/departments",
                              body={"code": "mzj", "name": "市民政局"})[0] == 201
        ingest(server, "raw.people", PEOPLE_CSV, "gaj")
        add_user(server, "cal", "consumer", "mzj")
        add_user(server, "dan", "consumer", "mzj")
        add_user(server, "aud", "auditor")
        assert server.request("POST", "/api/v1/grants", body={
            "user": "cal", "dataset": "raw.people", "purpose": "check"})[0] == 201
        status, _, _ = server.request("POST", "/api/v1/login",
                                      body={"name": "cal", "password": "wrong"}, token=None)
        assert status == 401
        cal = login(server, "cal")
        dan = login(server, "dan")
        cls.auditor = login(server, "aud")
        purpose = {"X-Purpose": "subsidy-check"}
        assert server.request("GET", "/api/v1/datasets/raw/people/rows?limit=5", token=cal,
                              headers=purpose)[0] == 200
        assert server.request("POST", "/api/v1/query", body={
            "sql": "SELECT xm, sfzh FROM raw.people"}, token=cal, headers=purpose)[0] == 200
        assert server.request("GET", "/api/v1/datasets/raw/people/rows", token=dan)[0] == 403
        assert server.request("POST", "/api/v1/query", body={
            "sql": "SELECT * FROM raw.people"}, token=dan)[0] == 403
        assert server.request("GET", "/api/v1/users", token=dan)[0] == 403
        assert server.request("GET", "/api/v1/session", token="cdt_" + "0" * 64)[0] == 401
        status, _, cls.anchor = server.request("GET", "/api/v1/audit/anchor",
                                               token=cls.auditor)
        assert status == 200, cls.anchor
        status, _, cls.verify_live = server.request("GET", "/api/v1/audit/verify",
                                                    token=cls.auditor)
        assert status == 200, cls.verify_live

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def copy_data(self):
        tmp = tempfile.mkdtemp(prefix="citydata_audit_")
        self.addCleanup(shutil.rmtree, tmp, True)
        data = os.path.join(tmp, "data")
        shutil.copytree(self.server.data_dir, data)
        return data

    def start(self, data_dir):
        server = Server(data_dir=data_dir)
        self.addCleanup(server.cleanup)
        return server.start()

    def verify(self, server, anchor=None):
        path = "/api/v1/audit/verify"
        if anchor is not None:
            path += "?anchor=" + urllib.parse.quote(json.dumps(anchor))
        status, _, body = server.request("GET", path)
        self.assertEqual(status, 200, body)
        return body

    def audit(self, server, **filters):
        status, _, body = server.request(
            "GET", "/api/v1/audit?" + urllib.parse.urlencode({**filters, "limit": 1000}))
        self.assertEqual(status, 200, body)
        return body["items"]

    def tampered(self, change):
        """Applies `change(db)` to a copy of the session's audit.db, restarts on the copy."""
        data = self.copy_data()
        db = AuditDb(data)
        change(db)
        db.close()
        return self.start(data)

    def test_live_verify_counts_every_record(self):
        self.assertTrue(self.verify_live["ok"], self.verify_live)
        # The anchor request was recorded after the head it returned.
        self.assertEqual(self.verify_live["records"], self.anchor["seq"] + 1)
        db = AuditDb(self.copy_data())
        records = db.records()
        db.close()
        self.assertEqual([r["seq"] for r in records], list(range(1, len(records) + 1)))
        self.assertEqual(len(records), self.anchor["seq"] + 2)
        self.assertEqual(records[self.anchor["seq"] - 1]["hash"], self.anchor["hash"])
        self.assertEqual(records[0]["prev_hash"], "0" * 64)
        for prev, rec in zip(records, records[1:]):
            self.assertEqual(rec["prev_hash"], prev["hash"])
        for rec in records:
            self.assertEqual(canonical_hash(rec), rec["hash"], rec)

    def requests_of(self, server, user, request, **filters):
        """`user`'s records of one request ("METHOD /path"), by the detail that names it."""
        return [r for r in self.audit(server, user=user, **filters)
                if r["detail"] == request or r["detail"].startswith(request + ":")]

    def test_reads_logins_and_denials_are_recorded(self):
        server = self.start(self.copy_data())
        rows = self.requests_of(server, "cal", "GET /api/v1/datasets/raw/people/rows")
        self.assertEqual(len(rows), 1, rows)
        self.assertIn(rows[0]["action"], READ_ACTIONS)
        self.assertEqual((rows[0]["target"], rows[0]["outcome"], rows[0]["purpose"],
                          rows[0]["dept"], rows[0]["actor_kind"]),
                         ("raw.people", "allowed", "subsidy-check", "mzj", "user"))
        self.assertIn(rows[0]["seq"], [r["seq"] for r in self.audit(
            server, user="cal", action=rows[0]["action"], dataset="raw.people")])
        queries = self.requests_of(server, "cal", "POST /api/v1/query")
        self.assertEqual(len(queries), 1, queries)
        self.assertIn(queries[0]["action"], READ_ACTIONS)
        self.assertEqual((queries[0]["outcome"], queries[0]["purpose"]),
                         ("allowed", "subsidy-check"))
        logins = self.audit(server, action="login")
        self.assertEqual(sorted((r["target"], r["outcome"]) for r in logins),
                         [("aud", "allowed"), ("cal", "allowed"), ("cal", "denied"),
                          ("dan", "allowed")])
        denied = self.audit(server, user="dan", outcome="denied")
        self.assertEqual(sorted(r["detail"].split(":")[0] for r in denied),
                         ["GET /api/v1/datasets/raw/people/rows", "GET /api/v1/users",
                          "POST /api/v1/query"])
        # dan's refused rows and refused query both name the dataset they were after.
        self.assertEqual(len(self.audit(server, dataset="raw.people", outcome="denied")), 2)
        anonymous = self.audit(server, action="authenticate", outcome="denied")
        self.assertEqual(len(anonymous), 1)
        self.assertEqual(anonymous[0]["actor_kind"], "anonymous")
        # Time filters: nothing after the future, everything since the epoch.
        self.assertEqual(self.audit(server, since=iso_in(3600)), [])
        self.assertGreaterEqual(len(self.audit(server, since="2000-01-01T00:00:00Z",
                                               until=iso_in(3600))), self.anchor["seq"])
        # Verified across a restart: every record of the session plus this test's.
        self.assertEqual(self.verify(server, self.anchor)["ok"], True)

    def test_queries_are_recorded_against_the_dataset_they_read(self):
        server = self.start(self.copy_data())
        allowed_query = self.requests_of(server, "cal", "POST /api/v1/query",
                                         dataset="raw.people")
        self.assertEqual(len(allowed_query), 1,
                         "a query of raw.people is not found by the audit's dataset filter")
        denied_query = self.requests_of(server, "dan", "POST /api/v1/query",
                                        dataset="raw.people", outcome="denied")
        self.assertEqual(len(denied_query), 1,
                         "a refused query of raw.people is not found by the dataset filter")

    def test_reads_record_columns_and_rows(self):
        server = self.start(self.copy_data())
        rows = self.requests_of(server, "cal", "GET /api/v1/datasets/raw/people/rows")[0]
        query = self.requests_of(server, "cal", "POST /api/v1/query")[0]
        self.assertEqual(rows["rows"], 5, rows)
        self.assertEqual(query["rows"], 8, query)
        self.assertEqual(sorted(query["columns"]), ["sfzh", "xm"], query)

    def test_auditor_reads_and_exports_the_trail(self):
        server = self.start(self.copy_data())
        status, text = raw_get(server, "/api/v1/audit/export?format=ndjson")
        self.assertEqual(status, 200)
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        self.assertEqual([r["seq"] for r in lines], list(range(1, len(lines) + 1)))
        status, csv_text = raw_get(server, "/api/v1/audit/export?format=csv")
        self.assertEqual(status, 200)
        self.assertTrue(csv_text.startswith("seq,"))
        self.assertGreaterEqual(len(csv_text.splitlines()), len(lines) + 1)

    def test_verify_after_restart_counts_the_stored_records(self):
        data = self.copy_data()
        db = AuditDb(data)
        stored = len(db.records())
        db.close()
        server = self.start(data)
        report = self.verify(server)
        self.assertTrue(report["ok"], report)
        self.assertEqual(report["records"], stored)

    def test_edited_field_is_detected(self):
        server = self.tampered(lambda db: db.execute(
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 7"))
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 7, report)

    def test_edited_outcome_is_detected(self):
        def change(db):
            denial = next(r for r in db.records() if r["actor"] == "dan"
                          and r["action"] == "manage_users" and r["outcome"] == "denied")
            db.execute("UPDATE audit_log SET outcome = 'allowed' WHERE seq = ?",
                       (denial["seq"],))
            self.edited = denial["seq"]
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], self.edited, report)

    def test_deleted_record_is_detected(self):
        server = self.tampered(lambda db: db.execute("DELETE FROM audit_log WHERE seq = 9"))
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 9, report)

    def test_deleted_and_renumbered_record_is_detected(self):
        def change(db):
            db.execute("DELETE FROM audit_log WHERE seq = 9")
            for rec in db.records():
                if rec["seq"] > 9:
                    db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?",
                               (rec["seq"] - 1, rec["seq"]))
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 9, report)

    def test_inserted_record_is_detected(self):
        def change(db):
            # A forged record after seq 5 with a correctly computed hash; later ones renumbered.
            records = db.records()
            for rec in reversed(records[5:]):
                db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?",
                           (rec["seq"] + 1, rec["seq"]))
            forged = dict(records[4], seq=6, actor="mallory", action="data.read",
                          target="raw.people", detail="GET /api/v1/datasets/raw/people/rows",
                          prev_hash=records[4]["hash"])
            forged["hash"] = canonical_hash(forged)
            db.put(forged)
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 7, report)

    def test_appended_record_with_made_up_hash_is_detected(self):
        def change(db):
            last = db.records()[-1]
            db.put(dict(last, seq=last["seq"] + 1, actor="mallory", prev_hash=last["hash"],
                        hash="ab" * 32))
            self.appended = last["seq"] + 1
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], self.appended, report)

    def test_swapped_records_are_detected(self):
        def change(db):
            a, b = db.record(4), db.record(8)
            db.put(dict(b, seq=4))
            db.put(dict(a, seq=8))
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 4, report)

    def test_edit_with_recomputed_hash_is_detected_at_the_next_record(self):
        def change(db):
            rec = db.record(6)
            rec["actor"] = "mallory"
            rec["hash"] = canonical_hash(rec)
            db.put(rec)
        server = self.tampered(change)
        report = self.verify(server)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], 7, report)

    def test_rewritten_chain_is_detected_only_with_an_anchor(self):
        def change(db):
            prev = None
            for rec in db.records():
                if rec["seq"] == 3:
                    rec["outcome"] = "allowed" if rec["outcome"] != "allowed" else "error"
                if prev is not None:
                    rec["prev_hash"] = prev["hash"]
                if rec["seq"] >= 3:
                    rec["hash"] = canonical_hash(rec)
                    db.put(rec)
                prev = rec
        server = self.tampered(change)
        self.assertTrue(self.verify(server)["ok"], "a full rewrite is undetectable without anchor")
        report = self.verify(server, self.anchor)
        self.assertFalse(report["ok"])
        self.assertEqual(report["first_bad_seq"], self.anchor["seq"], report)

    def test_truncated_tail_is_detected_only_with_an_anchor(self):
        keep = self.anchor["seq"] - 12
        server = self.tampered(lambda db: db.execute("DELETE FROM audit_log WHERE seq > ?",
                                                     (keep,)))
        with_anchor = self.verify(server, self.anchor)
        without = self.verify(server)
        self.assertTrue(without["ok"], without)
        self.assertLess(without["records"], self.anchor["seq"])
        self.assertFalse(with_anchor["ok"], with_anchor)
        # The log ended one record (the anchored verify's own) before `without` counted.
        self.assertEqual(with_anchor["first_bad_seq"], without["records"], with_anchor)
        self.assertIn("tail", with_anchor["reason"])

    def test_untampered_log_verifies_with_its_anchor(self):
        server = self.start(self.copy_data())
        report = self.verify(server, self.anchor)
        self.assertTrue(report["ok"], report)
        status, _, body = server.request("GET", "/api/v1/audit/verify?anchor=" +
                                         urllib.parse.quote('{"seq": 3, "hash": "' + "0" * 64 +
                                                            '"}'))
        self.assertEqual(status, 200)
        self.assertFalse(body["ok"])
        self.assertEqual(body["first_bad_seq"], 3)


# ---------------------------------------------------------------------------------------
# 4. Lockout and classification.

class LockoutAndClassificationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_with_people()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def attempt(self, name, password):
        return self.server.request("POST", "/api/v1/login",
                                   body={"name": name, "password": password}, token=None)

    def user(self, name):
        users = self.server.request("GET", "/api/v1/users")[2]["items"]
        return next(u for u in users if u["name"] == name)

    def test_five_failed_logins_lock_the_account(self):
        add_user(self.server, "eve", "consumer", "mzj")
        token = login(self.server, "eve")
        for _ in range(5):
            status, _, body = self.attempt("eve", "not-the-password")
            self.assertEqual(status, 401)
        self.assertNotEqual(self.user("eve")["locked_until"], "")
        status, _, body = self.attempt("eve", PASSWORD)
        self.assertEqual(status, 401, "a locked account logged in with the right password")
        self.assertIn("locked", body["error"]["message"])
        denied = self.server.request("GET", "/api/v1/audit?action=login&outcome=denied"
                                     "&dataset=eve&limit=100")[2]
        self.assertEqual(denied["total"], 6)
        # Lockout stops logins, other accounts are unaffected.
        self.assertEqual(self.server.request("GET", "/api/v1/session", token=token)[0], 200)
        add_user(self.server, "fay", "consumer", "mzj")
        self.assertEqual(self.attempt("fay", PASSWORD)[0], 200)

    def test_four_failures_do_not_lock(self):
        add_user(self.server, "gus", "consumer", "mzj")
        for _ in range(4):
            self.assertEqual(self.attempt("gus", "nope")[0], 401)
        self.assertEqual(self.user("gus")["locked_until"], "")
        self.assertEqual(self.attempt("gus", PASSWORD)[0], 200)

    def test_unknown_user_and_wrong_password_look_the_same(self):
        add_user(self.server, "hal", "consumer", "mzj")
        s1, _, b1 = self.attempt("hal", "nope")
        s2, _, b2 = self.attempt("nobody_here", "nope")
        self.assertEqual((s1, b1), (s2, b2))

    def test_classification_shape_and_misleading_names(self):
        status, _, grade = self.server.request("GET",
                                               "/api/v1/datasets/raw/people/classification")
        self.assertEqual(status, 200, grade)
        for key in ("dataset", "grade", "columns"):
            self.assertIn(key, grade)
        self.assertEqual(grade["dataset"], "raw.people")
        levels = ["general-1", "general-2", "general-3", "general-4", "important", "core"]
        for column in grade["columns"]:
            for key in ("name", "category", "level", "confidence"):
                self.assertIn(key, column)
            self.assertIn(column["level"], levels)
            self.assertTrue(0 <= column["confidence"] <= 1)
        by_name = {c["name"]: c for c in grade["columns"]}
        self.assertEqual(list(by_name), PEOPLE_HEADER.split(","))
        expected = {"xm": "name", "sfzh": "id_card", "order_no": "id_card", "lxdh": "mobile",
                    "remark": "mobile", "memo": "bank_card"}
        self.assertEqual({n: by_name[n]["category"] for n in expected}, expected)
        self.assertEqual(grade["grade"], max((c["level"] for c in grade["columns"]),
                                             key=levels.index))
        self.assertEqual(by_name["order_no"]["level"], by_name["sfzh"]["level"])
        self.assertEqual(levels.index(by_name["sfzh"]["level"]), levels.index("general-4"))
        # The dataset's metadata carries the grade too.
        meta = self.server.request("GET", "/api/v1/datasets/raw/people")[2]
        self.assertEqual(meta["grade"], grade["grade"])

    def test_steward_override_is_kept_with_its_reason_and_audited(self):
        add_user(self.server, "sam", "steward", "gaj", "core")
        token = login(self.server, "sam")
        status, _, grade = self.server.request(
            "PUT", "/api/v1/datasets/raw/people/classification/amount",
            body={"category": "none", "level": "general-2", "reason": "补贴金额, 内部"},
            token=token)
        self.assertEqual(status, 200, grade)
        amount = next(c for c in grade["columns"] if c["name"] == "amount")
        self.assertEqual(amount["level"], "general-2")
        self.assertEqual(amount["reason"], "补贴金额, 内部")
        self.assertEqual(amount["decided_by"], "sam")
        records = self.server.request("GET", "/api/v1/audit?user=sam&action=govern")[2]
        self.assertEqual(records["total"], 1)
        self.assertEqual(records["items"][0]["outcome"], "allowed")


if __name__ == "__main__":
    unittest.main()
