#!/usr/bin/env python3
"""Pool change -> visible on POST /vminfo, and pushed on every open /vmlist WebSocket (bench/run-all.sh, phase push).

Standard library only. Opens SOCKETS /vmlist WebSockets with the session token (in batches, each socket waiting for its
whole initial list: EXPECTED "initial" messages, the VMs of GET /vmlist), then makes CHANGES changes on the pool itself,
VM.set_name_label over the simulator's JSON-RPC (a real pool change, not through VMEmperor), one at a time, each to a
new unique name, and measures from the moment the pool's answer to that call arrived:
  - push: until each socket received the message naming the new name (sockets x changes samples), and until the last
    socket of a change received it (one sample per change);
  - vminfo: until POST /vminfo of that VM answers the new name (polled every POLL seconds on a keep-alive connection);
  - pool event: until an event.from long poll of our own, on the pool directly, returned the change (what the pool
    itself takes to announce a change: the simulator batches events in a 50 ms window, so does nothing faster), and
    from that answer until each push (the service's own share: both long polls are answered by the same batch).
A push not received within TIMEOUT seconds of its change is a missed push, an error, as is a socket closed by the
server, a refused handshake or an incomplete initial list.

Clock: every instant is the kernel's receive timestamp of the bytes (SO_TIMESTAMPNS on every socket: the pool's
answer, each push, each /vminfo answer, each event.from answer), so the figures exclude this client's own delays (one
Python process reading 1,000 sockets is slow); the time from the kernel's timestamp to the moment this process read the
push is reported apart as the client's cost. Kernel timestamps are CLOCK_REALTIME, all taken on this machine.

Usage: vmlist-push.py HOST PORT TOKEN POOL_URL POOL_PASSWORD SOCKETS CHANGES [--json FILE] [--timeout S] [--gap S]
                      [--poll S] [--batch N] [--warmup N]
(--warmup changes, 10 by default, are made first and not counted.)
Exit status 1 on any error or missed push.
"""
import argparse
import base64
import json
import os
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; the cmsg type is the same number

parser = argparse.ArgumentParser()
parser.add_argument("host")
parser.add_argument("port", type=int)
parser.add_argument("token")
parser.add_argument("pool")
parser.add_argument("pool_password")
parser.add_argument("sockets", type=int)
parser.add_argument("changes", type=int)
parser.add_argument("--json", help="write the figures as JSON to this file")
parser.add_argument("--timeout", type=float, default=10.0, help="seconds after which a push counts as missed")
parser.add_argument("--gap", type=float, default=0.3, help="seconds between one change settled and the next")
parser.add_argument("--poll", type=float, default=0.002, help="seconds between two POST /vminfo polls")
parser.add_argument("--batch", type=int, default=20, help="sockets opened at once")
parser.add_argument("--server-pid", type=int, help="the service's pid: CPU of its threads per change")
parser.add_argument("--warmup", type=int, default=10, help="changes made first and not counted (the JIT's warm-up)")
args = parser.parse_args()

errors = {}


def error(kind, count=1):
    errors[kind] = errors.get(kind, 0) + count


def stamped_socket(host, port):
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_stamped(sock, size=262144):
    """(bytes, kernel receive time in s or None)."""
    data, ancillary, _, _ = sock.recvmsg(size, socket.CMSG_SPACE(16))
    stamp = None
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanos = struct.unpack("qq", value[:16])
            stamp = seconds + nanos / 1e9
    return data, stamp


class Http:
    """One keep-alive HTTP/1.1 connection; answers carry the kernel timestamp of their last bytes."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.sock = stamped_socket(host, port)
        self.buf = b""

    def post(self, path, body, headers=None):
        body = json.dumps(body).encode()
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        head += f"Content-Length: {len(body)}\r\n\r\n"
        self.sock.sendall(head.encode() + body)
        stamp = None
        while b"\r\n\r\n" not in self.buf:
            stamp = self._read(stamp)
        header, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        fields = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            content = b""
            while True:
                while b"\r\n" not in self.buf:
                    stamp = self._read(stamp)
                size_line, rest = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    stamp = self._read(stamp)
                    rest = self.buf.split(b"\r\n", 1)[1]
                content += rest[:size]
                self.buf = rest[size + 2:]
                if size == 0:
                    break
        else:
            length = int(fields.get("content-length", "0"))
            while len(self.buf) < length:
                stamp = self._read(stamp)
            content, self.buf = self.buf[:length], self.buf[length:]
        return status, content, stamp

    def _read(self, stamp):
        data, new = recv_stamped(self.sock)
        if not data:
            raise ConnectionError(f"{self.host}:{self.port} closed the connection")
        self.buf += data
        return new if new is not None else stamp


class Pool:
    """JSON-RPC to the pool (xapi or the simulator), on its own connection."""

    def __init__(self, url, password):
        parsed = urllib.parse.urlsplit(url)
        self.http = Http(parsed.hostname, parsed.port or 80)
        self.session = self.call("session.login_with_password", "root", password, "1.0", "vmlist-push")[0]

    def call(self, method, *params, session=True):
        full = ([self.session] if session and hasattr(self, "session") else []) + list(params)
        status, content, stamp = self.http.post("/jsonrpc", {"jsonrpc": "2.0", "method": method, "params": full,
                                                             "id": 1})
        answer = json.loads(content)
        if status != 200 or "error" in answer:
            raise RuntimeError(f"{method}: {status} {answer.get('error')}")
        return answer["result"], stamp


def mask(opcode, payload=b""):
    key = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class Socket:
    """A /vmlist WebSocket read by the epoll loop below."""

    def __init__(self, index):
        self.index = index
        self.sock = stamped_socket(args.host, args.port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /vmlist HTTP/1.1\r\nHost: {args.host}:{args.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"Authorization: Bearer {args.token}\r\n\r\n").encode())
        self.buf = bytearray()
        self.sock.settimeout(30)
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed during the handshake")
            self.buf += data
        end = self.buf.index(b"\r\n\r\n") + 4
        status = bytes(self.buf[:end]).split(b" ", 2)[1]
        del self.buf[:end]
        if status != b"101":
            raise ConnectionError(f"handshake answered {status.decode()}")
        self.sock.setblocking(False)
        self.initial = 0
        self.fragments = b""
        self.open = True

    def readable(self):
        try:
            data, stamp = recv_stamped(self.sock)
        except BlockingIOError:
            return
        except OSError as e:
            self.close(f"socket error {type(e).__name__}")
            return
        read_at = time.time()
        if not data:
            self.close("closed by the server without a close frame")
            return
        self.buf += data
        self.parse(stamp, read_at)

    def parse(self, stamp, read_at):
        buf = self.buf
        while len(buf) >= 2:
            fin, opcode, length, offset = buf[0] & 0x80, buf[0] & 0x0F, buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    break
                length, offset = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    break
                length, offset = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < offset + length:
                break
            payload = bytes(buf[offset:offset + length])
            del buf[:offset + length]
            if opcode == 0x9:
                self.sock.send(mask(0xA, payload))
            elif opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                self.close(f"closed by the server ({code})")
                return
            elif opcode in (0x1, 0x0):
                self.fragments += payload
                if fin:
                    self.message(self.fragments, stamp, read_at)
                    self.fragments = b""

    def message(self, payload, stamp, read_at):
        if self.initial < expected:
            if payload.startswith(b'{"type":"initial"'):
                self.initial += 1
                return
        change = current
        if change is not None and change.marker in payload:
            change.received(self.index, stamp, read_at)

    def close(self, reason):
        if self.open:
            self.open = False
            error(reason)
            poller.unregister(self.sock.fileno())
            self.sock.close()


class Change:
    def __init__(self, number, vm_uuid):
        self.number = number
        self.vm_uuid = vm_uuid
        self.name = f"push-{os.getpid()}-{number}"
        self.marker = json.dumps(self.name).encode()
        self.returned = None   # kernel time the pool's answer to set_name_label arrived
        self.called = None
        self.pushes = {}       # socket index -> (kernel time, time this process read it)
        self.vminfo = None
        self.event = None
        self.all_received = threading.Event()

    def received(self, index, stamp, read_at):
        if index not in self.pushes:
            self.pushes[index] = (stamp if stamp is not None else read_at, read_at)
            if len(self.pushes) == ready_count:
                self.all_received.set()


current = None
ready_count = 0
poller = select.epoll()
sockets = {}
done = threading.Event()


def loop(until):
    while not until():
        for fd, _ in poller.poll(0.05):
            sock = sockets.get(fd)
            if sock is not None and sock.open:
                sock.readable()


def http_get_json(path):
    sock = socket.create_connection((args.host, args.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {args.host}\r\nAuthorization: Bearer {args.token}\r\n"
                 f"Connection: close\r\n\r\n".encode())
    data = b""
    while chunk := sock.recv(1 << 20):
        data += chunk
    sock.close()
    head, body = data.split(b"\r\n\r\n", 1)
    if b"chunked" in head.lower():
        out = b""
        while True:
            size_line, body = body.split(b"\r\n", 1)
            size = int(size_line, 16)
            if size == 0:
                break
            out, body = out + body[:size], body[size + 2:]
        body = out
    return json.loads(body)


vms = http_get_json("/vmlist")
expected = len(vms)
print(f"push: {expected} VMs visible, opening {args.sockets} sockets", flush=True)

opened_at = time.time()
for start in range(0, args.sockets, args.batch):
    batch = []
    for index in range(start, min(start + args.batch, args.sockets)):
        try:
            sock = Socket(index)
        except (OSError, ValueError) as e:
            error(f"open: {e}")
            continue
        sockets[sock.sock.fileno()] = sock
        poller.register(sock.sock.fileno(), select.EPOLLIN)
        batch.append(sock)
    for sock in batch:
        sock.parse(None, time.time())  # what arrived with the handshake's answer
    deadline = time.time() + 60
    loop(lambda: all(s.initial >= expected or not s.open for s in batch) or time.time() > deadline)
sockets_ready = [s for s in sockets.values() if s.open and s.initial >= expected]
ready_count = len(sockets_ready)
if ready_count < len(sockets):
    error("initial list incomplete within 60 s", sum(1 for s in sockets.values() if s.open and s.initial < expected))
print(f"push: {len(sockets_ready)} sockets hold their initial list of {expected} ({time.time() - opened_at:.1f} s)",
      flush=True)

pool = Pool(args.pool, args.pool_password)
watcher_pool = Pool(args.pool, args.pool_password)
api = Http(args.host, args.port)
changes = []
by_name = {}


def watch_events():
    """Our own event.from on the pool: when the pool itself announces each change."""
    token = watcher_pool.call("event.from", ["vm"], "", 0.0)[0]["token"]
    while not done.is_set():
        try:
            answer, stamp = watcher_pool.call("event.from", ["vm"], token, 1.0)
        except (OSError, RuntimeError) as e:
            error(f"event.from: {e}")
            return
        token = answer["token"]
        for event in answer["events"]:
            change = by_name.get((event.get("snapshot") or {}).get("name_label"))
            if change is not None and change.event is None:
                change.event = stamp


def drive():
    global current
    try:
        for number in range(args.warmup + args.changes):
            vm = vms[number % len(vms)]
            ref = pool.call("VM.get_by_uuid", vm["uuid"])[0]
            change = Change(number, vm["uuid"])
            by_name[change.name] = change
            if number >= args.warmup:
                changes.append(change)
            current = change
            change.called = time.time()
            _, change.returned = pool.call("VM.set_name_label", ref, change.name)
            while change.vminfo is None and time.time() - change.called < args.timeout:
                status, content, stamp = api.post("/vminfo", {"uuid": vm["uuid"]},
                                                  {"Authorization": f"Bearer {args.token}"})
                if status != 200:
                    error(f"/vminfo answered {status}")
                elif json.loads(content).get("name_label") == change.name:
                    change.vminfo = stamp
                    break
                time.sleep(args.poll)
            change.all_received.wait(max(0.0, args.timeout - (time.time() - change.called)))
            time.sleep(args.gap)
            current = None
    except Exception as e:  # reported, never hidden
        error(f"driver: {e}")
    finally:
        done.set()


def thread_cpu():
    """CPU seconds of each of the service's threads: {tid: (group by name, seconds)}, from /proc."""
    threads = {}
    if args.server_pid is None:
        return threads
    tick = os.sysconf("SC_CLK_TCK")
    for task in os.listdir(f"/proc/{args.server_pid}/task"):
        try:
            with open(f"/proc/{args.server_pid}/task/{task}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]  # comm: at most 15 characters
        fields = text[text.rindex(")") + 2:].split()
        group = "xenapi-events" if name.startswith("xenapi-events") else \
            "event loops" if name.startswith("vert.x-eventloo") else "other"
        threads[task] = (group, (int(fields[11]) + int(fields[12])) / tick)
    return threads


server_before = thread_cpu()
cpu_before = os.times()
wall_before = time.time()
threading.Thread(target=watch_events, daemon=True).start()
threading.Thread(target=drive, daemon=True).start()
loop(done.is_set)
cpu_after = os.times()
wall = time.time() - wall_before
client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
server_after = thread_cpu()
made = args.warmup + len(changes)
server_cpu = {}
for task, (group, seconds) in server_after.items():
    # a thread that ended meanwhile is not counted; one that started counts whole
    server_cpu[group] = server_cpu.get(group, 0.0) + seconds - server_before.get(task, (group, 0.0))[1]
server_cpu = {group: round(seconds * 1000 / made, 1) for group, seconds in server_cpu.items()} if made else {}


def percentiles(values):
    values = sorted(values)
    if not values:
        return None

    def at(p):
        return round(values[min(len(values) - 1, int(len(values) * p / 100))] * 1000, 1)

    return {"n": len(values), "p50": at(50), "p90": at(90), "p99": at(99), "max": round(values[-1] * 1000, 1)}


push, last, client, vminfo, event, after_event = [], [], [], [], [], []
missed = 0
for change in changes:
    if change.returned is None:
        continue
    for sock in sockets_ready:
        got = change.pushes.get(sock.index)
        if got is None:
            missed += 1
            continue
        push.append(got[0] - change.returned)
        client.append(got[1] - got[0])
        if change.event is not None:
            after_event.append(got[0] - change.event)
    if len(change.pushes) == len(sockets_ready):
        last.append(max(stamp for stamp, _ in change.pushes.values()) - change.returned)
    if change.vminfo is not None:
        vminfo.append(change.vminfo - change.returned)
    else:
        error("/vminfo never showed the new name")
    if change.event is not None:
        event.append(change.event - change.returned)
if missed:
    error("missed push", missed)

figures = {
    "vms": expected, "sockets": len(sockets_ready), "changes": len(changes),
    "push": percentiles(push), "push_last_socket": percentiles(last), "vminfo": percentiles(vminfo),
    "pool_event": percentiles(event), "push_after_pool_event": percentiles(after_event),
    "client_read_delay": percentiles(client),
    "client_cpu_share": round(client_cpu / wall, 2) if wall else None,
    "server_cpu_ms_per_change": server_cpu,
    "missed": missed, "errors": errors,
}


def show(name, p):
    return f"{name} " + (f"p50 {p['p50']} p90 {p['p90']} p99 {p['p99']} max {p['max']} ms (n {p['n']})" if p else "none")


print(f"push: {len(changes)} changes x {len(sockets_ready)} sockets, {expected} VMs")
print("push:   " + show("pushed, every socket", figures["push"]))
print("push:   " + show("pushed, last socket of a change", figures["push_last_socket"]))
print("push:   " + show("visible on POST /vminfo", figures["vminfo"]))
print("push:   " + show("pool's own event.from", figures["pool_event"]))
print("push:   " + show("pushed, from the pool's event.from answer (the service's share)",
                        figures["push_after_pool_event"]))
print("push:   " + show("client: kernel receive to read by this process", figures["client_read_delay"])
      + f"; client CPU {figures['client_cpu_share']} cores while changing")
if server_cpu:
    print("push:   service CPU per change (while changing, /vminfo polls included): "
          + ", ".join(f"{group} {ms} ms" for group, ms in sorted(server_cpu.items())))
print(f"push: {missed} missed pushes, errors {errors if errors else 'none'}")
if args.json:
    with open(args.json, "w") as out:
        json.dump(figures, out)
sys.exit(1 if errors else 0)
