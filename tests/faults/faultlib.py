"""Real medverse-server and medverse-bots processes for the fault tests.

Every wait is on an event: a JSON line a process printed (the server's
--events, the bots' --status), or a process exiting. The timeouts are only
bounds after which a test fails instead of hanging; nothing sleeps to let
something happen.
"""
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def fail(message):
    print("FAIL:", message, flush=True)
    sys.exit(1)


def check(cond, message):
    if not cond:
        fail(message)


def mono_ms():
    # CLOCK_MONOTONIC, the clock the server's mono_ms and the bots' mono_ms use.
    return time.clock_gettime(time.CLOCK_MONOTONIC) * 1000.0


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Proc:
    """A child process whose stdout JSON lines are collected by a thread."""

    def __init__(self, name, argv, env=None, log_dir=None):
        self.name = name
        self.lines = []  # every parsed JSON line, in order
        self._queue = queue.Queue()
        self.stderr_path = os.path.join(log_dir, name + ".stderr") if log_dir else os.devnull
        self._stderr = open(self.stderr_path, "w")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                  env=full_env)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        for raw in self.p.stdout:
            raw = raw.strip()
            if not raw.startswith("{"):
                continue
            try:
                self._queue.put(json.loads(raw))
            except json.JSONDecodeError:
                self._queue.put({"unparsed": raw})
        self._queue.put(None)  # end of output

    def _drain(self, block_s):
        try:
            item = self._queue.get(timeout=block_s)
        except queue.Empty:
            return False
        if item is None:
            self._queue.put(None)
            return None
        self.lines.append(item)
        return True

    def wait_for(self, predicate, what, bound_s=60.0):
        """Reads lines until predicate(self.lines) holds; fails after bound_s."""
        deadline = time.monotonic() + bound_s
        while True:
            result = predicate(self.lines)
            if result:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                self.dump()
                fail(f"{self.name}: no {what} within {bound_s:.0f} s")
            got = self._drain(min(left, 1.0))
            if got is None and not predicate(self.lines):
                self.dump()
                fail(f"{self.name}: exited (rc {self.p.poll()}) before {what}")

    def events(self, **match):
        return [l for l in self.lines if all(l.get(k) == v for k, v in match.items())]

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait(timeout=30)

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit code. Reads the rest of the output."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self._thread.join(timeout=10)
        while self._drain(0) is True:
            pass
        self._stderr.close()
        return rc

    def stderr_text(self):
        with open(self.stderr_path) as f:
            return f.read()

    def dump(self):
        print(f"--- {self.name}: last lines", flush=True)
        for l in self.lines[-15:]:
            print("   ", json.dumps(l)[:300])
        if self.stderr_path != os.devnull:
            print(f"--- {self.name}: stderr tail")
            try:
                print(self.stderr_text()[-3000:])
            except OSError:
                pass


class Room:
    """A work directory with a key, a case and a journal path."""

    def __init__(self, server_exe, bots_exe, prefix):
        self.server_exe = server_exe
        self.bots_exe = bots_exe
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.key = os.path.join(self.dir, "issuer.key")
        self.case = os.path.join(self.dir, "case")
        os.mkdir(self.case)
        with open(os.path.join(self.case, "manifest.json"), "w") as f:
            f.write('{"format":"medverse-case","version":1}\n')
        self.journal = os.path.join(self.dir, "journal.sqlite")
        rc = subprocess.run([server_exe, "keygen", "--key", self.key], capture_output=True).returncode
        check(rc == 0, "keygen")
        self.port = free_udp_port()
        self.procs = []
        self._servers = 0

    def server(self, journal=True, env=None, extra=()):
        self._servers += 1
        argv = [self.server_exe, "run", "--case", self.case, "--key", self.key, "--bind",
                "127.0.0.1", "--port", str(self.port), "--events", "-"]
        if journal:
            argv += ["--journal", self.journal]
        proc = Proc(f"server{self._servers}", argv + list(extra), env, self.dir)
        self.procs.append(proc)
        return proc

    def bots(self, name, count, roles, id_base, extra=(), env=None):
        argv = [self.bots_exe, "--connect", f"127.0.0.1:{self.port}", "--key", self.key,
                "--count", str(count), "--role", roles, "--duration", "3600", "--status",
                "--client-id-base", str(id_base)] + list(extra)
        proc = Proc(name, argv, env, self.dir)
        self.procs.append(proc)
        return proc

    def cleanup(self):
        for p in self.procs:
            if p.p.poll() is None:
                p.p.kill()
                p.p.wait()
        # Kept when the test failed (sys.exit(1) passes through here), for
        # the logs; removed when it passed.
        if sys.exc_info()[0] is None:
            shutil.rmtree(self.dir, ignore_errors=True)


def last_state(lines, bot):
    """The newest 'state' line of one bot, or None."""
    for l in reversed(lines):
        if l.get("bot") == bot and l.get("event") == "state":
            return l
    return None


def shared(state):
    """The parts of a state line every client must agree on."""
    return {k: state[k] for k in ("pins", "measurements", "people", "hologram")}
