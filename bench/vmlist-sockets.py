#!/usr/bin/env python3
"""WebSocket /vmlist clients for bench/load.sh (standard library only: no websocket package needed).

Each of SOCKETS clients loops for SECONDS: opens /vmlist with the session token, reads the "initial" messages (one per
VM the user holds a right on: EXPECTED of them), keeps the socket open HOLD seconds reading whatever the pool's changes
bring, closes it cleanly, and starts again. Errors: a refused or failed handshake, a socket closed by the server, an
initial list of the wrong size, no complete initial list within 30 s. Prints one line of figures and the percentiles of
the time from connect to the last initial message.

Usage: vmlist-sockets.py HOST PORT TOKEN SOCKETS SECONDS EXPECTED [HOLD]
"""
import asyncio
import base64
import json
import os
import sys
import time

HOST, PORT, TOKEN = sys.argv[1], int(sys.argv[2]), sys.argv[3]
SOCKETS, SECONDS, EXPECTED = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
HOLD = float(sys.argv[7]) if len(sys.argv) > 7 else 5.0

stats = {"sessions": 0, "messages": 0, "errors": 0}
latencies = []
errors = {}


def error(kind):
    stats["errors"] += 1
    errors[kind] = errors.get(kind, 0) + 1


async def read_frame(reader):
    head = await reader.readexactly(2)
    fin = bool(head[0] & 0x80)
    opcode = head[0] & 0x0F
    length = head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(await reader.readexactly(2), "big")
    elif length == 127:
        length = int.from_bytes(await reader.readexactly(8), "big")
    payload = await reader.readexactly(length)
    return fin, opcode, payload


def frame(opcode, payload=b""):
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


async def session(deadline):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET /vmlist HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Authorization: Bearer {TOKEN}\r\n\r\n").encode())
        await writer.drain()
        started = time.monotonic()
        status = (await reader.readuntil(b"\r\n\r\n")).split(b" ", 2)[1]
        if status != b"101":
            error("handshake " + status.decode())
            return
        initial = 0
        fragments = b""
        hold_until = None
        while True:
            timeout = 30.0 if hold_until is None else hold_until - time.monotonic()
            if timeout <= 0 or (hold_until is None and time.monotonic() > deadline + 30):
                break
            try:
                fin, opcode, payload = await asyncio.wait_for(read_frame(reader), timeout)
            except asyncio.TimeoutError:
                if hold_until is None:
                    error("no complete initial list within 30 s")
                    return
                break
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                error(f"closed by the server ({code})")
                return
            if opcode == 0x9:
                writer.write(frame(0xA, payload))
                continue
            if opcode in (0x1, 0x0):
                fragments += payload
                if not fin:
                    continue
                message = json.loads(fragments)
                fragments = b""
                stats["messages"] += 1
                if message.get("type") == "initial":
                    initial += 1
                    if initial == EXPECTED:
                        latencies.append(time.monotonic() - started)
                        hold_until = time.monotonic() + HOLD
        if initial != EXPECTED:
            error(f"initial list of {initial}, expected {EXPECTED}")
            return
        stats["sessions"] += 1
        writer.write(frame(0x8, (1000).to_bytes(2, "big")))
        await writer.drain()
    finally:
        writer.close()


async def client(deadline):
    while time.monotonic() < deadline:
        try:
            await session(deadline)
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            error(type(e).__name__)


async def main():
    deadline = time.monotonic() + SECONDS
    await asyncio.gather(*(client(deadline) for _ in range(SOCKETS)))
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else float("nan")

    print(f"sockets: {SOCKETS} clients, {stats['sessions']} sessions, {stats['messages']} messages, "
          f"{stats['errors']} errors {errors if errors else ''}")
    print(f"sockets: connect to complete initial list p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, "
          f"p99 {pct(99):.1f} ms")


asyncio.run(main())
