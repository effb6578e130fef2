#!/usr/bin/env python3
"""bench/quality: a 16-rule quality plan in citydata against the same checks as SQL in sqlite3.

Generates (once, cached in bench/quality/data/) a resident register of ROWS rows x 12 columns
with a few percent of defects, using gen_people.cc (compiled here with the system C++
compiler), and loads it twice, untimed:
  - into citydata (`citydata ingest` through a server started here), with the plan applied;
  - into a SQLite database with `sqlite3 .import` (every column TEXT).
Then, alternating, REPEAT times each:
  1. `citydata quality run` (POST .../quality/runs through the CLI): evaluation in one
     parallel pass, plus storing every failing row as an issue and the run record. Reported:
     the run's own "seconds" (the evaluation, issue delivery included), the CLI wall time,
     and the server's CPU seconds during the call;
  2. the same 16 checks as SQL in the sqlite3 shell, one query per check, each counting its
     failing rows (what a user without citydata would write); and, for scale, the 15
     single-row checks folded into one SUM(CASE ...) scan plus the unique GROUP BY.
Both must report the same failing count for every rule; the table says where they differ.

Usage: bench/quality/run.py [--rows N] [--repeat R] [--bin build/citydata]
                           [--keep-data DIR] [--no-sql]
--keep-data keeps the citydata server's data in DIR and reuses the ingested dataset on the
next run (for profiling: the 10M-row ingest is the slow part of a round); --no-sql times
citydata alone and compares its counts with the last recorded SQL counts, if any.
"""
import argparse
import json
import os
import re
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

TODAY = "2026-11-23"
DATA_VERSION = 2  # part of the cached file names; raise it when gen_people.cc changes
DISTRICTS = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112",
             "330113", "330114", "330122", "330127", "330182"]
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
             "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
             "63", "64", "65", "71", "81", "82", "83"]
EMAIL_RE = r"[a-z0-9._]+@[a-z0-9.]+\.[a-z]+"

PLAN = f"""dataset: raw.people
key: id
rules:
  - {{id: id_valid, column: id_number, type: id_card}}
  - {{id: id_present, column: id_number, type: not_null}}
  - {{id: id_unique, column: id_number, type: unique}}
  - {{id: name_present, column: name, type: not_null}}
  - {{id: mobile_valid, column: mobile, type: mobile}}
  - {{id: mobile_present, column: mobile, type: not_null}}
  - {{id: email_format, column: email, type: regex, pattern: '{EMAIL_RE}'}}
  - {{id: status_lower, column: status, type: regex, pattern: '[a-z]+'}}
  - {{id: age_range, column: age, type: range, min: 0, max: 120}}
  - {{id: income_range, column: income, type: range, min: 0, max: 1000000}}
  - {{id: reg_date_range, column: reg_date, type: range, min: '2000-01-01', max: '{TODAY}'}}
  - {{id: sex_code, column: sex, type: in_set, values: ['1', '2']}}
  - {{id: district_code, column: district, type: in_set, values: [{", ".join(f"'{d}'" for d in DISTRICTS)}]}}
  - {{id: status_code, column: status, type: in_set, values: [active, inactive, closed]}}
  - {{id: birth_matches_id, type: expression, expr: "birth_date = id_birth_date(id_number)"}}
  - {{id: closed_no_income, type: expression, expr: "status <> 'closed' or income = 0"}}
"""

# The same checks in SQL over the .import table t (every column TEXT; an empty CSV field is
# '' there and NULL in citydata, so '' stands for NULL: it fails not_null and passes the
# rest). sqlite3 has no REGEXP, so the two regex rules are GLOB / rtrim equivalents that
# accept exactly the same strings.
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_SUM = " + ".join(f"substr(x, {i + 1}, 1) * {w}" for i, w in enumerate(_W))
_ID_BIRTH = "substr(x, 7, 4) || '-' || substr(x, 11, 2) || '-' || substr(x, 13, 2)"
_ID_STRUCTURE = ("length(x) = 18 AND substr(x, 1, 17) NOT GLOB '*[^0-9]*' "
                 "AND substr(x, 18, 1) GLOB '[0-9X]'")
_ID_VALID = (f"{_ID_STRUCTURE} AND substr(x, 1, 2) IN ({', '.join(repr(p) for p in PROVINCES)}) "
             f"AND date({_ID_BIRTH}) = {_ID_BIRTH} AND {_ID_BIRTH} BETWEEN '1800-01-01' AND "
             f"date('now', '+8 hours') AND substr('10X98765432', ({_ID_SUM}) % 11 + 1, 1) = substr(x, 18, 1)")
# id_birth_date(): NULL unless x is a structurally valid 18-digit (or 15-digit) number
# encoding a real date.
_ID_BIRTH_DATE = (f"CASE WHEN {_ID_STRUCTURE} AND date({_ID_BIRTH}) = {_ID_BIRTH} "
                  f"THEN {_ID_BIRTH} WHEN length(x) = 15 AND x NOT GLOB '*[^0-9]*' AND "
                  "date('19' || substr(x, 7, 2) || '-' || substr(x, 9, 2) || '-' || "
                  "substr(x, 11, 2)) = '19' || substr(x, 7, 2) || '-' || substr(x, 9, 2) || "
                  "'-' || substr(x, 11, 2) THEN '19' || substr(x, 7, 2) || '-' || "
                  "substr(x, 9, 2) || '-' || substr(x, 11, 2) END")
_MOBILE = ("CASE WHEN substr(x, 1, 3) = '+86' THEN substr(x, 4) WHEN length(x) = 13 AND "
           "substr(x, 1, 2) = '86' THEN substr(x, 3) ELSE x END GLOB "
           "'1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'")
_LOWER = "'abcdefghijklmnopqrstuvwxyz'"
# [a-z0-9._]+ @ [a-z0-9.]+ \. [a-z]+ : a local part before the first '@', then a domain of
# [a-z0-9.] whose trailing letters follow a '.' that has something before it.
_EMAIL = ("instr(x, '@') > 1 AND substr(x, 1, instr(x, '@') - 1) NOT GLOB '*[^a-z0-9._]*' "
          "AND substr(x, instr(x, '@') + 1) NOT GLOB '*[^a-z0-9.]*' "
          f"AND rtrim(substr(x, instr(x, '@') + 1), {_LOWER}) GLOB '?*.' "
          f"AND length(rtrim(substr(x, instr(x, '@') + 1), {_LOWER})) < "
          "length(substr(x, instr(x, '@') + 1))")


def _sub(expr, column):
    # Substitutes the column for the placeholder x (only whole-word x).
    return re.sub(r"\bx\b", column, expr)


# rule id -> a boolean SQL expression that is true for a failing row of t.
FAIL = {
    "id_valid": f"id_number <> '' AND NOT ({_sub(_ID_VALID, 'id_number')})",
    "id_present": "id_number = ''",
    "name_present": "name = ''",
    "mobile_valid": f"mobile <> '' AND NOT ({_sub(_MOBILE, 'mobile')})",
    "mobile_present": "mobile = ''",
    "email_format": f"email <> '' AND NOT ({_sub(_EMAIL, 'email')})",
    "status_lower": "status <> '' AND status GLOB '*[^a-z]*'",
    "age_range": "age <> '' AND CAST(age AS INTEGER) NOT BETWEEN 0 AND 120",
    "income_range": "income <> '' AND CAST(income AS REAL) NOT BETWEEN 0 AND 1000000",
    "reg_date_range": f"reg_date <> '' AND reg_date NOT BETWEEN '2000-01-01' AND '{TODAY}'",
    "sex_code": "sex <> '' AND sex NOT IN ('1', '2')",
    "district_code": f"district <> '' AND district NOT IN ({', '.join(repr(d) for d in DISTRICTS)})",
    "status_code": "status <> '' AND status NOT IN ('active', 'inactive', 'closed')",
    # NULL when either side is NULL (passes); false fails.
    "birth_matches_id": f"birth_date <> '' AND id_number <> '' AND "
                        f"({_sub(_ID_BIRTH_DATE, 'id_number')}) <> birth_date",
    "closed_no_income": "status <> '' AND income <> '' AND status = 'closed' "
                        "AND CAST(income AS REAL) <> 0",
}
UNIQUE_SQL = ("SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM t WHERE id_number <> '' "
              "GROUP BY id_number HAVING count(*) > 1)")
RULE_ORDER = [re.search(r"id: (\w+)", line).group(1) for line in PLAN.splitlines()
              if line.strip().startswith("- {id:")]


def per_rule_queries():
    out = []
    for rule in RULE_ORDER:
        if rule == "id_unique":
            out.append((rule, UNIQUE_SQL))
        else:
            out.append((rule, f"SELECT count(*) FROM t WHERE {FAIL[rule]}"))
    return out


def combined_query():
    sums = ", ".join(f"sum(CASE WHEN {FAIL[r]} THEN 1 ELSE 0 END)" for r in RULE_ORDER
                     if r != "id_unique")
    return f"SELECT {sums} FROM t"


def build_generator():
    src = os.path.join(HERE, "gen_people.cc")
    exe = os.path.join(HERE, "data", "gen_people")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        cxx = os.environ.get("CXX", "c++")
        subprocess.run([cxx, "-O2", "-std=c++20", src, "-o", exe], check=True)
    return exe


def prepare_data(rows):
    data = os.path.join(HERE, "data")
    os.makedirs(data, exist_ok=True)
    csv = os.path.join(data, f"people_v{DATA_VERSION}_{rows}.csv")
    if not os.path.exists(csv):
        print(f"generating {csv} ...", flush=True)
        with open(csv + ".tmp", "wb") as f:
            subprocess.run([build_generator(), str(rows)], check=True, stdout=f)
        os.rename(csv + ".tmp", csv)
    db = os.path.splitext(csv)[0] + ".sqlite"
    if not os.path.exists(db):
        print(f"loading {db} with sqlite3 .import (untimed) ...", flush=True)
        subprocess.run(["sqlite3", db + ".tmp", ".import --csv " + csv + " t"], check=True)
        os.rename(db + ".tmp", db)
    return csv, db


def run_sql(db, queries):
    """Runs the queries in one sqlite3 shell; returns (wall seconds, [first-row values])."""
    script = "\n".join(q + ";" for q in queries) + "\n"
    start = time.perf_counter()
    out = subprocess.run(["sqlite3", "-batch", "-separator", ",", db], input=script, check=True,
                         capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - start
    return elapsed, [line.split(",") for line in out.strip().splitlines()]


def time_sql_per_rule(db):
    """One query per rule, each timed on its own (.timer is per statement)."""
    times, counts = {}, {}
    for rule, q in per_rule_queries():
        t, rows = run_sql(db, [q])
        times[rule], counts[rule] = t, int(rows[0][0])
    return sum(times.values()), times, counts


def time_sql_combined(db):
    qs = [combined_query(), UNIQUE_SQL]
    t, rows = run_sql(db, qs)
    values = [int(v) for v in rows[0]] + [int(rows[1][0])]
    names = [r for r in RULE_ORDER if r != "id_unique"] + ["id_unique"]
    return t, dict(zip(names, values))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest(binary, csv, server):
    subprocess.run([binary, "depts", "add", "gaj", "市公安局"], check=True, env=server.env,
                   capture_output=True)
    plan = os.path.join(server.data, "plan.yaml")
    with open(plan, "w", encoding="utf-8") as f:
        f.write(PLAN)
    start = time.perf_counter()
    out = json.loads(subprocess.run([binary, "ingest", csv, "--dataset", "people", "--dept", "gaj",
                                     "--format", "json"], check=True, env=server.env,
                                    capture_output=True, text=True).stdout)
    print(f"citydata ingest (untimed for the comparison): {time.perf_counter() - start:.1f} s, "
          f"{out['rows_loaded']:,} rows loaded, {out['rows_rejected']} rejected", flush=True)
    subprocess.run([binary, "quality", "apply", plan], check=True, env=server.env,
                   capture_output=True)
    return out["rows_loaded"]


def time_citydata_run(binary, server):
    cpu0 = cpu_seconds(server.proc.pid)
    start = time.perf_counter()
    out = subprocess.run([binary, "quality", "run", "raw.people", "--format", "json"], check=True,
                         env=server.env, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    cpu = cpu_seconds(server.proc.pid) - cpu0
    run = json.loads(out)
    return wall, cpu, run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs; medians compared")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "citydata"))
    ap.add_argument("--keep-data", help="server data directory kept and reused across runs")
    ap.add_argument("--no-sql", action="store_true", help="time citydata only")
    args = ap.parse_args()
    csv, db = prepare_data(args.rows)
    cores = os.cpu_count()
    print(f"input: {args.rows:,} rows x 12 columns, {os.path.getsize(csv) / 1e6:.0f} MB; "
          f"16 rules; machine: {cores} cores; load average {os.getloadavg()[0]:.1f}", flush=True)
    work = tempfile.mkdtemp(prefix="citydata_bench_quality_")
    env = dict(os.environ, CITYDATA_CONFIG=os.path.join(work, "cli.json"))
    data = os.path.abspath(args.keep_data) if args.keep_data else os.path.join(work, "citydata")
    reuse = args.keep_data and os.path.exists(os.path.join(data, "ingested"))
    try:
        with CitydataServer(args.bin, data, env) as server:
            rows = args.rows if reuse else ingest(args.bin, csv, server)
            if args.keep_data:
                open(os.path.join(data, "ingested"), "w").close()
            runs, sql_runs, combined_runs = [], [], []
            for i in range(args.repeat):
                runs.append(time_citydata_run(args.bin, server))
                line = (f"  round {i + 1}: citydata {runs[-1][2]['seconds']:.2f} s eval / "
                        f"{runs[-1][0]:.2f} s wall")
                if not args.no_sql:
                    sql_runs.append(time_sql_per_rule(db))
                    combined_runs.append(time_sql_combined(db))
                    line += (f"; SQL per rule {sql_runs[-1][0]:.2f} s; "
                             f"SQL combined {combined_runs[-1][0]:.2f} s")
                print(line, flush=True)
        if args.no_sql:
            report_citydata(rows, cores, runs)
        else:
            report(rows, cores, runs, sql_runs, combined_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report_citydata(rows, cores, runs):
    run = runs[-1][2]
    for r in run["rules"]:
        print(f"{r['id']:<18} {r['type']:<10} {r['failed']:>10,}")
    evals = [r[2]["seconds"] for r in runs]
    t_eval = statistics.median(evals)
    t_wall = statistics.median(r[0] for r in runs)
    t_cpu = statistics.median(r[1] for r in runs)
    print(f"\ncitydata quality run (no SQL this time): evaluation {t_eval:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in evals)}), {rows / t_eval / 1e6:.2f} M rows/s, "
          f"{rows / t_eval / cores / 1e6:.2f} M rows/s per core; CLI wall {t_wall:.2f} s; "
          f"server CPU {t_cpu:.2f} s = {rows / t_cpu / 1e6:.2f} M rows per CPU second")


def report(rows, cores, runs, sql_runs, combined_runs):
    run = runs[-1][2]
    city = {r["id"]: r["failed"] for r in run["rules"]}
    sql_counts, combined = sql_runs[-1][2], combined_runs[-1][1]
    sql_times = {r: statistics.median(s[1][r] for s in sql_runs) for r in RULE_ORDER}
    print(f"\n{'rule':<18} {'type':<10} {'citydata':>10} {'SQL':>10}  agree  SQL time")
    types = {r["id"]: r["type"] for r in run["rules"]}
    all_agree = True
    for r in RULE_ORDER:
        agree = city[r] == sql_counts[r] == combined[r]
        all_agree &= agree
        print(f"{r:<18} {types[r]:<10} {city[r]:>10,} {sql_counts[r]:>10,}  "
              f"{'yes' if agree else 'NO ':<5}  {sql_times[r]:6.2f} s")
    print("failing counts: " + ("identical for all 16 rules" if all_agree else
                                "DIFFER (see NO above)"))
    print("regex rules in SQL: sqlite3 has no REGEXP; email_format and status_lower use GLOB, "
          "instr and rtrim expressions accepting exactly the strings the RE2 patterns match")
    evals = [r[2]["seconds"] for r in runs]
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    t_eval, t_wall, t_cpu = (statistics.median(x) for x in (evals, walls, cpus))
    t_sql = statistics.median(s[0] for s in sql_runs)
    t_comb = statistics.median(c[0] for c in combined_runs)
    fmt = lambda ts: ", ".join(f"{t:.2f}" for t in ts)
    issues = sum(city.values())
    print(f"\ncitydata quality run: evaluation {t_eval:.2f} s ({fmt(evals)}), "
          f"{rows / t_eval / 1e6:.2f} M rows/s, {rows / t_eval / cores / 1e6:.2f} M rows/s per core "
          f"(wall / {cores} cores); server CPU {t_cpu:.2f} s = {rows / t_cpu / 1e6:.2f} M rows "
          f"per CPU second")
    print(f"                      CLI wall {t_wall:.2f} s ({fmt(walls)}), including storing "
          f"{issues:,} issues and the run record")
    print(f"sqlite3, one query per rule (16 scans, one core): {t_sql:.2f} s "
          f"({fmt([s[0] for s in sql_runs])}), {rows / t_sql / 1e6:.2f} M rows/s")
    print(f"sqlite3, one combined scan + the unique GROUP BY (one core): {t_comb:.2f} s "
          f"({fmt([c[0] for c in combined_runs])})")
    print(f"ratio (SQL per rule / citydata evaluation): {t_sql / t_eval:.2f}; "
          f"vs citydata CLI wall: {t_sql / t_wall:.2f}; "
          f"combined SQL / citydata evaluation: {t_comb / t_eval:.2f}")


if __name__ == "__main__":
    sys.exit(main())
