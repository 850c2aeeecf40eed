"""Full-disk proof (issue #8): the data directory on a small tmpfs. A filler file takes nearly all
of its space, then a mixed load (create keys, encrypt, generate data keys) runs until writes fail.
Checks, for each of --cycles fill/free cycles:

  - while the disk is full every failing request is a 503 (AuditUnavailable or DependencyTimeout),
    never a 500 or another status, the process stays up, and /v1/ready answers 503;
  - once space returns (cycle 1: the filler is deleted; cycle 2: the tmpfs is remounted bigger) the
    service recovers by itself, without a restart: the time until a signed request succeeds again
    is measured (must be < --max-recovery seconds), then a short load must succeed entirely;

and at the end, with the server stopped (SIGTERM): the audit chain verifies offline, both databases
pass PRAGMA integrity_check, every acknowledged request has an 'allowed' audit record and every request
answered 503 has a record, none as 'allowed'; after a restart every acknowledged key exists and every
acknowledged ciphertext decrypts to its plaintext.

Needs root (mount -t tmpfs). If mounting is refused the script stops with exit status 2 and says so.

usage: fulldisk.py [--size 24m] [--headroom 512k] [--cycles 2] [--hold 5] [--max-recovery 5] [--work DIR]
KMS_BIN names the server binary (default: a release build). Exit status 1 on any failure.
"""
import argparse
import base64
import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Client, Server, TransportError, audit_request_ids, integrity_check, kms_binary, load_average, log,
                    make_work_dir, parallel)

EXPECTED_503 = {"AuditUnavailable", "DependencyTimeout"}


class MountRefused(Exception):
    pass


def size_bytes(text):
    text = text.strip().lower()
    unit = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1], 1)
    return int(float(text.rstrip("kmg")) * unit)


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    completed = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "kms-proof-fulldisk", path],
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise MountRefused(
            f"cannot mount a {size}-byte tmpfs at {path} (uid {os.getuid()}): {completed.stderr.strip().rstrip('.') or completed.returncode}. "
            "The full-disk proof needs root, or CAP_SYS_ADMIN, to mount a small filesystem for the data directory.")


def remount(path, size):
    subprocess.run(["mount", "-o", f"remount,size={size}", path], check=True, capture_output=True, text=True)


def unmount(path):
    if os.path.ismount(path):
        if subprocess.run(["umount", path], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", path], capture_output=True)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill(path, leave):
    """Writes a filler file leaving about `leave` bytes free; returns its size."""
    target = max(0, free_bytes(os.path.dirname(path)) - leave)
    chunk = b"\0" * (1 << 20)
    written = 0
    with open(path, "ab") as f:
        try:
            while written < target:
                n = min(len(chunk), target - written)
                f.write(chunk[:n])
                written += n
            f.flush()
        except OSError:
            pass
    return written


class Journal:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = []
        self.ciphertexts = []
        self.acked_ids = []
        self.refused_ids = []   # request ids answered 503


class Load:
    """Mixed load from worker threads; classifies every answer."""

    def __init__(self, client, journal, workers, phase):
        self.client, self.journal, self.phase = client, journal, phase
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.codes = collections.Counter()
        self.failures = []
        self.first_503 = None
        self.last_ok = None
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(workers)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def work(self):
        rng = random.Random()
        j = self.journal
        while not self.stop.is_set():
            op = rng.choices(["create", "encrypt", "datakey"], [10, 45, 45])[0]
            with j.lock:
                key = rng.choice(j.keys)
            context = {"phase": self.phase, "n": str(rng.randrange(1 << 30))}
            plaintext = os.urandom(rng.randint(1, 64))
            try:
                if op == "create":
                    r = self.client.create_key("fulldisk")
                elif op == "encrypt":
                    r = self.client.encrypt(key, plaintext, context)
                else:
                    r = self.client.datakey(key, context)
            except TransportError as error:
                with self.lock:
                    self.failures.append(f"{op}: no response: {error}")
                    self.statuses["transport"] += 1
                time.sleep(0.1)
                continue
            with self.lock:
                self.statuses[r.status] += 1
                if r.status == 503:
                    self.codes[r.error_code()] += 1
                    if self.first_503 is None:
                        self.first_503 = time.monotonic()
                    if r.error_code() not in EXPECTED_503:
                        self.failures.append(f"{op}: 503 with code {r.error_code()}: {r}")
                elif not r.ok:
                    self.failures.append(f"{op}: answered {r}")
                else:
                    self.last_ok = time.monotonic()
            if r.ok:
                with j.lock:
                    j.acked_ids.append(r.request_id)
                    if op == "create":
                        j.keys.append(r.body["keyMetadata"]["keyId"])
                    elif op == "encrypt":
                        j.ciphertexts.append((key, r.body["ciphertextBlob"], base64.b64encode(plaintext).decode(), context))
                    else:
                        j.ciphertexts.append((key, r.body["ciphertextBlob"], r.body["plaintext"], context))
            elif r.status == 503:
                with j.lock:
                    if r.request_id:
                        j.refused_ids.append(r.request_id)
                time.sleep(0.01)


def verify_data(client, journal):
    failures = []

    def key(k):
        r = client.describe_key(k)
        return None if r.ok and r.body["keyMetadata"]["keyState"] == "Enabled" else f"key {k}: {r}"

    def blob(item):
        k, b, p, c = item
        r = client.decrypt(b, c)
        return None if r.ok and r.body["plaintext"] == p else f"ciphertext under {k}: {r}"

    failures += [f for f in parallel(journal.keys, key) if f]
    failures += [f for f in parallel(journal.ciphertexts, blob) if f]
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="24m", help="tmpfs size")
    parser.add_argument("--headroom", default="512k", help="space left free by the filler")
    parser.add_argument("--cycles", type=int, default=2, help="fill/free cycles (1: delete the filler; 2: also remount bigger)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--hold", type=float, default=5.0, help="seconds of load while the disk stays full")
    parser.add_argument("--fill-timeout", type=float, default=120.0)
    parser.add_argument("--max-recovery", type=float, default=5.0)
    parser.add_argument("--work")
    args = parser.parse_args(argv)
    binary = kms_binary()
    work = args.work or make_work_dir("kms-fulldisk-")
    os.makedirs(work, exist_ok=True)
    mnt = f"{work}/mnt"
    size = size_bytes(args.size)
    failures, facts = [], {"cycles": []}
    server = Server(binary, f"{mnt}/data", f"{work}/server.log")
    journal = Journal()
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    for s in previous:
        signal.signal(s, lambda *_: sys.exit(130))
    log(f"kms fulldisk: tmpfs of {args.size}, headroom {args.headroom}, {args.cycles} cycles, binary {binary}, "
        f"load average {load_average()}")
    try:
        mount_tmpfs(mnt, size)
        server.start()
        credentials, region = server.credentials()
        client = Client(server.endpoint, credentials, region)
        for _ in range(4):
            r = client.create_key("fulldisk")
            assert r.ok, r
            journal.keys.append(r.body["keyMetadata"]["keyId"])
            journal.acked_ids.append(r.request_id)
        log(f"data directory on {mnt}: {free_bytes(mnt) / 1048576:.1f} MiB free after start")
        for cycle in range(1, args.cycles + 1):
            c = {"cycle": cycle}
            filler = f"{mnt}/filler-{cycle}"
            c["filler_mib"] = fill(filler, size_bytes(args.headroom)) / 1048576
            log(f"cycle {cycle}: filler of {c['filler_mib']:.1f} MiB written, {free_bytes(mnt) / 1024:.0f} KiB free; load until writes fail")
            started = time.monotonic()
            with Load(client, journal, args.workers, f"fill-{cycle}") as load:
                while time.monotonic() - started < args.fill_timeout:
                    time.sleep(0.2)
                    if load.first_503 and time.monotonic() - load.first_503 >= 1.0:
                        break
                c["fill_s"] = time.monotonic() - started
                if load.first_503 is None:
                    failures.append(f"cycle {cycle}: no request failed within {args.fill_timeout} s: the disk did not fill")
                    break
                status, body = server.get("/v1/ready")
                c["ready_when_full"] = f"{status} {body}"
                if status != 503:
                    failures.append(f"cycle {cycle}: /v1/ready answered {status} {body} while the disk was full")
                time.sleep(args.hold)
                c["audit_healthy_metric_when_full"] = server.metric("kms_audit_healthy")
            c["statuses_full"] = dict(load.statuses)
            c["codes_503"] = dict(load.codes)
            failures += [f"cycle {cycle} (filling): {f}" for f in load.failures]
            if not server.alive():
                failures.append(f"cycle {cycle}: the server died while the disk was full: {server.log_tail()}")
                break
            log(f"cycle {cycle}: first failure after {load.first_503 - started:.1f} s; answers while filling and full: "
                f"{dict(load.statuses)}; 503 codes {dict(load.codes)}; /v1/ready: {c['ready_when_full']}; "
                f"{free_bytes(mnt) / 1024:.0f} KiB free")

            # Space returns; measure how long until a signed request succeeds again.
            if cycle % 2 == 1:
                os.remove(filler)
                how = "filler deleted"
            else:
                size *= 2
                remount(mnt, size)
                how = f"tmpfs remounted to {size >> 20} MiB"
            freed = time.monotonic()
            recovered, probes = None, collections.Counter()
            while time.monotonic() - freed < max(args.max_recovery * 4, 20):
                try:
                    r = client.encrypt(journal.keys[0], b"probe", {"phase": f"probe-{cycle}"})
                    probes[r.status] += 1
                    if r.ok:
                        recovered = time.monotonic() - freed
                        journal.acked_ids.append(r.request_id)
                        journal.ciphertexts.append((journal.keys[0], r.body["ciphertextBlob"], base64.b64encode(b"probe").decode(),
                                                    {"phase": f"probe-{cycle}"}))
                        break
                    if r.status != 503:
                        failures.append(f"cycle {cycle}: probe answered {r}")
                    elif r.request_id:
                        journal.refused_ids.append(r.request_id)
                except TransportError as error:
                    failures.append(f"cycle {cycle}: probe got no response: {error}")
                    probes["transport"] += 1
                time.sleep(0.05)
            c["recovery_s"] = recovered
            c["probes"] = dict(probes)
            if recovered is None:
                failures.append(f"cycle {cycle}: no recovery within {max(args.max_recovery * 4, 20)} s after {how}")
                log(f"cycle {cycle}: {how}; NO RECOVERY; probes {dict(probes)}; log: {server.log_tail()}")
                break
            if recovered >= args.max_recovery:
                failures.append(f"cycle {cycle}: recovery took {recovered:.2f} s (limit {args.max_recovery} s)")
            status, body = server.get("/v1/ready")
            c["ready_after"] = f"{status} {body}"
            if status != 200:
                failures.append(f"cycle {cycle}: /v1/ready answered {status} {body} after recovery")
            with Load(client, journal, args.workers, f"after-{cycle}") as after:
                time.sleep(3)
            c["statuses_after"] = dict(after.statuses)
            failures += [f"cycle {cycle} (after recovery): {f}" for f in after.failures]
            if set(after.statuses) - {200, 201}:
                failures.append(f"cycle {cycle}: answers after recovery were {dict(after.statuses)}")
            log(f"cycle {cycle}: {how}; the first signed request succeeded {recovered:.2f} s later (probes {dict(probes)}); "
                f"/v1/ready {c['ready_after']}; 3 s of load after: {dict(after.statuses)}")
            facts["cycles"].append(c)

        server.stop_and_verify(failures, "audit verify (stopped server)")
        for db in ("kms.db", "audit.db"):
            result = integrity_check(f"{server.data_dir}/{db}")
            log(f"{db}: integrity_check {result}")
            if result != "ok":
                failures.append(f"{db} integrity_check: {result}")
        recorded = audit_request_ids(server.data_dir)
        missing = [rid for rid in journal.acked_ids if recorded.get(rid, (None,))[0] != "allowed"]
        if missing:
            failures.append(f"{len(missing)} of {len(journal.acked_ids)} acknowledged requests have no 'allowed' audit record, e.g. {missing[:3]}")
        lying = [rid for rid in journal.refused_ids if recorded.get(rid, ("absent",))[0] == "allowed"]
        if lying:
            failures.append(f"{len(lying)} requests answered 503 are recorded as allowed, e.g. {lying[:3]}")
        refused_recorded = sum(1 for rid in journal.refused_ids if rid in recorded)
        facts["refused"] = len(journal.refused_ids)
        facts["refused_recorded"] = refused_recorded
        # Refusals are queued and written on recovery (at most 100,000; beyond that an AuditRecordsLost record counts them).
        if refused_recorded < len(journal.refused_ids) and len(journal.refused_ids) <= 100_000:
            failures.append(f"{len(journal.refused_ids) - refused_recorded} of {len(journal.refused_ids)} requests answered 503 have no audit record")
        log(f"audit: {len(recorded)} records; all {len(journal.acked_ids) - len(missing)} acknowledged requests recorded as allowed: "
            f"{not missing}; {len(journal.refused_ids)} requests answered 503, of which {refused_recorded} have a record (as errors)")

        server.start()
        client.reset()
        in_store = int(server.metric("kms_keys") or 0)
        data_failures = verify_data(client, journal)
        failures += data_failures
        log(f"after a restart: {len(journal.keys)} acknowledged keys and {len(journal.ciphertexts)} acknowledged "
            f"ciphertexts checked: {'ok' if not data_failures else f'{len(data_failures)} FAILURES'} "
            f"({in_store} keys in the store; {in_store - len(journal.keys)} created by requests that were answered 503)")
        rc = server.stop()
        ok, output = server.audit_verify()
        if not ok:
            failures.append(f"audit verify after the restart: {output}")
    except MountRefused as error:
        log(f"fulldisk: {error}")
        return {"ok": False, "mount_refused": True, "failures": [str(error)], "facts": facts}
    finally:
        server.kill()
        unmount(mnt)
        for s, handler in previous.items():
            signal.signal(s, handler)
        if not args.work and not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work} (server log: {server.log_path})")
    for f in failures[:50]:
        log(f"FAIL: {f}")
    log(f"fulldisk: {'FAILED' if failures else 'ok'} (load average {load_average()})")
    return {"ok": not failures, "failures": failures, "facts": facts}


if __name__ == "__main__":
    result = main()
    sys.exit(0 if result["ok"] else (2 if result.get("mount_refused") else 1))
