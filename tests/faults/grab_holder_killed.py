#!/usr/bin/python3
"""kill -9 the client holding the hologram: the server releases the grab
within 2 s of the kill (its own timestamps against the kill's, on the same
monotonic clock) and the hologram keeps the last transform the holder gave
it, on the server and on every other client."""
import sys

from faultlib import Room, check, mono_ms

server_exe, bots_exe = sys.argv[1], sys.argv[2]
room = Room(server_exe, bots_exe, "mv-grab-")
try:
    server = room.server(journal=False)
    holder = room.bots("holder", 1, "expert", 8000, ["--grab"])
    observers = room.bots("observers", 2, "doctor", 8100)
    HOLDER = 8001

    server.wait_for(lambda ls: any(l["event"] == "grab" and l["client"] == HOLDER for l in ls),
                    "the holder's grab")

    # The observers see it held and moving.
    def held_moving(ls):
        for b in (0, 1):
            held = [l for l in ls if l.get("bot") == b and l.get("event") == "state" and
                    l["hologram"] and l["hologram"]["holder"] == HOLDER]
            if len({tuple(l["hologram"]["position"]) for l in held}) < 3:
                return False
        return True
    observers.wait_for(held_moving, "the held hologram moving on both observers")

    killed_at = mono_ms()
    holder.kill9()
    released = server.wait_for(
        lambda ls: next((l for l in ls if l["event"] == "release" and l["client"] == HOLDER), None),
        "release of the dead holder's grab")
    delay = released["mono_ms"] - killed_at
    print(f"released {delay:.0f} ms after kill -9 ({released['detail']})")
    check(delay < 2000, f"the grab was released {delay:.0f} ms after the holder died")
    check(released["detail"] in ("not heard from", "disconnected"), f"release: {released}")

    # Every observer: free, and exactly where it was last seen held.
    def released_on(ls, b):
        states = [l for l in ls if l.get("bot") == b and l.get("event") == "state" and
                  l["hologram"]]
        for i, s in enumerate(states):
            if s["hologram"]["holder"] == 0 and i > 0 and \
                    states[i - 1]["hologram"]["holder"] == HOLDER:
                return states[i - 1], s
        return None
    observers.wait_for(lambda ls: released_on(ls, 0) and released_on(ls, 1),
                       "the release on both observers")
    for b in (0, 1):
        last_held, free = released_on(observers.lines, b)
        for key in ("position", "rotation", "scale"):
            check(free["hologram"][key] == last_held["hologram"][key],
                  f"observer {b}: {key} changed on release: {last_held['hologram']} -> "
                  f"{free['hologram']}")
        server_pos = released["hologram"]["position"]
        check(all(abs(a - b) < 1e-3 for a, b in zip(server_pos, free["hologram"]["position"])),
              f"observer {b} shows {free['hologram']['position']}, server kept {server_pos}")
    check(free["hologram"]["position"] != [0.0, 1.2, 0.0], "the hologram went back to its start")
    print("kept transform:", free["hologram"])

    # The transport then lets the participant go too (peerSilenceMs).
    leave = server.wait_for(
        lambda ls: next((l for l in ls if l["event"] == "leave" and l["client"] == HOLDER), None),
        "the dead holder leaving")
    print(f"left {leave['mono_ms'] - killed_at:.0f} ms after kill -9 ({leave['detail']})")

    # Nobody else was disturbed.
    check(not observers.events(event="left"), f"an observer left: {observers.events(event='left')}")
    rc = observers.stop()
    check(rc == 0 and observers.lines[-1].get("disconnects") == 0,
          f"observers: rc {rc} {observers.lines[-1]}")
    check(server.stop() == 0, "server stops cleanly")
    print("ok")
finally:
    room.cleanup()
