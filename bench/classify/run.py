#!/usr/bin/env python3
"""bench/classify: sensitive-data detection, Hyperscan (citydata) against RE2 pattern by pattern.

Runs classify_bench, which builds a ROWS x 10 table in memory (ID numbers, names, mobiles,
addresses, free-text remarks with phones and IDs, amounts, dates, credit codes, 18-digit order
numbers, e-mail), classifies every column with citydata's Classifier (one Hyperscan database, one
pass per value) and with the same patterns one by one in RE2, both feeding the same validators and
scoring, and prints values per second per core for both, the ratio, and whether the results agree.

Usage: bench/classify/run.py [--rows N] [--repeat R] [--bin build/bench/classify_bench]
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bench", "classify_bench"))
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: build it first (cmake --build build --target classify_bench)")
    print(f"machine: {os.cpu_count()} cores")
    result = subprocess.run([args.bin, "--rows", str(args.rows), "--repeat", str(args.repeat)])
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
