#!/usr/bin/env python3
"""bench/ingest: `citydata ingest` against `sqlite3 .import` of the same CSV, in one run.

Generates (once, cached in bench/ingest/data/) a CSV of ROWS rows x 12 mixed columns with
Chinese text, then times:
  1. sqlite3 .import --csv into a fresh database file (what a user would reach for);
  2. citydata ingest of the same file into a fresh server (type inference, validation,
     rejects, profiling and catalog update included; upload over loopback included);
  3. the CSV reader alone on one core.
and prints both times and the ratio (sqlite3 time / citydata time: >= 1.0 means citydata
is at least as fast).

Usage: bench/ingest/run.py [--rows N] [--bin build/citydata]
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from common import CitydataServer  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区"]
ROADS = ["文三路", "天目山路", "教工路", "莫干山路", "延安路", "解放路", "庆春路"]


def id_number(rng):
    body = "3301%02d%04d%02d%02d%03d" % (rng.randint(1, 10), rng.randint(1940, 2010),
                                         rng.randint(1, 12), rng.randint(1, 28),
                                         rng.randint(0, 999))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[s % 11]


def generate(path, rows):
    rng = random.Random(20261122)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,姓名,身份证号,性别,出生日期,住址,联系电话,邮编,收入,是否户主,登记时间,备注\n")
        for i in range(rows):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
            addr = f"浙江省杭州市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            if i % 50 == 0:
                addr = '"' + addr + ',' + str(rng.randint(1, 30)) + '幢"'
            note = "" if i % 4 else "户籍迁入，已核实"
            f.write(f"{i},{name},{id_number(rng)},{rng.choice('12')},"
                    f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
                    f"{addr},1{rng.choice('3456789')}{rng.randint(0, 999999999):09d},"
                    f"{rng.randint(0, 999999):06d},{rng.randint(1000, 99999)}.{rng.randint(0, 99):02d},"
                    f"{rng.choice(['true', 'false'])},"
                    f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d} "
                    f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00,{note}\n")


def time_sqlite_import(csv, workdir):
    db = os.path.join(workdir, "import.db")
    start = time.perf_counter()
    subprocess.run(["sqlite3", db, ".import --csv " + csv + " t"], check=True)
    elapsed = time.perf_counter() - start
    rows = subprocess.run(["sqlite3", db, "SELECT count(*) FROM t"], check=True,
                          capture_output=True, text=True).stdout.strip()
    return elapsed, int(rows)


def time_citydata_ingest(binary, csv, workdir):
    env = dict(os.environ, CITYDATA_CONFIG=os.path.join(workdir, "cli.json"))
    with CitydataServer(binary, os.path.join(workdir, "citydata"), env) as server:
        subprocess.run([binary, "depts", "add", "gaj", "市公安局"], check=True, env=server.env,
                       capture_output=True)
        start = time.perf_counter()
        out = subprocess.run([binary, "ingest", csv, "--dataset", "bench", "--dept", "gaj",
                              "--format", "json"], check=True, env=server.env, capture_output=True,
                             text=True).stdout
        return time.perf_counter() - start, json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "citydata"))
    ap.add_argument("--repeat", type=int, default=3,
                    help="alternating runs of each; medians are compared")
    args = ap.parse_args()
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    csv = os.path.join(HERE, "data", f"people_{args.rows}.csv")
    if not os.path.exists(csv):
        print(f"generating {csv} ...", flush=True)
        generate(csv, args.rows)
    size_mb = os.path.getsize(csv) / 1e6
    print(f"input: {args.rows:,} rows x 12 columns, {size_mb:.0f} MB; machine: {os.cpu_count()} cores")
    work = tempfile.mkdtemp(prefix="citydata_bench_")
    try:
        reader = os.path.join(os.path.dirname(args.bin), "bench", "csv_reader_bench")
        if os.path.exists(reader):
            print(subprocess.run([reader, csv], check=True, capture_output=True,
                                 text=True).stdout.strip())
        sqlite_times, city_times = [], []
        for i in range(args.repeat):
            run_dir = os.path.join(work, str(i))
            os.makedirs(run_dir)
            t, n_sqlite = time_sqlite_import(csv, run_dir)
            sqlite_times.append(t)
            t, result = time_citydata_ingest(args.bin, csv, run_dir)
            city_times.append(t)
            shutil.rmtree(run_dir, ignore_errors=True)
        t_sqlite, t_city = statistics.median(sqlite_times), statistics.median(city_times)
        runs = lambda ts: ", ".join(f"{t:.2f}" for t in ts)
        print(f"sqlite3 .import:  median {t_sqlite:6.2f} s ({runs(sqlite_times)})  {n_sqlite:,} rows  "
              f"{size_mb / t_sqlite:6.1f} MB/s (all columns TEXT, no validation, no profile)")
        print(f"citydata ingest:  median {t_city:6.2f} s ({runs(city_times)})  "
              f"{result['rows_loaded']:,} rows  {size_mb / t_city:6.1f} MB/s (typed, validated, "
              f"profiled, catalogued; {result['rows_rejected']} rejected; "
              f"reconciled={result['reconciled']})")
        print(f"citydata phases (last run): upload+response {t - result['seconds']:.2f} s, "
              + ", ".join(f"{k} {v:.2f} s" for k, v in result["timings"].items()))
        print(f"ratio (sqlite3 time / citydata time): {t_sqlite / t_city:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
