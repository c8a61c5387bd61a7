"""phxtest.py -- helpers shared by the Python end-to-end tests (tests/t_*.py).

Failures are collected rather than raised, so one run reports every broken check; finish()
prints the verdict and exits non-zero when any check failed.
"""
import math
import os
import subprocess
import sys

BUILD = os.environ.get("BUILD") or "build"
PHOENIX = os.environ.get("PHOENIX") or os.path.join(BUILD, "phoenix")
Z95 = 1.959963984540054          # two-sided 95% normal quantile, as stats_wilson uses

failures = []


def check(cond, what):
    """Record a failed check (and print it) unless cond holds."""
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, expect=0):
    """Run phoenix with args; check its exit status; return the CompletedProcess."""
    p = subprocess.run([PHOENIX, *args], capture_output=True, text=True)
    check(p.returncode == expect, f"{' '.join(args)}: exit {p.returncode}, want {expect}: {p.stderr.strip()}")
    return p


def wilson(k, n, z=Z95):
    """Wilson score interval of k successes in n trials, as engine/stats.c computes it."""
    p = k / n
    z2n = z * z / n
    den = 1 + z2n
    mid = (p + z2n / 2) / den
    half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / den
    return (0.0 if k == 0 else max(0.0, mid - half), 1.0 if k == n else min(1.0, mid + half))


def finish(name):
    """Print the verdict of test `name` and exit: status 1 if any check failed."""
    if failures:
        print(f"{name}: {len(failures)} failure(s)")
        sys.exit(1)
    print(f"{name}: all checks passed")
