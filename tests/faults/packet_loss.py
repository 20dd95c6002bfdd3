#!/usr/bin/python3
"""30 % of the datagrams dropped in each direction for 10 s (the server and
every client drop 30 % of what they receive, seeded): nobody is
disconnected, every annotation and measurement made
during the loss arrives, and once it is over every client shows the same
room."""
import sys

from faultlib import Room, check, last_state, shared

server_exe, bots_exe = sys.argv[1], sys.argv[2]
room = Room(server_exe, bots_exe, "mv-loss-")
LOSS = {"MEDVERSE_NET_DROP": "0.3:10000", "MEDVERSE_NET_DROP_SEED": "8"}
PINS, MEASUREMENTS, BOTS = 8, 4, 3
try:
    server = room.server(journal=False, env=LOSS)
    # Bot 0 adds a pin or a measurement every 0.5 s, from its join on: all
    # of them while the loss lasts.
    bots = room.bots("bots", BOTS, "expert,doctor,trainee", 9000,
                     ["--pins", str(PINS), "--measurements", str(MEASUREMENTS),
                      "--action-interval", "0.5"], env=LOSS)
    over = server.wait_for(lambda ls: next((l for l in ls if l["event"] == "loss-over"), None),
                           "the end of the server's loss window", bound_s=60)
    bots.wait_for(lambda ls: len([l for l in ls if l.get("event") == "loss-over"]) == BOTS,
                  "the end of every bot's loss window", bound_s=60)
    dropped, offered = (int(x) for x in over["detail"].split()[1::2])
    share = dropped / offered
    print(f"server dropped {dropped} of {offered} incoming datagrams ({100 * share:.1f}%)")
    check(0.25 < share < 0.35, f"the loss was not 30%: {over}")
    for l in bots.events(event="loss-over"):
        print(f"bot {l['bot']} dropped {l['dropped']} of {l['offered']}")
        # A few hundred datagrams per bot: 20-40 % is 4 standard deviations.
        check(0.20 < l["dropped"] / l["offered"] < 0.40, f"bot loss: {l}")

    def converged(ls):
        states = [last_state(ls, b) for b in range(BOTS)]
        if not all(states):
            return False
        first = shared(states[0])
        return len(first["pins"]) == PINS and len(first["measurements"]) == MEASUREMENTS and \
            all(shared(s) == first for s in states)
    bots.wait_for(converged, "every client showing the same room with every pin and measurement")
    final = shared(last_state(bots.lines, 0))
    print("converged:", len(final["pins"]), "pins,", len(final["measurements"]), "measurements,",
          final["people"])
    check(all(p.endswith(":on") for p in final["people"]), f"someone shown gone: {final['people']}")

    check(not bots.events(event="left"), f"disconnects: {bots.events(event='left')}")
    check(len(bots.events(event="joined")) == BOTS, "each bot joined exactly once")
    check(not server.events(event="leave"), f"server saw leaves: {server.events(event='leave')}")
    rc = bots.stop()
    check(rc == 0 and bots.lines[-1].get("disconnects") == 0, f"bots: rc {rc} {bots.lines[-1]}")
    check(server.stop() == 0, "server stops cleanly")
    print("ok")
finally:
    room.cleanup()
