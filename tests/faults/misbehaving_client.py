#!/usr/bin/python3
"""A client that sends garbage, bogus (acks for snapshots never sent,
input sequence numbers out of order, RPCs aimed at nothing) and oversized
(2 MiB) messages over an authenticated connection is disconnected; raw UDP
junk at the server's port (random bytes, ENet-looking headers, 64 KiB
datagrams) is ignored; the other clients stay connected and the room keeps
working (new pins reach everyone after the attack)."""
import os
import random
import socket
import struct
import sys

from faultlib import Room, check, last_state, mono_ms

server_exe, bots_exe = sys.argv[1], sys.argv[2]
room = Room(server_exe, bots_exe, "mv-junk-")
try:
    server = room.server(journal=False)
    # Bot 0 adds a pin every 0.3 s for as long as the test runs.
    honest = room.bots("honest", 2, "expert,doctor", 9500,
                       ["--pins", "1000", "--action-interval", "0.3"])
    # --misbehave 1: the last bot of this process (client 9702) attacks once
    # joined; bot 0 of the same process behaves.
    attacker = room.bots("attacker", 2, "doctor", 9700, ["--misbehave", "1"])
    honest.wait_for(lambda ls: all(last_state(ls, b) for b in (0, 1)), "honest bots in the room")

    kicked = server.wait_for(
        lambda ls: next((l for l in ls if l["event"] == "kick" and l["client"] == 9702), None),
        "the misbehaving client disconnected")
    print("server:", kicked["detail"])
    gone = attacker.wait_for(
        lambda ls: next((l for l in ls if l.get("bot") == 1 and l.get("event") == "left"), None),
        "the misbehaving bot told it was disconnected")
    check("ProtocolViolation" in gone["reason"] or "protocol" in gone["reason"].lower(),
          f"reason: {gone}")
    check(not gone["will_retry"], f"a kicked client must not retry: {gone}")

    # Raw UDP junk from an unauthenticated socket.
    rng = random.Random(77)
    junk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    for i in range(3000):
        kind = i % 4
        if kind == 0:
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1400)))
        elif kind == 1:  # ENet-like header: peer id, sent time, then a random command
            data = struct.pack(">HH", rng.randint(0, 0xFFFF), rng.randint(0, 0xFFFF)) + \
                bytes([rng.randint(1, 12), rng.randint(0, 3)]) + os.urandom(rng.randint(0, 64))
        elif kind == 2:
            data = os.urandom(65000)  # oversized
        else:
            data = b""
        try:
            junk.sendto(data, ("127.0.0.1", room.port))
            sent += 1
        except OSError:
            pass
    junk.close()
    print(f"sent {sent} raw junk datagrams")
    flood_end = mono_ms()

    # The room still works: pins made after all that reach both honest bots.
    # (Status lines carry the same monotonic clock, and one process prints
    # them in order, so every line before flood_end is in before a later one.)
    def newer_pin_everywhere(ls):
        for b in (0, 1):
            states = [l for l in ls if l.get("bot") == b and l.get("event") == "state"]
            before = max([len(l["pins"]) for l in states if l["mono_ms"] <= flood_end] + [0])
            if not any(l["mono_ms"] > flood_end and len(l["pins"]) >= before + 2 for l in states):
                return False
        return True
    honest.wait_for(newer_pin_everywhere, "new pins on both honest bots after the attack")
    print("pins on the honest bots after the attack:",
          [len(last_state(honest.lines, b)["pins"]) for b in (0, 1)])
    check(not honest.events(event="left"), f"an honest bot left: {honest.events(event='left')}")
    check(attacker.events(bot=0, event="left") == [],
          "the attacker's well-behaved neighbour stayed")
    check(server.p.poll() is None, "the server is still running")
    rc = honest.stop()
    check(rc == 0 and honest.lines[-1].get("disconnects") == 0, f"honest: {honest.lines[-1]}")
    attacker.stop()
    check(server.stop() == 0, "server stops cleanly")
    print("ok")
finally:
    room.cleanup()
