"""Crash-safety proof (issue #8): a mixed concurrent load (create keys, rotate, encrypt, generate
data keys) on a real server, SIGKILLed at a random moment, ROUNDS times. Every acknowledged (2xx
received) key, rotation and ciphertext is journaled. After each kill:

  - the crashed data directory's audit log verifies offline (`kms audit verify --data-dir`), with
    no gap, and holds a record for every acknowledged request (by x-request-id);
  - the server restarts; the time until /v1/health answers is measured (must be < --max-start);
  - every key created or rotated in the round exists (DescribeKey: Enabled) with at least the
    acknowledged number of rotations (ListKeyRotations), and every ciphertext acknowledged in the
    round decrypts to its plaintext.

At the end everything acknowledged in every round is checked again, the server is stopped (SIGTERM),
the audit chain is verified offline once more and both databases pass PRAGMA integrity_check.

usage: crash.py [ROUNDS (20)] [--workers 8] [--kill-after 0.2:3.0] [--max-start 1.0] [--work DIR]
KMS_BIN names the server binary (default: a release build). Exit status 1 on any failure.
"""
import argparse
import base64
import json
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Client, Server, TransportError, audit_request_ids, integrity_check, kms_binary, load_average, log,
                    make_work_dir, parallel)

MAX_ROTATIONS = 20  # the service allows 25 on-demand rotations per key
OPS = [("create", 12), ("rotate", 8), ("encrypt", 40), ("datakey", 40)]


class Journal:
    """What the server acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {}            # key id -> {"rotations": acknowledged, "attempts": sent, "round": created in}
        self.key_list = []
        self.ciphertexts = []     # {"key", "blob", "plaintext", "context", "round"}
        self.request_ids = []     # (request id, operation, round)

    def to_json(self):
        with self.lock:
            return {"keys": self.keys, "ciphertexts": self.ciphertexts, "request_ids": self.request_ids}


class RoundLoad:
    """Worker threads sending the mixed load until the kill."""

    def __init__(self, client, journal, round_no, workers, rng):
        self.client, self.journal, self.round, self.rng = client, journal, round_no, rng
        self.killed = threading.Event()
        self.failures = []
        self.acked = {name: 0 for name, _ in OPS}
        self.in_flight = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(workers)]
        self.serial = 0

    def start(self):
        for t in self.threads:
            t.start()

    def join(self, timeout=60):
        for t in self.threads:
            t.join(timeout)
            if t.is_alive():
                self.failures.append("a load worker did not finish after the kill")

    def choose(self, rng):
        names, weights = zip(*OPS)
        return rng.choices(names, weights)[0]

    def work(self, index):
        rng = random.Random(self.rng.random())
        j = self.journal
        while not self.killed.is_set():
            op = self.choose(rng)
            with j.lock:
                if not j.key_list:
                    op = "create"
                if op == "rotate":
                    candidates = [k for k in rng.sample(j.key_list, min(8, len(j.key_list)))
                                  if j.keys[k]["attempts"] < MAX_ROTATIONS]
                    if not candidates:
                        op = "encrypt"
                    else:
                        key = candidates[0]
                        j.keys[key]["attempts"] += 1
                if op in ("encrypt", "datakey"):
                    key = rng.choice(j.key_list)
                self.serial += 1
                serial = self.serial
            context = {"round": str(self.round), "n": str(serial)}
            plaintext = os.urandom(rng.randint(1, 64))
            with self.lock:
                self.in_flight += 1
            try:
                if op == "create":
                    r = self.client.create_key(f"crash round {self.round}")
                elif op == "rotate":
                    r = self.client.rotate(key)
                elif op == "encrypt":
                    r = self.client.encrypt(key, plaintext, context)
                else:
                    r = self.client.datakey(key, context)
            except TransportError as error:
                if not self.killed.is_set():
                    self.failures.append(f"{op}: no response before the kill: {error}")
                return
            finally:
                with self.lock:
                    self.in_flight -= 1
            if not r.ok:
                self.failures.append(f"{op}: answered {r}")
                continue
            with j.lock:
                j.request_ids.append((r.request_id, op, self.round))
                if op == "create":
                    key_id = r.body["keyMetadata"]["keyId"]
                    j.keys[key_id] = {"rotations": 0, "attempts": 0, "round": self.round}
                    j.key_list.append(key_id)
                elif op == "rotate":
                    j.keys[key]["rotations"] += 1
                    j.keys[key]["rotated_round"] = self.round
                elif op == "encrypt":
                    j.ciphertexts.append({"key": key, "blob": r.body["ciphertextBlob"],
                                          "plaintext": base64.b64encode(plaintext).decode(), "context": context,
                                          "round": self.round})
                else:
                    j.ciphertexts.append({"key": key, "blob": r.body["ciphertextBlob"], "plaintext": r.body["plaintext"],
                                          "context": context, "round": self.round})
            with self.lock:
                self.acked[op] += 1


def check_keys(client, journal, key_ids):
    failures = []

    def one(key_id):
        expected = journal.keys[key_id]["rotations"]
        try:
            described = client.describe_key(key_id)
            if not described.ok or described.body["keyMetadata"]["keyState"] != "Enabled":
                return f"key {key_id} (acknowledged): DescribeKey answered {described}"
            rotations = client.list_rotations(key_id)
            if not rotations.ok:
                return f"key {key_id}: ListKeyRotations answered {rotations}"
            have = len(rotations.body["rotations"])
            if have < expected:
                return f"key {key_id}: {have} rotations, {expected} were acknowledged"
        except TransportError as error:
            return f"key {key_id}: {error}"
        return None

    failures += [f for f in parallel(key_ids, one, threads=8) if f]
    return failures


def check_ciphertexts(client, items):
    def one(item):
        try:
            r = client.decrypt(item["blob"], item["context"])
        except TransportError as error:
            return f"ciphertext under {item['key']} (round {item['round']}): {error}"
        if not r.ok:
            return f"ciphertext under {item['key']} (round {item['round']}): Decrypt answered {r}"
        if r.body["plaintext"] != item["plaintext"] or not r.body["keyId"].endswith(item["key"]):
            return f"ciphertext under {item['key']} (round {item['round']}): decrypted to something else"
        return None

    return [f for f in parallel(items, one, threads=8) if f]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rounds", nargs="?", type=int, default=20)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--kill-after", default="0.2:3.0", help="seconds of load before the kill: MIN:MAX (uniform)")
    parser.add_argument("--max-start", type=float, default=1.0, help="seconds; 0: report only")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--work")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    low, high = (float(x) for x in args.kill_after.split(":"))
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    binary = kms_binary()
    work = args.work or make_work_dir("kms-crash-")
    os.makedirs(work, exist_ok=True)
    server = Server(binary, f"{work}/data", f"{work}/server.log")
    journal = Journal()
    failures, starts, rows = [], [], []
    log(f"kms crash: {args.rounds} rounds, {args.workers} workers, kill after {low}-{high} s of load, seed {seed}, "
        f"binary {binary}, load average {load_average()}")
    try:
        server.start()
        credentials, region = server.credentials()
        client = Client(server.endpoint, credentials, region)
        for round_no in range(1, args.rounds + 1):
            load = RoundLoad(client, journal, round_no, args.workers, rng)
            delay = rng.uniform(low, high)
            load.start()
            time.sleep(delay)
            in_flight = load.in_flight
            load.killed.set()
            server.kill()
            load.join()
            client.reset()
            round_failures = list(load.failures)

            # Offline, on the crashed directory: the audit chain, and a record for every acknowledged request.
            ok, output = server.audit_verify()
            if not ok:
                round_failures.append(f"audit verify after the kill: {output}")
            recorded = audit_request_ids(server.data_dir)
            this_round = [(rid, op) for rid, op, r in journal.request_ids if r == round_no]
            missing = [(rid, op) for rid, op in this_round if recorded.get(rid, (None,))[0] != "allowed"]
            if missing:
                round_failures.append(f"{len(missing)} acknowledged requests have no 'allowed' audit record, e.g. {missing[:3]}")

            try:
                start_s = server.start()
            except RuntimeError as error:
                failures += round_failures + [f"round {round_no}: restart failed: {error}"]
                break
            starts.append(start_s)
            if args.max_start and start_s >= args.max_start:
                round_failures.append(f"restart took {start_s:.3f} s (limit {args.max_start} s)")
            status, ready = server.get("/v1/ready")
            if status != 200:
                round_failures.append(f"/v1/ready after restart: {status} {ready}")

            keys = [k for k, v in journal.keys.items() if v["round"] == round_no or v.get("rotated_round") == round_no]
            items = [c for c in journal.ciphertexts if c["round"] == round_no]
            round_failures += check_keys(client, journal, keys)
            round_failures += check_ciphertexts(client, items)
            a = load.acked
            row = (f"round {round_no:>2}: killed after {delay:.2f} s with {in_flight} requests in flight; acknowledged "
                   f"{a['create']} creates, {a['rotate']} rotations, {a['encrypt']} encrypts, {a['datakey']} data keys; "
                   f"audit {'ok' if ok else 'BAD'} ({len(recorded)} records); restart {start_s * 1000:.0f} ms; "
                   f"checked {len(keys)} keys, {len(items)} ciphertexts: "
                   + ("ok" if not round_failures else f"{len(round_failures)} FAILURES"))
            rows.append(row)
            log(row)
            for f in round_failures[:10]:
                log(f"   FAIL: {f}")
            failures += [f"round {round_no}: {f}" for f in round_failures]

        if server.alive():
            log(f"final check: {len(journal.keys)} keys, {len(journal.ciphertexts)} ciphertexts from all rounds")
            failures += check_keys(client, journal, list(journal.keys))
            failures += check_ciphertexts(client, journal.ciphertexts)
            server.stop_and_verify(failures, "final audit verify")
            recorded = audit_request_ids(server.data_dir)
            missing = [rid for rid, _, _ in journal.request_ids if recorded.get(rid, (None,))[0] != "allowed"]
            if missing:
                failures.append(f"{len(missing)} acknowledged requests lack an audit record")
            for db in ("kms.db", "audit.db"):
                result = integrity_check(f"{server.data_dir}/{db}")
                if result != "ok":
                    failures.append(f"{db} integrity_check: {result}")
    finally:
        server.kill()
        with open(f"{work}/journal.json", "w") as f:
            json.dump(journal.to_json(), f)
        if not args.work and not args.keep and not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    totals = {name: 0 for name, _ in OPS}
    summary = {"rounds": len(starts), "starts": starts, "keys": len(journal.keys), "ciphertexts": len(journal.ciphertexts),
               "requests_acked": len(journal.request_ids), "failures": failures, "seed": seed}
    if starts:
        ordered = sorted(starts)
        log(f"totals: {len(starts)} rounds; {len(journal.keys)} keys "
            f"({sum(v['rotations'] for v in journal.keys.values())} rotations), {len(journal.ciphertexts)} ciphertexts, "
            f"{len(journal.request_ids)} acknowledged requests; restart to /v1/health: min {ordered[0] * 1000:.0f} ms, "
            f"median {ordered[len(ordered) // 2] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; load average {load_average()}")
    for f in failures[:50]:
        log(f"FAIL: {f}")
    log("crash: " + ("FAILED" if failures else "ok"))
    summary["ok"] = not failures
    return summary


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
