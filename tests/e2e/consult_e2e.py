#!/usr/bin/python3
"""The scripted consult of issue 7, end to end (ctest label e2e).

A dedicated medverse-server with a fresh journal; a spectator (headless,
following the expert), a doctor (headless, input script: measures a distance)
and an expert (XR through xrsim, timeline: grabs, turns the hologram 90
degrees, clip plane, pin) join it. Each client waits (--until, bounded) for
the final room state, writes it (--state-json) and a screenshot. Then: every
process exits 0, the three views agree, the journal names who did what, and
no validation layer reported an error.

Synchronisation is by events only: the server's port is read from its stderr,
a client's "joining room" line from its stdout, processes are waited on with
timeouts. The spectator and the doctor join before the expert; the expert
waits until it is alone, so it is still in the room when they take their
final pictures.

Usage: consult_e2e.py [--out DIR] BUILD_DIR SOURCE_DIR [SERVER CLIENT XRSIM_MANIFEST]
(--out: where the screenshots, states and logs go; default BUILD_DIR/e2e.
scripts/demo uses it for its headless consult.)
"""
import json
import math
import re
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

CHANGED = threading.Event()  # some process ended
TIMEOUT_S = 240  # per process, far above a normal run (about a minute)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


class Proc:
    """A child process whose stdout and stderr are logged to files and
    scanned line by line by reader threads (so a full pipe never blocks it)."""

    def __init__(self, name, argv, env, logdir):
        self.name = name
        self.lines = []
        self.cond = threading.Condition()
        self.log = open(os.path.join(logdir, name + ".log"), "w")
        self.logpath = self.log.name
        print(f"[{name}] " + " ".join(argv), flush=True)
        self.p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        self.eof = 0
        self.threads = [threading.Thread(target=self._read, args=(s,), daemon=True)
                        for s in (self.p.stdout, self.p.stderr)]
        for t in self.threads:
            t.start()
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        self.p.wait()
        CHANGED.set()

    def _read(self, stream):
        for line in stream:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.log.write(line)
                self.log.flush()
                self.cond.notify_all()
        with self.cond:
            self.eof += 1
            self.cond.notify_all()

    def wait_line(self, predicate, timeout):
        """The first output line satisfying predicate, or a failure naming
        what was awaited (the process ended or the timeout passed)."""
        with self.cond:
            seen = 0
            ok = self.cond.wait_for(
                lambda: any(predicate(l) for l in self.lines) or self.eof == 2, timeout)
            for l in self.lines:
                if predicate(l):
                    return l
        self.p.poll()
        fail(f"{self.name}: expected output did not come ({'timeout' if not ok else 'exited'},"
             f" rc={self.p.returncode}); log {self.logpath}:\n" + "\n".join(self.lines[-30:]))

    def wait(self, timeout):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            rc = None
        for t in self.threads:
            t.join(10)
        self.log.close()
        return rc

    def text(self):
        return "\n".join(self.lines)


def main():
    args = sys.argv[1:]
    out = None
    if len(args) >= 2 and args[0] == "--out":
        out = os.path.abspath(args[1])
        args = args[2:]
    if len(args) not in (2, 5):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    build, source = args[0], args[1]
    server_bin = os.path.join(build, "apps/server/medverse-server")
    client_bin = os.path.join(build, "apps/client/medverse")
    manifest = os.path.join(build, "xrsim/medverse_xrsim.json")
    if len(args) == 5:
        server_bin, client_bin, manifest = args[2:5]
    e2e = os.path.join(source, "tests/e2e")
    out = out or os.path.join(build, "e2e")
    # Start from an empty folder, but never wipe one this script did not make.
    marker = os.path.join(out, ".medverse-consult-run")
    if os.path.isdir(out) and os.listdir(out) and not os.path.exists(marker):
        print(f"consult_e2e: {out} is not empty and not a previous run's folder; "
              "choose another --out", file=sys.stderr)
        sys.exit(2)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    open(marker, "w").close()

    env = dict(os.environ)
    env.setdefault("MEDVERSE_CACHE", os.path.join(build, "cache"))
    env["MEDVERSE_VALIDATION"] = "1"
    env.setdefault("MEDVERSE_LOG", "info")
    cache = env["MEDVERSE_CACHE"]
    bundle = os.path.join(cache, "ch2better-aal.mvcase")  # app::sampleCaseBundlePath
    if not os.path.isdir(bundle):
        # The client imports the sample case on first use (engine/app/case_scene).
        r = subprocess.run([client_bin, "--mode", "headless", "--size", "64x64"], env=env,
                           capture_output=True, text=True, timeout=TIMEOUT_S)
        if r.returncode != 0 or not os.path.isdir(bundle):
            fail("could not build the sample case in " + cache + ":\n" + r.stdout + r.stderr)

    # Key, tokens, a fresh journal.
    key = os.path.join(out, "room.key")
    subprocess.run([server_bin, "keygen", "--key", key], check=True, env=env,
                   capture_output=True)
    people = {"expert": ("Dr. Expert", "expert"), "doctor": ("Dr. Local", "doctor"),
              "spectator": ("Student", "spectator")}
    tokens = {}
    for who, (name, role) in people.items():
        r = subprocess.run([server_bin, "token", "--key", key, "--name", name, "--role", role,
                            "--room", "consult"], check=True, env=env, capture_output=True,
                           text=True)
        tokens[who] = os.path.join(out, who + ".token")
        with open(tokens[who], "w") as f:
            f.write(r.stdout)
    journal = os.path.join(out, "journal.sqlite")

    procs = []
    server = Proc("server", [server_bin, "run", "--case", bundle, "--key", key, "--journal",
                             journal, "--port", "0", "--bind", "127.0.0.1"], env, out)
    procs.append(server)
    try:
        line = server.wait_line(lambda l: "medverse-server: room 'consult' on " in l, 60)
        port = int(line.split(" on ")[1].split(" ")[0].rsplit(":", 1)[1])
        connect = f"127.0.0.1:{port}"
        final = "pins>=1,measurements>=1,clip,released,turned"
        clients = {}

        def client(who, extra, until, cenv=env, until_timeout=150):
            argv = [client_bin, "--connect", connect, "--token-file", tokens[who],
                    "--until", until, "--until-timeout", str(until_timeout),
                    "--state-json", os.path.join(out, who + ".json"),
                    "--screenshot", os.path.join(out, who + ".png"),
                    # Each its own cache: each receives the case over the
                    # network.
                    "--cache-dir", os.path.join(out, who + "-cache")] + extra
            clients[who] = Proc(who, argv, cenv, out)
            procs.append(clients[who])
            return clients[who]

        joined = lambda l: l.startswith("joining room")
        # The spectator follows the expert (--follow waits for them to come).
        client("spectator", ["--mode", "headless", "--size", "1280x720", "--follow",
                             people["expert"][0]], final + ",participants>=2")
        clients["spectator"].wait_line(joined, 60)
        client("doctor", ["--mode", "headless", "--size", "1280x720", "--input-script",
                          os.path.join(e2e, "doctor_script.json")], final + ",participants>=2")
        clients["doctor"].wait_line(joined, 60)
        xenv = dict(env)
        xenv["XR_RUNTIME_JSON"] = manifest
        xenv["XR_ENABLE_API_LAYERS"] = "XR_APILAYER_LUNARG_core_validation"
        xenv["XR_CORE_VALIDATION_EXPORT_TYPE"] = "text"
        xr_validation = os.path.join(out, "xr_validation.txt")
        xenv["XR_CORE_VALIDATION_FILE_NAME"] = xr_validation
        xenv["MEDVERSE_XRSIM_SCRIPT"] = os.path.join(e2e, "expert_timeline.json")
        # After its timeline (frame 104) the expert waits for the doctor's
        # measurement and until the others have left.
        client("expert", ["--mode", "xr", "--frames", "110"], final + ",alone", xenv,
               until_timeout=120)

        # Wait for all three; the first failure ends the others at once.
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            CHANGED.wait(deadline - time.monotonic())
            CHANGED.clear()
            codes = [c.p.poll() for c in clients.values()]
            if all(rc is not None for rc in codes) or any(rc not in (None, 0) for rc in codes):
                break
        rcs = {}
        for who in ("doctor", "spectator", "expert"):
            if clients[who].p.poll() is None:
                clients[who].p.kill()
            rcs[who] = clients[who].wait(30)
    finally:
        for p in procs:
            if p.p.poll() is None and p is not server:
                p.p.kill()
        server.p.terminate()
        server.wait(30)

    errors = []
    for who, rc in rcs.items():
        if rc != 0:
            errors.append(f"{who} exited {rc} (log {clients[who].logpath}):\n" +
                          "\n".join(clients[who].lines[-15:]))
    if errors:
        fail("\n".join(errors))

    # Zero validation errors: each client prints its count and fails on any.
    for who, c in clients.items():
        vl = [l for l in c.lines if l.startswith("validation:")]
        counts = [int(n) for l in vl for n in re.findall(r"(\d+) (?:OpenXR |Vulkan )?error", l)]
        if not vl or any(counts):
            errors.append(f"{who}: validation {vl}")
    if os.path.exists(xr_validation):
        with open(xr_validation) as f:
            bad = [l for l in f if "VALID_ERROR" in l]
        if bad:
            errors.append("OpenXR core validation errors:\n" + "".join(bad[:10]))

    # The three views of the room agree.
    states = {}
    for who in clients:
        with open(os.path.join(out, who + ".json")) as f:
            states[who] = json.load(f)
    for who, s in states.items():
        h = s.get("hologram")
        if not h:
            errors.append(f"{who}: no hologram")
            continue
        # The hands turn the segment between them by 90 degrees and double
        # its length (expert_timeline.json, frames 22-52).
        if abs(h["turn_deg"] - 90.0) > 5.0:
            errors.append(f"{who}: hologram turned {h['turn_deg']:.1f} deg, not about 90")
        if abs(h["scale"] / 0.001 - 2.0) > 0.1:
            errors.append(f"{who}: hologram scale {h['scale']:.5f} m/mm, not about 0.002")
        if not h["clip"][0]["enabled"]:
            errors.append(f"{who}: clip plane off")
        if h["holder"] != 0:
            errors.append(f"{who}: hologram still held by {h['holder']}")
        if len(s["pins"]) != 1 or len(s["measurements"]) != 1:
            errors.append(f"{who}: {len(s['pins'])} pins, {len(s['measurements'])} measurements"
                          " (want 1 and 1)")
    ref = states["expert"].get("hologram")
    for who in ("doctor", "spectator"):
        h = states[who].get("hologram")
        if ref and h:
            q1, q2 = ref["rotation_wxyz"], h["rotation_wxyz"]
            dot = abs(sum(a * b for a, b in zip(q1, q2)))
            angle = math.degrees(2 * math.acos(min(1.0, dot)))
            if angle > 3.0:
                errors.append(f"{who}: hologram rotation differs from the expert's by {angle:.1f}"
                              " deg")
            if abs(h["clip"][0]["offset"] - ref["clip"][0]["offset"]) > 1e-3:
                errors.append(f"{who}: clip plane offset differs from the expert's")
        names = [p["name"] for p in states[who]["participants"] if p["connected"]]
        if people["expert"][0] not in names:
            errors.append(f"{who}: the expert is not among the participants {names}")
    if states["spectator"]["following"] == 0:
        errors.append("spectator: follows nobody")
    if states["spectator"]["local_role"] != "spectator":
        errors.append("spectator: local role " + states["spectator"]["local_role"])

    # The audit trail names who did what.
    db = sqlite3.connect(journal)
    rows = db.execute("SELECT type, name, role, detail FROM audit ORDER BY seq").fetchall()
    db.close()
    print("journal:")
    for r in rows:
        print("  ", *r)
    joins = {r[1] for r in rows if r[0] == "join"}
    for name, _ in people.values():
        if name not in joins:
            errors.append(f"journal: no join by {name}")
    if not any(r[0] == "annotation" and r[1] == people["expert"][0] for r in rows):
        errors.append("journal: no annotation by the expert")
    if not any(r[0] == "measurement" and r[1] == people["doctor"][0] for r in rows):
        errors.append("journal: no measurement by the doctor")
    # The expert's hologram work: the grab, the release with the final
    # transform, the clip plane (coalesced: one run, not a row per frame).
    for kind in ("grab", "release", "clip-plane"):
        if not any(r[0] == kind and r[1] == people["expert"][0] for r in rows):
            errors.append(f"journal: no {kind} by the expert")
    if sum(1 for r in rows if r[0] == "clip-plane") > 3:
        errors.append("journal: the clip plane is recorded more than start and end")

    for who in clients:
        print(f"screenshot ({who}): {os.path.join(out, who + '.png')}")
    if errors:
        fail("\n".join(errors))
    print("e2e consult: OK")


if __name__ == "__main__":
    main()
