#!/usr/bin/python3
"""kill -9 the server mid-session and start it again (same key, journal and
port): every client reconnects on its own, comes back as the same person
with the same role, and sees the pin and the measurement that were
acknowledged before the crash."""
import sys

from faultlib import Room, check, last_state, mono_ms

server_exe, bots_exe = sys.argv[1], sys.argv[2]
room = Room(server_exe, bots_exe, "mv-restart-")
try:
    server = room.server()
    ROLES = ["expert", "doctor", "trainee"]
    bots = room.bots("bots", 3, ",".join(ROLES), 7000,
                     ["--pins", "1", "--measurements", "1", "--action-interval", "0.2"])

    # Acknowledged = the server recorded it (journal first) and replicated it:
    # every client shows the pin and the measurement.
    def acknowledged(ls):
        states = [last_state(ls, b) for b in range(3)]
        return all(s and len(s["pins"]) == 1 and len(s["measurements"]) == 1 for s in states)
    bots.wait_for(acknowledged, "pin and measurement on every client")
    before = {b: last_state(bots.lines, b) for b in range(3)}
    joined_before = {l["bot"]: l for l in bots.events(event="joined")}
    check(len(joined_before) == 3, f"three joins: {joined_before}")
    for b, j in joined_before.items():
        check(j["role"] == ROLES[b] and j["id"] == 7000 + b + 1, f"bot {b} joined as {j}")
    server.wait_for(lambda ls: any(l["event"] == "measurement" for l in ls), "measurement event")

    killed_at = mono_ms()
    server.kill9()
    kill_line = len(bots.lines)
    server2 = room.server()
    # The clients notice the crash and come back without being told to.
    bots.wait_for(lambda ls: len([l for l in ls if l.get("event") == "joined"]) >= 6,
                  "every bot rejoining the restarted server", bound_s=90)
    rejoined = {l["bot"]: l for l in bots.lines[kill_line:] if l.get("event") == "joined"}
    left = [l for l in bots.lines[kill_line:] if l.get("event") == "left"]
    check(len(rejoined) == 3, f"three rejoins: {rejoined}")
    for l in left:
        check(l["will_retry"], f"a bot gave up: {l}")
    for b in range(3):
        j = rejoined[b]
        check(j["joins"] == 2, f"bot {b}: {j}")
        check(j["id"] == joined_before[b]["id"], f"bot {b} came back as another client: {j}")
        check(j["role"] == joined_before[b]["role"], f"bot {b} came back with another role: {j}")
        print(f"bot {b} rejoined {j['mono_ms'] - killed_at:.0f} ms after kill -9")

    # Everything acknowledged before the kill is back on every client.
    def restored(ls):
        after = [l for l in ls[kill_line:] if l.get("event") == "state"]
        return all(any(s["bot"] == b and s["pins"] == before[b]["pins"] and
                       s["measurements"] == before[b]["measurements"] for s in after)
                   for b in range(3))
    bots.wait_for(restored, "the pin and measurement back on every client", bound_s=30)
    start = server2.stderr_text()
    check("1 annotations, 1 measurements kept" in start, f"server start: {start[-500:]}")
    server2.wait_for(lambda ls: len([l for l in ls if l["event"] == "join"]) >= 3,
                     "three joins on the restarted server")
    joins = server2.events(event="join")
    check(sorted(j["client"] for j in joins) == [7001, 7002, 7003], f"server joins: {joins}")
    for b in range(3):
        print(f"bot {b}: {ROLES[b]} {joined_before[b]['id']} rejoined; pins {before[b]['pins']} "
              f"measurements {before[b]['measurements']}")

    rc = bots.stop()
    summary = bots.lines[-1]
    check(rc == 0 and summary.get("summary") and summary["connected"] == 3,
          f"bots summary: rc {rc} {summary}")
    check(summary["rejoins"] == 3, f"rejoins: {summary}")
    check(server2.stop() == 0, "server stops cleanly")
    print("ok")
finally:
    room.cleanup()
