#!/usr/bin/env python3
"""bench/service: the governed API-service call against the ungoverned row read.

Starts `citydata serve` on a free loopback port with a temporary data directory, ingests
a generated resident register (ROWS rows: ID numbers with GB 11643 check characters,
names, districts, ages, mobiles), publishes it as an API service with a `district`
parameter, grants a general-1 consumer four of its five columns with delivery mode api,
and creates an app for the consumer. Then, in one run, wrk (Debian's package) runs for
DURATION seconds with CONNECTIONS connections against

  governed:   GET /api/v1/services/people-bench?limit=50   (app key as bearer token:
              app authentication, rate limiter, grant lookup, field selection, masking
              of the ID number and the name inside the engine, audit, call statistics)
  ungoverned: GET /api/v1/datasets/raw/people/rows?limit=50 (the administrator's token:
              no grant, no masking)

and prints both req/s, their ratio and the p50/p99 latencies. Both answers carry 50 rows.

Each side runs REPEAT times, alternating, and the medians are compared (single runs on a
shared machine vary by about 15%).

Usage: bench/service/run.py [--rows 20000] [--duration 10] [--connections 64] [--repeat 3]
                            [--bin build/citydata]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import CitydataServer  # noqa: E402

DISTRICTS = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区"]
SURNAMES = "王李张刘陈杨黄赵吴周"


def id_number(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights))
    return body17 + "10X98765432"[total % 11]


def write_register(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("sfzh,xm,district,age,lxdh\n")
        for i in range(rows):
            ident = id_number("110105%04d%02d%02d%03d" % (1950 + i % 50, 1 + i % 12, 1 + i % 28,
                                                          i % 1000))
            f.write(f"{ident},{SURNAMES[i % 10]}某{i % 97},{DISTRICTS[i % 5]},{18 + i % 70},"
                    f"138{i:08d}\n")


def api(server, method, path, body=None, token=None):
    req = urllib.request.Request(server.url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + (token or server.token),
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def wrk(url, token, duration, connections):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
            "-H", f"Authorization: Bearer {token}", url]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50", "?"), lat.get("99", "?"), int(errors.group(1)) if errors else 0


def prepare(server, work, rows, env, binary):
    csv = os.path.join(work, "people.csv")
    write_register(csv, rows)
    subprocess.run([binary, "depts", "add", "gaj", "市公安局"], check=True, env=server.env,
                   capture_output=True)
    subprocess.run([binary, "ingest", csv, "--dataset", "people", "--dept", "gaj"], check=True,
                   env=server.env, capture_output=True)
    api(server, "POST", "/api/v1/services", {
        "name": "people-bench", "dataset": "raw.people", "default_page_size": 50,
        "params": [{"name": "district", "column": "district"}]})
    api(server, "POST", "/api/v1/users", {"name": "bench", "role": "consumer", "dept": "gaj",
                                          "password": "bench-password-1",
                                          "clearance": "general-1"})
    api(server, "POST", "/api/v1/grants", {"user": "bench", "dataset": "raw.people",
                                           "columns": ["sfzh", "xm", "district", "age"],
                                           "delivery_mode": "api", "purpose": "bench"})
    req = urllib.request.Request(server.url + "/api/v1/login", method="POST",
                                 data=json.dumps({"name": "bench",
                                                  "password": "bench-password-1"}).encode())
    with urllib.request.urlopen(req) as resp:
        user_token = json.loads(resp.read())["token"]
    app = api(server, "POST", "/api/v1/apps", {"name": "bench", "rate_per_minute": 100000,
                                               "daily_quota": 100000000}, token=user_token)
    return app["app_key"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs of each; medians")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "citydata"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="citydata_servicebench_")
    env = dict(os.environ, CITYDATA_CONFIG=os.path.join(work, "cli.json"))
    try:
        with CitydataServer(args.bin, os.path.join(work, "data"), env) as server:
            app_key = prepare(server, work, args.rows, env, args.bin)
            governed_url = server.url + "/api/v1/services/people-bench?limit=50"
            plain_url = server.url + "/api/v1/datasets/raw/people/rows?limit=50"
            sample = api(server, "GET", "/api/v1/services/people-bench?limit=1", token=app_key)
            print("governed row:", json.dumps(sample["items"][0], ensure_ascii=False))
            print(f"wrk -t2 -c{args.connections} -d{args.duration}s on {os.cpu_count()} cores "
                  f"(wrk and the server share them), {args.rows} rows, 50 per answer")
            # Alternating runs, medians: single runs on a shared VM vary by +-15%.
            governed, plain = [], []
            for run in range(args.repeat):
                governed.append(wrk(governed_url, app_key, args.duration, args.connections))
                plain.append(wrk(plain_url, server.token, args.duration, args.connections))
                print(f"run {run + 1}: governed {governed[-1][0]:,.0f} req/s, ungoverned "
                      f"{plain[-1][0]:,.0f} req/s, ratio {governed[-1][0] / plain[-1][0]:.2f}",
                      flush=True)
            g = sorted(governed)[len(governed) // 2]
            u = sorted(plain)[len(plain) // 2]
            print(f"governed   GET /api/v1/services/people-bench (app key, grant, 4 of 5 "
                  f"fields, 2 masked): median {g[0]:,.0f} req/s, p50 {g[1]}, p99 {g[2]}, "
                  f"non-2xx {sum(x[3] for x in governed)}")
            print(f"ungoverned GET /api/v1/datasets/raw/people/rows (admin token): "
                  f"median {u[0]:,.0f} req/s, p50 {u[1]}, p99 {u[2]}, "
                  f"non-2xx {sum(x[3] for x in plain)}")
            print(f"ratio of the medians (governed / ungoverned): {g[0] / u[0]:.2f} "
                  f"(target >= 0.75)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
