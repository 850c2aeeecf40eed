"""Shared machinery for the proofs of issue #8 (load, crash safety, full disk, soak).

- `Server`: starts a `kms server` on a free loopback port with its own data
  directory, measures the time until /v1/health answers, kills it (SIGKILL) or
  stops it (SIGTERM), reads its RSS from /proc.
- `Client`: SigV4-signed requests (botocore's SigV4Auth) over keep-alive
  connections, one per thread, every call bounded by a timeout.
- `write_wrk_requests` / `run_wrk`: pre-signed requests in a data file that a
  generic wrk Lua script loads and picks from at random; `done()` prints the
  summary (requests, errors, p50/p75/p90/p99/p99.9/max in microseconds) as one
  JSON line. Signatures are valid for the server's 5-minute clock skew, so every
  wrk run is signed just before it starts and must last less than that.

Only the standard library and the .venv's botocore are used.
"""
import base64
import configparser
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30


def log(*parts):
    print(*parts, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def parse_duration(text):
    """'30s', '10m', '1h', '45' (seconds) -> seconds (float)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s|m|h)?\s*", str(text))
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def kms_binary():
    """KMS_BIN if set, else a release build of the kms product (built once, as bench/bench.sh does)."""
    binary = os.environ.get("KMS_BIN")
    if binary:
        if not os.access(binary, os.X_OK):
            sys.exit(f"KMS_BIN={binary} is not an executable")
        return binary
    log("building: swift build -c release --product kms")
    subprocess.run(["swift", "build", "-c", "release", "--product", "kms"], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    return str(REPO / ".build/release/kms")


class Server:
    """One `kms server` process on a data directory; restartable on the same port."""

    def __init__(self, binary, data_dir, log_path, port=None, extra_args=(), log_level="warning"):
        self.binary = str(binary)
        self.data_dir = str(data_dir)
        self.log_path = str(log_path)
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.log_level = log_level
        self.process = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self, timeout=60):
        """Starts the server; returns the seconds from spawn until /v1/health answered 200."""
        assert self.process is None or self.process.poll() is not None, "already running"
        logfile = open(self.log_path, "ab")
        started = time.monotonic()
        self.process = subprocess.Popen(
            [self.binary, "server", "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data_dir,
             "--log-level", self.log_level, *self.extra_args],
            stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        logfile.close()
        url = self.endpoint + "/v1/health"
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"kms server exited with {self.process.returncode} at start; log: {self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.005)
        self.kill()
        raise RuntimeError(f"kms server did not answer /v1/health within {timeout}s; log: {self.log_tail()}")

    def kill(self):
        """SIGKILL, then reap."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout=60):
        """SIGTERM (graceful shutdown); returns the exit code. SIGKILL if it does not stop in time."""
        if not self.process or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"kms server did not stop within {timeout}s of SIGTERM (killed)")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def status_kib(self, field):
        """VmRSS / VmHWM (KiB) from /proc/PID/status."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return None

    def rss_kib(self):
        return self.status_kib("VmRSS")

    def peak_rss_kib(self):
        return self.status_kib("VmHWM")

    def credentials(self):
        return read_credentials(os.path.join(self.data_dir, "admin.credentials"))

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def get(self, path, timeout=5):
        """Unsigned GET (health, ready, metrics): (status, text)."""
        try:
            with urllib.request.urlopen(self.endpoint + path, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def metric(self, name, labels=None):
        status, text = self.get("/metrics")
        total = None
        for line in text.splitlines():
            if line.startswith("#") or not line.startswith(name):
                continue
            head, _, value = line.rpartition(" ")
            if head == name or (head.startswith(name + "{") and all(f'{k}="{v}"' in head for k, v in (labels or {}).items())):
                total = (total or 0) + float(value)
        return total

    def audit_verify(self):
        """`kms audit verify --data-dir DIR` (offline; the server must be stopped): (ok, output)."""
        completed = subprocess.run([self.binary, "audit", "verify", "--data-dir", self.data_dir],
                                   capture_output=True, text=True, timeout=600)
        return completed.returncode == 0, (completed.stdout + completed.stderr).strip()

    def stop_and_verify(self, failures, label="audit verify", timeout=60):
        """SIGTERM if it runs, then the offline audit verification; what went wrong goes to `failures`."""
        if self.alive():
            rc = self.stop(timeout=timeout)
            if rc != 0:
                failures.append(f"server exited {rc} on SIGTERM")
        ok, output = self.audit_verify()
        log(f"{label}: {output}")
        if not ok:
            failures.append(f"{label}: {output}")


def read_credentials(path):
    parser = configparser.ConfigParser()
    if not parser.read(path):
        raise RuntimeError(f"cannot read {path}")
    section = parser["default"]
    return Credentials(section["aws_access_key_id"], section["aws_secret_access_key"]), section.get("region", "us-east-1")


class TransportError(Exception):
    """The request got no complete response (connection refused, reset, timeout...)."""


class Response:
    __slots__ = ("status", "body", "request_id")

    def __init__(self, status, body, request_id):
        self.status, self.body, self.request_id = status, body, request_id

    @property
    def ok(self):
        return 200 <= self.status < 300

    def error_code(self):
        try:
            return self.body["error"]["code"]
        except (TypeError, KeyError):
            return self.body.get("__type") if isinstance(self.body, dict) else None

    def __repr__(self):
        return f"<{self.status} {self.request_id} {json.dumps(self.body)[:300]}>"


class Client:
    """Signed calls to the REST API (and the AWS door); one keep-alive connection per thread."""

    def __init__(self, endpoint, credentials, region, timeout=TIMEOUT):
        self.endpoint = endpoint.rstrip("/")
        self.host, port = self.endpoint.split("//", 1)[1].split(":")
        self.port = int(port)
        self.credentials, self.region, self.timeout = credentials, region, timeout
        self.local = threading.local()
        self.generation = 0

    def reset(self):
        """Every thread opens a new connection on its next call (after a server restart)."""
        self.generation += 1

    def _connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is not None and self.local.generation != self.generation:
            connection.close()
            connection = None
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.local.connection = connection
            self.local.generation = self.generation
        return connection

    def close(self):
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            connection.close()
            self.local.connection = None

    def sign(self, method, path, body=b"", headers=None):
        request = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=dict(headers or {}))
        SigV4Auth(self.credentials, "kms", self.region).add_auth(request)
        return request

    def call(self, method, path, payload=None, target=None):
        """One signed request; returns a Response, raises TransportError if none came back whole."""
        if target:
            body = json.dumps(payload or {}).encode()
            headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TrentService.{target}"}
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json"}
        else:
            body, headers = b"", {}
        request = self.sign(method, path, body, headers)
        connection = self._connection()
        try:
            connection.request(method, path, body=body or None, headers=dict(request.headers.items()))
            response = connection.getresponse()
            raw = response.read()
            request_id = response.getheader("x-request-id")
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise TransportError(f"{type(error).__name__}: {error}") from error
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:200].decode(errors="replace")}
        return Response(response.status, parsed, request_id)

    # Operations used by the proofs (REST door).
    def create_key(self, description="proof"):
        return self.call("POST", "/v1/keys", {"description": description})

    def describe_key(self, key_id):
        return self.call("GET", f"/v1/keys/{key_id}")

    def rotate(self, key_id):
        return self.call("POST", f"/v1/keys/{key_id}/rotations", {})

    def list_rotations(self, key_id):
        return self.call("GET", f"/v1/keys/{key_id}/rotations?limit=1000")

    def encrypt(self, key_id, plaintext, context):
        return self.call("POST", "/v1/encrypt", {"keyId": key_id, "plaintext": b64(plaintext), "encryptionContext": context})

    def decrypt(self, blob, context):
        return self.call("POST", "/v1/decrypt", {"ciphertextBlob": blob, "encryptionContext": context})

    def datakey(self, key_id, context):
        return self.call("POST", "/v1/datakey", {"keyId": key_id, "keySpec": "AES_256", "encryptionContext": context})

    def random(self, count=16):
        return self.call("POST", "/v1/random", {"numberOfBytes": count})

    def list_key_ids(self):
        ids, marker = [], None
        while True:
            path = "/v1/keys?limit=1000" + (f"&marker={urllib.parse.quote(marker, safe='')}" if marker else "")
            response = self.call("GET", path)
            if not response.ok:
                raise RuntimeError(f"ListKeys failed: {response}")
            ids += [k["keyId"] for k in response.body["keys"]]
            marker = response.body.get("nextMarker")
            if not marker:
                return ids


def b64(data):
    return base64.b64encode(data).decode()


def parallel(items, function, threads=8):
    """Runs function(item) over items with a thread pool; returns the results in order."""
    items = list(items)
    results = [None] * len(items)
    index = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            results[i] = function(items[i])

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


# ---------------------------------------------------------------------------------------------
# wrk with pre-signed requests

WRK_LUA = r"""
-- Generated by bench/proof/common.py: picks a pre-signed request at random from a data file
-- (one request per line: method, path, body, then header name/value pairs, tab-separated).
local data_file = %(data)s
local stop_after = %(stop_after)d   -- per thread: stop after this many 2xx responses (0: never)
local requests = {}
local ok_count = 0

local function split(s)
  local out, start = {}, 1
  while true do
    local i = string.find(s, "\t", start, true)
    if not i then out[#out + 1] = string.sub(s, start); return out end
    out[#out + 1] = string.sub(s, start, i - 1)
    start = i + 1
  end
end

function init(args)
  for line in io.lines(data_file) do
    local f = split(line)
    local headers = {}
    for i = 4, #f - 1, 2 do headers[f[i]] = f[i + 1] end
    local body = f[3]
    if body == "" then body = nil end
    requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
  end
  if #requests == 0 then error("no requests in " .. data_file) end
  math.randomseed(math.floor(os.clock() * 1000000) + os.time() + #tostring({}))
end

function request()
  return requests[math.random(#requests)]
end

if stop_after > 0 then
  function response(status, headers, body)
    if status >= 200 and status < 300 then ok_count = ok_count + 1 end
    if ok_count >= stop_after then wrk.thread:stop() end
  end
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    'PROOF {"requests":%%d,"duration_us":%%d,"bytes":%%d,"errors_status":%%d,"errors_connect":%%d,' ..
    '"errors_read":%%d,"errors_write":%%d,"errors_timeout":%%d,"p50":%%d,"p75":%%d,"p90":%%d,"p99":%%d,' ..
    '"p999":%%d,"max":%%d,"mean":%%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


def write_wrk_requests(client, requests, path):
    """Signs each (method, path, payload, target) now and writes wrk's data file; returns path."""
    with open(path, "w") as f:
        for method, request_path, payload, target in requests:
            if target:
                body = json.dumps(payload)
                headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TrentService.{target}"}
            elif payload is not None:
                body = json.dumps(payload)
                headers = {"Content-Type": "application/json"}
            else:
                body, headers = "", {}
            signed = client.sign(method, request_path, body.encode(), headers)
            fields = [method, request_path, body]
            for name, value in signed.headers.items():
                fields += [name, value]
            assert all("\t" not in x and "\n" not in x for x in fields)
            f.write("\t".join(fields) + "\n")
    return path


def write_wrk_script(data_path, script_path, stop_after=0):
    with open(script_path, "w") as f:
        f.write(WRK_LUA % {"data": json.dumps(str(data_path)), "stop_after": stop_after})
    return script_path


def run_wrk(url, script, duration_s, connections=64, threads=2, timeout="10s"):
    """Runs wrk; returns a dict: rps, requests, errors (non-2xx + socket errors), p50..p999 in ms."""
    assert duration_s < 290, "pre-signed requests expire after 5 minutes: keep each wrk run shorter"
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(round(duration_s))}s", f"--timeout={timeout}",
               "--latency", "-s", str(script), url]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 120)
    out = completed.stdout
    line = next((l for l in out.splitlines() if l.startswith("PROOF ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {out}\n{completed.stderr}")
    summary = json.loads(line[len("PROOF "):])
    seconds = summary["duration_us"] / 1e6
    result = {
        "rps": summary["requests"] / seconds if seconds else 0.0,
        "requests": summary["requests"],
        "seconds": seconds,
        "non2xx": summary["errors_status"],
        "socket_errors": summary["errors_connect"] + summary["errors_read"] + summary["errors_write"] + summary["errors_timeout"],
        "timeouts": summary["errors_timeout"],
    }
    for name in ("p50", "p75", "p90", "p99", "p999", "max", "mean"):
        result[name] = summary[name] / 1000.0  # ms
    result["errors"] = result["non2xx"] + result["socket_errors"]
    return result


def format_wrk(name, r):
    return (f"{name:<40} {r['rps']:>9.0f} req/s  p50 {r['p50']:>7.2f} ms  p99 {r['p99']:>7.2f} ms  "
            f"p99.9 {r['p999']:>7.2f} ms  max {r['max']:>7.1f} ms  errors {r['errors']}")


def ensure_wrk():
    if subprocess.run(["sh", "-c", "command -v wrk"], capture_output=True).returncode != 0:
        raise RuntimeError("wrk is not installed (scripts/setup.sh installs it; or apt-get install wrk)")


# ---------------------------------------------------------------------------------------------
# Offline checks of a stopped server's data directory

def audit_request_ids(data_dir):
    """request_id -> (outcome, error_code) for every record in the audit database (read-only)."""
    db = sqlite3.connect(f"file:{data_dir}/audit.db?mode=ro", uri=True, timeout=30)
    try:
        return {row[0]: (row[1], row[2]) for row in db.execute("SELECT request_id, outcome, error_code FROM records")}
    finally:
        db.close()


def integrity_check(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def make_work_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def seed_keys(server, client, target, work, connections=64, threads=2, chunk_s=240):
    """Creates keys through the API (CreateKey, pre-signed, with wrk at `connections`) until the store
    holds at least `target`; each wrk run is signed just before it starts and lasts under 5 minutes.
    Returns (keys in the store, seconds, created, non-2xx)."""
    started = time.monotonic()
    before = int(server.metric("kms_keys") or 0)
    non2xx = 0
    last_report = started
    while True:
        have = int(server.metric("kms_keys") or 0)
        remaining = target - have
        if remaining <= 0:
            break
        data = write_wrk_requests(client, [("POST", "/v1/keys", {"description": "seed"}, None)], f"{work}/seed.txt")
        script = write_wrk_script(data, f"{work}/seed.lua", stop_after=-(-remaining // threads))
        process = subprocess.Popen(
            ["wrk", f"-t{threads}", f"-c{min(connections, remaining)}", f"-d{chunk_s}s", "--timeout=30s", "-s", script,
             server.endpoint + "/v1/keys"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        chunk_started = time.monotonic()
        while process.poll() is None:
            time.sleep(0.5)
            now = time.monotonic()
            have = int(server.metric("kms_keys") or 0)
            if now - last_report >= 10:
                log(f"  seeding: {have} keys, {(have - before) / (now - started):.0f} keys/s")
                last_report = now
            if have >= target or now - chunk_started > chunk_s + 30:
                process.send_signal(signal.SIGINT)
                break
        out, _ = process.communicate(timeout=120)
        line = next((l for l in out.splitlines() if l.startswith("PROOF ")), None)
        if line is None:
            raise RuntimeError(f"wrk (seeding) failed: {out}")
        summary = json.loads(line[len("PROOF "):])
        non2xx += summary["errors_status"]
        if summary["errors_status"]:
            raise RuntimeError(f"seeding: {summary['errors_status']} CreateKey requests were refused; server log: {server.log_tail()}")
    have = int(server.metric("kms_keys") or 0)
    return have, time.monotonic() - started, have - before, non2xx
