#!/usr/bin/env python3
"""bench/mask: the same SQL as an admin (unmasked) and as a consumer (masked) in one run.

Takes bench/quality's resident register of ROWS rows (generated once by gen_people.cc and
cached in bench/quality/data/): 18-character ID numbers with GB 11643 check characters (a
few percent deliberately damaged), names, mobiles, e-mail, birth date, age, income (the
amount), district code; adds a street address column; and makes a 13-row district table
to join with. Starts `citydata serve` on a free loopback port with
a temporary data directory, ingests both (untimed; ingest classifies every column), and
sets up a consumer: a department, a user with a password and clearance general-1, a
login, and grants on both datasets.

Then each query runs as the admin (core clearance: no read scope, the engine's unmasked
fast path) and as the consumer (a read scope: the engine's masking views, so filters,
grouping and joins see masked values), alternating, REPEAT times each after one warm-up
of each. The consumer's first queries compute each masked value with the masking
operators as they read, and the second queues a materialized masked copy of the
dataset; the run waits for the copy (the `citydata_masked_copies_building` gauge of /metrics back at 0)
and prints that first query's time and the build's, then times the copy's reads. The
time is POST /api/v1/query until the last byte of the response has been read. Printed:
medians per query for both, and the ratio consumer / admin (the target of the issue:
under 1.2).

Usage: bench/mask/run.py [--rows N] [--repeat R] [--bin build/citydata]
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from common import CitydataServer  # noqa: E402
from quality.run import DISTRICTS, prepare_data as quality_data  # noqa: E402

DISTRICT_NAMES = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "富阳区", "临安区",
                  "临平区", "钱塘区", "桐庐县", "淳安县", "建德市"]
STREETS = ["文三路", "学院路", "延安路", "解放路", "中山北路", "莫干山路", "天目山路", "凤起路",
           "庆春路", "体育场路", "教工路", "古墩路"]
CONSUMER = {"name": "mask_bench", "dept": "mzj", "role": "consumer", "clearance": "general-1",
            "password": "Mask-bench-2026!"}

QUERIES = [
    ("full scan, CSV",
     "SELECT id_number, name, mobile, email, address, district, age, income FROM raw.people"),
    ("GROUP BY district",
     "SELECT district, count(*) AS n, avg(income) AS mean FROM raw.people GROUP BY district "
     "ORDER BY district"),
    ("filter on masked column",
     "SELECT count(*) FROM raw.people WHERE mobile LIKE '138%' AND name LIKE '王%'"),
    ("join + masked distinct",
     "SELECT d.name, count(*) AS n, count(DISTINCT p.id_number) AS ids FROM raw.people p "
     "JOIN raw.districts d ON p.district = d.code WHERE p.age BETWEEN 30 AND 49 "
     "GROUP BY d.name ORDER BY d.name"),
]


def prepare_data(rows, work):
    """bench/quality's register plus an address column; returns (people.csv, districts.csv)."""
    source, _ = quality_data(rows)  # generated once and cached by bench/quality
    names = dict(zip(DISTRICTS, DISTRICT_NAMES))
    people = os.path.join(work, "people.csv")
    with open(source, encoding="utf-8") as src, open(people, "w", encoding="utf-8") as out:
        out.write(next(src).rstrip("\n") + ",address\n")
        for i, line in enumerate(src):
            district = line.rsplit(",", 3)[1]
            out.write(f"{line.rstrip()},浙江省杭州市{names.get(district, '西湖区')}"
                      f"{STREETS[i % len(STREETS)]}{i % 397 + 1}号\n")
    districts = os.path.join(work, "districts.csv")
    with open(districts, "w", encoding="utf-8") as f:
        f.write("code,name\n" + "".join(f"{c},{n}\n" for c, n in zip(DISTRICTS, DISTRICT_NAMES)))
    return people, districts


class Api:
    """JSON calls and timed queries against the server, with one keep-alive connection."""

    def __init__(self, url):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port

    def call(self, method, path, token, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
        headers = {"Authorization": "Bearer " + token} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def json(self, method, path, token, body=None):
        status, data = self.call(method, path, token, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data)

    def query(self, sql, token):
        """Seconds until the whole CSV answer is read, and the answer."""
        start = time.perf_counter()
        status, data = self.call("POST", "/api/v1/query", token,
                                 {"sql": sql, "format": "csv", "max_rows": 10_000_000})
        seconds = time.perf_counter() - start
        text = data.decode("utf-8")
        if status != 200 or "\n# " in text:
            raise RuntimeError(f"query failed ({status}): {text[-300:]}")
        return seconds, text


def cli(binary, server, *args):
    proc = subprocess.run([binary, *args], env=server.env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"citydata {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def load(binary, server, people, districts):
    cli(binary, server, "depts", "add", "gaj", "市公安局")
    start = time.perf_counter()
    for path, name in ((people, "people"), (districts, "districts")):
        out = json.loads(cli(binary, server, "ingest", path, "--dataset", name, "--dept", "gaj",
                             "--format", "json"))
        print(f"ingested raw.{name}: {out['rows_loaded']:,} rows", flush=True)
    print(f"ingest (untimed): {time.perf_counter() - start:.1f} s", flush=True)


def wait_for_classification(api, token, dataset):
    zone, name = dataset.split(".")
    deadline = time.time() + 300
    while time.time() < deadline:
        status, data = api.call("GET", f"/api/v1/datasets/{zone}/{name}/classification", token)
        if status == 200:
            return json.loads(data)
        time.sleep(0.5)
    raise RuntimeError(f"{dataset} was not classified within 5 minutes")


def make_consumer(api, admin):
    api.json("POST", "/api/v1/departments", admin, {"code": "mzj", "name": "市民政局"})
    api.json("POST", "/api/v1/users", admin, CONSUMER)
    for dataset in ("raw.people", "raw.districts"):
        api.json("POST", "/api/v1/grants", admin,
                 {"user": CONSUMER["name"], "dataset": dataset, "purpose": "bench/mask"})
    login = api.json("POST", "/api/v1/login", None,
                     {"name": CONSUMER["name"], "password": CONSUMER["password"]})
    return login["token"]


def describe_columns(grade):
    """'name: name general-3' for each classified column."""
    columns = grade.get("columns", [])
    return ", ".join(f"{c.get('column', c.get('name'))}: {c.get('category') or '-'} "
                     f"{c.get('level', '')}" for c in columns)


def metric(text, name):
    """The value of an unlabelled metric in a Prometheus text page, 0 when absent."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def wait_for_copies(api, token):
    """Waits until no masked copy is queued or being built; the build seconds so far."""
    deadline = time.time() + 600
    while time.time() < deadline:
        page = api.call("GET", "/metrics", token)[1].decode()
        if metric(page, "citydata_masked_copies_building") == 0:
            return metric(page, "citydata_masked_copy_build_seconds_sum")
        time.sleep(0.05)
    raise RuntimeError("the masked copies were not built within 10 minutes")


def run(api, admin, consumer, repeat):
    results = []
    built_before = wait_for_copies(api, admin)
    for label, sql in QUERIES:
        _, plain = api.query(sql, admin)  # warm-up; also the answers shown below
        first, masked = api.query(sql, consumer)
        api.query(sql, consumer)  # the second read of the same data queues the copy
        built = wait_for_copies(api, admin)
        if built > built_before:
            print(f"\n{label}: the consumer's first query (masking as it reads) {first:.3f} s; "
                  f"then a masked copy was built in {built - built_before:.3f} s", flush=True)
        built_before = built
        times = {"admin": [], "consumer": []}
        for i in range(repeat):
            order = [("admin", admin), ("consumer", consumer)]
            for who, token in order if i % 2 == 0 else reversed(order):
                times[who].append(api.query(sql, token)[0])
        a, c = statistics.median(times["admin"]), statistics.median(times["consumer"])
        rows = plain.count("\n") - 1
        print(f"\n{label}: {sql}\n  {rows:,} rows out; admin {a:.3f} s "
              f"({', '.join(f'{t:.3f}' for t in times['admin'])}); consumer {c:.3f} s "
              f"({', '.join(f'{t:.3f}' for t in times['consumer'])}); ratio {c / a:.2f}")
        print(f"  admin sees:    {plain.splitlines()[1][:110]}")
        print(f"  consumer sees: {masked.splitlines()[1][:110]}", flush=True)
        results.append((label, rows, a, c))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per reader; medians")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "citydata"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="citydata_bench_mask_")
    env = dict(os.environ, CITYDATA_CONFIG=os.path.join(work, "cli.json"))
    try:
        people, districts = prepare_data(args.rows, work)
        print(f"input: {args.rows:,} rows x 13 columns, {os.path.getsize(people) / 1e6:.0f} MB; "
              f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}",
              flush=True)
        with CitydataServer(args.bin, os.path.join(work, "citydata"), env) as server:
            api = Api(server.url)
            load(args.bin, server, people, districts)
            grade = wait_for_classification(api, server.token, "raw.people")
            wait_for_classification(api, server.token, "raw.districts")
            print(f"classified raw.people: {describe_columns(grade)}")
            consumer = make_consumer(api, server.token)
            session = api.json("GET", "/api/v1/session", consumer)
            print(f"consumer: {session['name']} ({session['role']}, clearance "
                  f"{session['clearance']}); admin: core clearance", flush=True)
            results = run(api, server.token, consumer, args.repeat)
        print(f"\n{'query':<26} {'rows out':>10} {'admin':>9} {'consumer':>9}  ratio")
        for label, rows, a, c in results:
            print(f"{label:<26} {rows:>10,} {a:>8.3f}s {c:>8.3f}s  {c / a:.2f}")
        print("ratio = consumer (masked) / admin (unmasked) median; the issue's target is < 1.20")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
