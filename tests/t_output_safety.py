#!/usr/bin/python3
"""t_output_safety.py -- what phoenix writes and reads when the file system or the file is hostile
(issue 16): --force replaces only regular files (devices, FIFOs, directories refused; symbolic
links followed), a killed run's temporary file is reported and never taken for a result, a full
disk gives one plain line, and the results readers refuse damaged files -- a zeroed global heap
(which made libhdf5 loop forever), truncated, empty, a directory, no scenarios, tampered shapes
in summary/ and /comparisons -- with exit 2 and within a timeout.
"""
import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from phxtest import PHOENIX, check, failures

SCENARIO = """[scenario]
name         = {name}
model        = ishigami
years        = 2021-2022
replications = 50
seed         = 7

[targets]
y = 3.5
"""


def phoenix(*args, timeout=60, **kw):
    try:
        return subprocess.run([PHOENIX, *args], capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", "timed out")


def one_line(r):
    return r.stderr.count("\n") == 1


def check_force(tmp, ini):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    r = phoenix("run", ini, "-o", fifo, "--force", "--quiet")
    check(r.returncode == 2 and "is a FIFO" in r.stderr and one_line(r),
          f"--force onto a FIFO refused, exit 2: {r.returncode} {r.stderr!r}")
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO")
    try:
        dev = os.path.join(tmp, "null")
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        dev = None                          # not allowed here: the FIFO and directory cases stand
    if dev is not None:
        r = phoenix("run", ini, "-o", dev, "--force", "--quiet")
        check(r.returncode == 2 and "character device" in r.stderr,
              f"--force onto a device refused: {r.returncode} {r.stderr!r}")
        check(stat.S_ISCHR(os.lstat(dev).st_mode), "the device is still a device")
        os.unlink(dev)
    d = os.path.join(tmp, "adir")
    os.mkdir(d)
    r = phoenix("run", ini, "-o", d, "--force", "--quiet")
    check(r.returncode == 2 and "is a directory" in r.stderr, f"--force onto a directory: {r.stderr!r}")
    check(os.path.isdir(d) and os.listdir(d) == [], "the directory is untouched")
    # a symbolic link is followed: the regular file it names is replaced, the link stays
    real = os.path.join(tmp, "real.h5")
    link = os.path.join(tmp, "link.h5")
    open(real, "w").write("old")
    os.symlink("real.h5", link)
    r = phoenix("run", ini, "-o", link, "-n", "7", "--force", "--quiet")
    check(r.returncode == 0, f"--force through a symbolic link: exit {r.returncode} {r.stderr!r}")
    check(os.path.islink(link) and os.readlink(link) == "real.h5", "the link stays a link")
    with h5py.File(real, "r") as f:
        check(f["scenarios/one"].attrs["n_replications"] == 7, "the link's target was replaced")
    dang = os.path.join(tmp, "dangling.h5")
    os.symlink("missing.h5", dang)
    r = phoenix("run", ini, "-o", dang, "--force", "--quiet")
    check(r.returncode == 2 and "missing file" in r.stderr and not os.path.exists(
          os.path.join(tmp, "missing.h5")), f"a dangling link is refused: {r.stderr!r}")
    for p in (fifo, d, dang, link, real):
        os.unlink(p) if not os.path.isdir(p) or os.path.islink(p) else os.rmdir(p)
    left = [n for n in os.listdir(tmp) if ".tmp." in n]
    check(left == [], f"no temporary files left: {left}")


def check_kill(tmp, ini):
    """kill -9 part-way: no file under the final name; the next run reports the temporary."""
    out = os.path.join(tmp, "killed.h5")
    p = subprocess.Popen([PHOENIX, "run", ini, "-o", out, "-n", "20000000", "--block", "1000",
                          "--quiet"], stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline and not any(n.startswith("killed.h5.tmp.") for n in os.listdir(tmp)):
        time.sleep(0.05)
    time.sleep(0.5)
    p.kill()
    p.wait()
    # the live temporary; a checkpoint (killed.h5.tmp.resume) and, if the kill came while one
    # was being copied, its partial copy (killed.h5.tmp.resume.new) may be there too, by timing
    temps = [n for n in os.listdir(tmp) if n.startswith("killed.h5.tmp.")
             and not n.endswith((".resume", ".resume.new"))]
    check(len(temps) == 1 and not os.path.exists(out), f"after kill -9: a temporary, no result {temps}")
    r = phoenix("run", ini, "-o", out, "-n", "5")
    check(r.returncode == 0 and temps and temps[0] in r.stderr and "interrupted run" in r.stderr,
          f"the next run reports the stale temporary: {r.stderr!r}")
    check(not os.path.exists(out + ".tmp.resume.new"),
          "a partial checkpoint copy is gone after the next run")
    for n in temps:
        r = phoenix("summary", os.path.join(tmp, n), timeout=20)
        check(r.returncode == 2, f"a killed run's temporary is not a result: exit {r.returncode}")
        os.unlink(os.path.join(tmp, n))
    os.unlink(out)


def h5diff(a, b, obj):
    r = subprocess.run(["h5diff", a, b, obj, obj], capture_output=True, text=True)
    return r.returncode == 0


def check_resume(tmp, ini):
    """kill -9 part-way, --resume: the same metrics, parameters and summary as an uninterrupted
    run (h5diff), at another thread count; a resume of another scenario is refused."""
    full, out = os.path.join(tmp, "full.h5"), os.path.join(tmp, "resumed.h5")
    args = [ini, "-n", "300000", "--block", "500", "--quiet"]
    r = phoenix("run", *args, "-o", full, "--threads", "2", timeout=300)
    check(r.returncode == 0, f"uninterrupted run: {r.stderr!r}")
    ckpt = out + ".tmp.resume"
    p = subprocess.Popen([PHOENIX, "run", *args, "-o", out], stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not os.path.exists(ckpt) and p.poll() is None:
        time.sleep(0.02)
    time.sleep(0.3)
    p.kill()
    p.wait()
    check(os.path.exists(ckpt) and not os.path.exists(out), "after kill -9: a checkpoint, no result")
    r = phoenix("run", *args, "-o", os.path.join(tmp, "other.h5"))
    check(r.returncode == 0 or "resume" not in r.stderr, "another output is not told about it")
    r = phoenix("run", ini, "-n", "300001", "--block", "500", "-o", out, "--resume")
    check(r.returncode == 2 and "SHA-256" in r.stderr and not os.path.exists(out),
          f"a resume of a different scenario is refused with the reason: {r.stderr!r}")
    r = phoenix("run", ini, "--set", "ishigami.a=6", "--set", "scenario.name=one", "-n", "300000", "-o", out, "--resume")
    check(r.returncode == 2 and "differs" in r.stderr, f"a resume with other --set refused: {r.stderr!r}")
    r = phoenix("run", ini, "-n", "300000", "--block", "500", "-o", out, "--resume", "--threads", "3",
                timeout=300)
    check(r.returncode == 0 and "resuming one after replication" in r.stderr,
          f"--resume: exit {r.returncode} {r.stderr!r}")
    for obj in ("/scenarios/one/metrics", "/scenarios/one/parameters", "/scenarios/one/summary",
                "/scenarios/one/replication"):
        check(h5diff(full, out, obj), f"resumed {obj} equals the uninterrupted run's (h5diff)")
    with h5py.File(out, "r") as f:
        check("resume_rows" not in f["scenarios/one"].attrs, "no resume_rows in a finished file")
    check(not os.path.exists(ckpt), "the checkpoint is gone after the resumed run")
    r = phoenix("run", ini, "-o", os.path.join(tmp, "x.h5"), "--resume")
    check(r.returncode == 2 and "nothing to resume" in r.stderr, f"--resume without a checkpoint: {r.stderr!r}")
    for n in os.listdir(tmp):
        os.unlink(os.path.join(tmp, n))


def check_full_disk(tmp, ini):
    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    out = os.path.join(tmp, "full.h5")
    r = phoenix("run", ini, "-o", out, "-n", "20000", "--quiet", preexec_fn=small_files)
    check(r.returncode == 1 and one_line(r) and "File too large" in r.stderr and
          "HDF5" not in r.stderr and "bytes" not in r.stderr,
          f"full disk: one plain line without HDF5 internals: {r.stderr!r}")
    check(not any(n.startswith("full.h5") for n in os.listdir(tmp)), "full disk: nothing left")


def refused(path, what, needle=None):
    r = phoenix("summary", path, timeout=20)
    check(r.returncode == 2 and one_line(r) and (needle is None or needle in r.stderr),
          f"summary of {what}: exit 2 with one line (got {r.returncode}, {r.stderr!r})")


def check_damaged(tmp, good):
    data = open(good, "rb").read()
    for off in (3000, 5000):                # 4 KiB of zeros inside the global heap
        p = os.path.join(tmp, f"zero{off}.h5")
        b = bytearray(data)
        b[off:off + 4096] = bytes(4096)
        open(p, "wb").write(bytes(b))
        refused(p, f"4 KiB zeroed at {off} (within 20 s)")
    hung = []                               # 4 KiB of zeros anywhere: a result or exit 2
    for off in range(0, len(data), 8192):
        b = bytearray(data)
        b[off:off + 4096] = bytes(len(b[off:off + 4096]))
        p = os.path.join(tmp, "zero.h5")
        open(p, "wb").write(bytes(b))
        r = phoenix("summary", p, timeout=20)
        if r.returncode not in (0, 2):
            hung.append((off, r.returncode, r.stderr.strip()))
    check(hung == [], f"4 KiB zeroed at any offset: no hang, crash or runtime error: {hung[:3]}")
    for frac in (0.5, 0.1):
        p = os.path.join(tmp, "trunc.h5")
        open(p, "wb").write(data[:int(len(data) * frac)])
        refused(p, f"a file truncated to {frac:.0%}")
    p = os.path.join(tmp, "empty.h5")
    open(p, "wb").close()
    refused(p, "an empty file")
    refused(tmp, "a directory", "is a directory")
    p = os.path.join(tmp, "noscen.h5")
    with h5py.File(p, "w") as f:
        f.attrs["filetype"] = "phoenix-results"
        f.attrs["schema_version"] = np.array([1, 0], dtype=np.int32)
        f.create_group("scenarios")
    refused(p, "an empty /scenarios", "no scenarios")


def tamper(tmp, good, name, fn):
    p = os.path.join(tmp, name)
    open(p, "wb").write(open(good, "rb").read())
    with h5py.File(p, "r+") as f:
        fn(f)
    return p


def replace(f, path, value):
    del f[path]
    f[path] = value


def check_tampered(tmp, two):
    with h5py.File(two, "r") as f:
        cmp = "comparisons/" + list(f["comparisons"].keys())[0]
    for ds in ("stderr_diff", "stderr_unpaired", "mean_diff", "p_better"):
        p = tamper(tmp, two, f"cmp_{ds}.h5", lambda f: replace(f, f"{cmp}/{ds}", np.zeros((1, 1))))
        refused(p, f"a 1x1 {cmp}/{ds}")
    for ds, shape in (("mean", (1, 1)), ("p_target", (1, 1)), ("quantiles", (1, 1, 1)),
                      ("target", (0,))):
        p = tamper(tmp, two, f"sum_{ds}.h5",
                   lambda f: replace(f, f"scenarios/one/summary/{ds}", np.zeros(shape)))
        refused(p, f"a tampered summary/{ds} {shape}")
    p = tamper(tmp, two, "sum_ny.h5", lambda f: (replace(f, "scenarios/two/summary/mean", np.zeros((1, 1))),
                                                   replace(f, "scenarios/two/summary/p_target", np.zeros((1, 1))),
                                                   replace(f, "scenarios/two/summary/p_target_lower", np.zeros((1, 1))),
                                                   replace(f, "scenarios/two/summary/p_target_upper", np.zeros((1, 1))),
                                                   replace(f, "scenarios/two/summary/quantiles",
                                                           np.zeros((1, 1, 7)))))
    refused(p, "a compared scenario with fewer years than its partner")


def check_report_tampered(tmp, ini, two):
    """phoenix report on tampered /sweep and /comparisons arrays: exit 2, never past an array."""
    sw = os.path.join(tmp, "sweep.h5")
    r = phoenix("sweep", ini, "--vary", "ishigami.a=5,7", "-o", sw, "--quiet")
    check(r.returncode == 0, f"sweep fixture: {r.stderr!r}")
    page = os.path.join(tmp, "page.html")
    r = phoenix("report", sw, "-o", page)
    check(r.returncode == 0, f"report of an intact sweep: {r.stderr!r}")
    os.unlink(page)
    cases = [("sw_mean.h5", sw, lambda f: replace(f, "sweep/mean", np.zeros((1, 1)))),
             ("sw_p.h5", sw, lambda f: replace(f, "sweep/p_target", np.zeros((1, 1)))),
             ("sw_value.h5", sw, lambda f: replace(f, "sweep/value",
                                                   np.array([["x"] * 9] * 9, dtype=h5py.string_dtype())))]
    with h5py.File(two, "r") as f:
        cmp = "comparisons/" + list(f["comparisons"].keys())[0]
    for ds in ("diff_q50", "diff_q95", "p_better"):
        cases.append((f"rc_{ds}.h5", two, lambda f, ds=ds: replace(f, f"{cmp}/{ds}", np.zeros((1, 1)))))
    for name, src, fn in cases:
        p = tamper(tmp, src, name, fn)
        r = phoenix("report", p, "-o", page, timeout=20)
        check(r.returncode == 2 and one_line(r) and not os.path.exists(page),
              f"report of {name}: exit 2 with one line (got {r.returncode}, {r.stderr!r})")


def main():
    with tempfile.TemporaryDirectory(prefix="phoenix-safety-") as tmp:
        inis = []
        for name in ("one", "two"):
            inis.append(os.path.join(tmp, name + ".ini"))
            open(inis[-1], "w").write(SCENARIO.format(name=name))
        good = os.path.join(tmp, "good.h5")
        r = phoenix("run", inis[0], "-o", good, "--quiet")
        two = os.path.join(tmp, "two.h5")
        r2 = phoenix("run", inis[0], inis[1], "-o", two, "--quiet")
        check(r.returncode == 0 and r2.returncode == 0, f"fixture runs: {r.stderr} {r2.stderr}")
        r = phoenix("summary", two)
        check(r.returncode == 0 and "comparison" in r.stdout, "summary of an intact file")
        sub = os.path.join(tmp, "w")
        os.mkdir(sub)
        check_force(sub, inis[0])
        check_kill(sub, inis[0])
        check_full_disk(sub, inis[0])
        check_resume(sub, inis[0])
        check_damaged(sub, good)
        check_tampered(sub, two)
        check_report_tampered(sub, inis[0], two)
    if failures:
        print(f"t_output_safety.py: {len(failures)} failed")
        return 1
    print("t_output_safety.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
