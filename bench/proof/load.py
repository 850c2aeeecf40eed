"""Load proof (issue #8): GenerateDataKey, Encrypt and Decrypt with SigV4 and the audit log on, at
64 connections, with wrk; req/s, p50/p99/p99.9, the server's peak RSS; then the same with a large
store (100,000 keys by default, created through the API) on one key and spread over many keys,
with the latency growth against the one-key store.

usage: load.py [--duration 30s] [--connections 64] [--keys 100000] [--spread 10000] [--no-aws]
               [--max-growth 20] [--work DIR]
KMS_BIN names the server binary (default: a release build).
Exit status: 1 if any request failed (non-2xx or socket error) or, with --max-growth > 0, if p50 or
p99 grew by more than that many percent in the large store.
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Client, Server, ensure_wrk, format_wrk, kms_binary, load_average, log, make_work_dir, parallel,
                    parse_duration, run_wrk, seed_keys, write_wrk_requests, write_wrk_script)

CONTEXT = {"project": "bench"}
PLAINTEXT_32 = "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQh"  # 32 bytes


def scenario_requests(name, keys):
    """[(method, path, payload, target)] for one scenario over `keys` ([(key_id, ciphertext)])."""
    if name == "REST GenerateDataKey":
        return [("POST", "/v1/datakey", {"keyId": k, "keySpec": "AES_256", "encryptionContext": CONTEXT}, None) for k, _ in keys]
    if name == "REST Encrypt 32 B":
        return [("POST", "/v1/encrypt", {"keyId": k, "plaintext": PLAINTEXT_32, "encryptionContext": CONTEXT}, None) for k, _ in keys]
    if name == "REST Decrypt":
        return [("POST", "/v1/decrypt", {"ciphertextBlob": c, "encryptionContext": CONTEXT}, None) for _, c in keys]
    if name == "AWS GenerateDataKey":
        return [("POST", "/", {"KeyId": k, "KeySpec": "AES_256", "EncryptionContext": CONTEXT}, "GenerateDataKey") for k, _ in keys]
    raise ValueError(name)


def path_of(name):
    return {"REST GenerateDataKey": "/v1/datakey", "REST Encrypt 32 B": "/v1/encrypt", "REST Decrypt": "/v1/decrypt",
            "AWS GenerateDataKey": "/"}[name]


def encrypt_for(client, key_ids):
    def one(key_id):
        for _ in range(3):
            try:
                r = client.encrypt(key_id, b"hello world hello world hello wo", CONTEXT)
                if r.ok:
                    return key_id, r.body["ciphertextBlob"]
            except Exception:
                pass
        raise RuntimeError(f"cannot encrypt under {key_id}")
    return parallel(key_ids, one, threads=8)


def run_scenarios(label, server, client, keys, names, args, work, results):
    for name in names:
        data = write_wrk_requests(client, scenario_requests(name, keys), f"{work}/{len(keys)}.txt")
        script = write_wrk_script(data, f"{work}/run.lua")
        r = run_wrk(server.endpoint + path_of(name), script, args.duration, args.connections)
        r["load"] = load_average()
        results[(label, name)] = r
        log(format_wrk(f"{name} [{label}]", r) + f"   (load {r['load']})")


def growth(new, base):
    return (new - base) / base * 100.0 if base else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", default="30s", help="per scenario (each wrk run, < 5 min)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--keys", type=int, default=100_000, help="size of the large store (0: skip)")
    parser.add_argument("--spread", type=int, default=10_000, help="keys the spread scenarios choose among")
    parser.add_argument("--aws", action=argparse.BooleanOptionalAction, default=True,
                        help="also GenerateDataKey through the AWS door (default: yes)")
    parser.add_argument("--max-growth", type=float, default=20.0, help="percent; 0 disables the check")
    parser.add_argument("--work", help="work directory (default: a new temporary one, removed unless --keep)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    args.duration = parse_duration(args.duration)
    ensure_wrk()
    binary = kms_binary()
    work = args.work or make_work_dir("kms-load-")
    os.makedirs(work, exist_ok=True)
    server = Server(binary, f"{work}/data", f"{work}/server.log")
    names = ["REST GenerateDataKey", "REST Encrypt 32 B", "REST Decrypt"] + (["AWS GenerateDataKey"] if args.aws else [])
    results, failures, facts = {}, [], {}
    try:
        log(f"kms load: {args.connections} connections, {args.duration:.0f}s per scenario, {os.cpu_count()} cores "
            f"(wrk on the same machine), binary {binary}, load average {load_average()}")
        facts["start_fresh_s"] = server.start()
        credentials, region = server.credentials()
        client = Client(server.endpoint, credentials, region)
        created = client.create_key("bench")
        assert created.ok, created
        bench_key = created.body["keyMetadata"]["keyId"]
        one = encrypt_for(client, [bench_key])

        log("-- store with 1 key")
        run_scenarios("1-key store", server, client, one, names, args, work, results)
        facts["peak_rss_1key_kib"] = server.peak_rss_kib()
        log(f"server peak RSS (VmHWM): {facts['peak_rss_1key_kib'] / 1024:.1f} MiB")

        if args.keys > 0:
            log(f"-- seeding {args.keys} keys through the API (CreateKey, SigV4, wrk at {args.connections} connections)")
            have, seconds, made, _ = seed_keys(server, client, args.keys, work, connections=args.connections)
            facts.update(seed_keys=have, seed_s=seconds, seed_rate=made / seconds)
            log(f"seeded: {have} keys in the store, {made} created in {seconds:.1f} s ({made / seconds:.0f} keys/s)")
            rc = server.stop()
            facts["start_large_s"] = server.start()
            client.reset()
            facts["rss_after_start_large_kib"] = server.rss_kib()
            log(f"restart with {have} keys (stop rc {rc}): /v1/health answered after {facts['start_large_s']:.3f} s; "
                f"RSS {facts['rss_after_start_large_kib'] / 1024:.1f} MiB")
            key_ids = client.list_key_ids()
            if len(key_ids) < args.keys:
                failures.append(f"ListKeys returned {len(key_ids)} keys, expected at least {args.keys}")
            spread_ids = random.sample(key_ids, min(args.spread, len(key_ids)))
            t = time.monotonic()
            spread = encrypt_for(client, spread_ids)
            log(f"{len(spread)} ciphertexts for the spread scenarios in {time.monotonic() - t:.1f} s")
            label = f"{have}-key store"
            log(f"-- {label}, one key")
            run_scenarios(f"{label}, 1 key", server, client, one, names, args, work, results)
            log(f"-- {label}, requests spread over {len(spread)} keys")
            run_scenarios(f"{label}, {len(spread)} keys", server, client, spread, names, args, work, results)
            facts["peak_rss_large_kib"] = server.peak_rss_kib()
            log(f"server peak RSS (VmHWM) since the restart: {facts['peak_rss_large_kib'] / 1024:.1f} MiB")

            log("-- latency growth against the 1-key store (p50 / p99 / p99.9)")
            for name in names:
                base = results[("1-key store", name)]
                for variant in (f"{label}, 1 key", f"{label}, {len(spread)} keys"):
                    r = results[(variant, name)]
                    g = {p: growth(r[p], base[p]) for p in ("p50", "p99", "p999")}
                    g["rps"] = growth(r["rps"], base["rps"])
                    log(f"{name:<22} [{variant}]: p50 {g['p50']:+6.1f}%  p99 {g['p99']:+6.1f}%  p99.9 {g['p999']:+6.1f}%  "
                        f"req/s {g['rps']:+6.1f}%")
                    if args.max_growth > 0:
                        for p in ("p50", "p99"):
                            if g[p] > args.max_growth:
                                failures.append(f"{name} [{variant}]: {p} grew {g[p]:.1f}% (> {args.max_growth}%)")
        for (label, name), r in results.items():
            if r["errors"]:
                failures.append(f"{name} [{label}]: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors")
        rc = server.stop()
        if rc != 0:
            failures.append(f"server exited {rc} on SIGTERM")
        ok, output = server.audit_verify()
        log(f"audit verify: {output}")
        if not ok:
            failures.append(f"audit verify failed: {output}")
    finally:
        server.kill()
        with open(f"{work}/results.json", "w") as f:
            json.dump({"facts": facts, "results": {f"{k[1]} [{k[0]}]": v for k, v in results.items()}, "failures": failures}, f, indent=1)
        if not args.work and not args.keep and not failures:
            import shutil
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    for f in failures:
        log(f"FAIL: {f}")
    log("load: " + ("FAILED" if failures else "ok"))
    return {"ok": not failures, "failures": failures, "results": results, "facts": facts}


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
