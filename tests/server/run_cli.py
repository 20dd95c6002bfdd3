#!/usr/bin/python3
"""medverse-server run as an operator uses it: refuses a missing case or key
with the path named, hosts a room, and stops cleanly on SIGTERM and SIGINT."""
import os
import signal
import subprocess
import sys
import tempfile

server = sys.argv[1]
work = tempfile.mkdtemp(prefix="mv-run-")
key = os.path.join(work, "issuer.key")
case = os.path.join(work, "ch2")
os.mkdir(case)
with open(os.path.join(case, "manifest.json"), "w") as f:
    f.write('{"format":"medverse-case","version":1}\n')
journal = os.path.join(work, "journal.jsonl")


def check(cond, message):
    if not cond:
        print("FAIL:", message)
        sys.exit(1)


rc = subprocess.run([server, "keygen", "--key", key], capture_output=True).returncode
check(rc == 0, "keygen")

r = subprocess.run([server, "run", "--case", os.path.join(work, "nope"), "--key", key],
                   capture_output=True, text=True)
check(r.returncode == 3 and "nope" in r.stderr, f"missing case: {r.returncode} {r.stderr}")
r = subprocess.run([server, "run", "--case", case, "--key", os.path.join(work, "no.key")],
                   capture_output=True, text=True)
check(r.returncode == 3 and "no.key" in r.stderr, f"missing key: {r.returncode} {r.stderr}")
r = subprocess.run([server, "run", "--case", case, "--key", key, "--tick", "0"],
                   capture_output=True, text=True)
check(r.returncode == 2, f"tick 0 should be a usage error: {r.returncode}")

for sig in (signal.SIGTERM, signal.SIGINT):
    p = subprocess.Popen([server, "run", "--case", case, "--key", key, "--port", "0",
                          "--bind", "127.0.0.1", "--journal", journal],
                         stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        for _ in range(20):  # log lines may come first
            line = p.stderr.readline()
            if not line or line.startswith("medverse-server: room"):
                break
        check("room 'consult'" in line and "ch2" in line, f"start line: {line!r}")
        p.send_signal(sig)
        rest = p.stderr.read()
        rc = p.wait(timeout=20)
        check(rc == 0 and "stopping after" in rest, f"stop on {sig}: {rc} {rest}")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
print("ok")
