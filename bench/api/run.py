#!/usr/bin/env python3
"""bench/api: wrk against an authenticated dataset-metadata GET (64 connections).

Starts `citydata demo --exit-after-load` to build a small city, serves it, then runs wrk
(Debian's package) for DURATION seconds against
GET /api/v1/datasets/raw/household_registry with a bearer token, and prints requests/s
and latency percentiles (p50, p99). For scale, the same wrk run against GET /healthz
(no authentication, no store access) is printed too: the ratio shows what
authentication plus a metadata read cost over a bare request.

Usage: bench/api/run.py [--duration 10] [--connections 64] [--bin build/citydata]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import CitydataServer  # noqa: E402


def wrk(url, token, duration, connections):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if token:
        args[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50", "?"), lat.get("99", "?"), int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "citydata"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="citydata_apibench_")
    env = dict(os.environ, CITYDATA_CONFIG=os.path.join(work, "cli.json"))
    try:
        subprocess.run([args.bin, "demo", "--persons", "5000", "--data", os.path.join(work, "demo"),
                        "--listen", "127.0.0.1:0", "--exit-after-load"], check=True, env=env,
                       capture_output=True)
        with CitydataServer(args.bin, os.path.join(work, "demo", "data"), env) as server:
            print(f"wrk -t2 -c{args.connections} -d{args.duration}s on {os.cpu_count()} cores "
                  "(wrk and the server share them)")
            rps, p50, p99, bad = wrk(server.url + "/api/v1/datasets/raw/household_registry",
                                     server.token, args.duration, args.connections)
            print(f"GET /api/v1/datasets/raw/household_registry (bearer token, profile JSON): "
                  f"{rps:,.0f} req/s, p50 {p50}, p99 {p99}, non-2xx {bad}")
            h_rps, h50, h99, hbad = wrk(server.url + "/healthz", None, args.duration,
                                        args.connections)
            print(f"GET /healthz (no auth, no store): {h_rps:,.0f} req/s, p50 {h50}, p99 {h99}, "
                  f"non-2xx {hbad}")
            print(f"ratio (metadata GET / bare GET): {rps / h_rps:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
