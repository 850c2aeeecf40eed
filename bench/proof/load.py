"""Load proof (issue #8): GenerateDataKey, Encrypt and Decrypt with SigV4 and the audit log on, at
64 connections, with wrk; req/s, p50/p99/p99.9, the server's peak RSS; then the same with a large
store (100,000 keys by default, created through the API on a second server, which is then
restarted: its start time is reported) on one key and spread over many keys, with the latency
growth against the one-key store. Both servers stay up and the runs are interleaved (1-key store,
large store on one key, large store spread), --repeat times, so that the noise of a shared machine
falls on all of them alike; the medians are compared.

usage: load.py [--duration 15s] [--repeat 3] [--connections 64] [--keys 100000] [--spread 10000] [--no-aws]
               [--max-growth 20] [--work DIR]
KMS_BIN names the server binary (default: a release build).
Exit status: 1 if any request failed (non-2xx or socket error) or, with --max-growth > 0, if p50 or
p99 grew by more than that many percent in the large store.
"""
import argparse
import json
import os
import random
import statistics
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


def run_one(label, server, client, keys, name, args, work):
    data = write_wrk_requests(client, scenario_requests(name, keys), f"{work}/{len(keys)}.txt")
    script = write_wrk_script(data, f"{work}/run.lua")
    r = run_wrk(server.endpoint + path_of(name), script, args.duration, args.connections)
    r["load"] = load_average()
    log(format_wrk(f"{name} [{label}]", r) + f"   (load {r['load']})")
    return r


def median_result(runs):
    """The median of each figure over repeated runs (and their sum of errors)."""
    out = {}
    for field in ("rps", "p50", "p75", "p90", "p99", "p999", "max", "mean"):
        out[field] = statistics.median(r[field] for r in runs)
    for field in ("requests", "non2xx", "socket_errors", "errors"):
        out[field] = sum(r[field] for r in runs)
    out["runs"] = runs
    return out


def growth(new, base):
    return (new - base) / base * 100.0 if base else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", default="15s", help="per wrk run (< 5 min)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario and store, interleaved; medians count")
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
    small = Server(binary, f"{work}/small", f"{work}/small.log")
    large = Server(binary, f"{work}/large", f"{work}/large.log")
    names = ["REST GenerateDataKey", "REST Encrypt 32 B", "REST Decrypt"] + (["AWS GenerateDataKey"] if args.aws else [])
    runs, failures, facts = {}, [], {}
    try:
        log(f"kms load: {args.connections} connections, {args.duration:.0f}s per run, {args.repeat} runs per scenario, "
            f"{os.cpu_count()} cores (wrk on the same machine), binary {binary}, load average {load_average()}")
        facts["start_fresh_s"] = small.start()
        credentials, region = small.credentials()
        small_client = Client(small.endpoint, credentials, region)
        created = small_client.create_key("bench")
        assert created.ok, created
        small_one = encrypt_for(small_client, [created.body["keyMetadata"]["keyId"]])
        stores = [("1-key store", small, small_client, small_one)]

        if args.keys > 0:
            large.start()
            credentials, region = large.credentials()
            large_client = Client(large.endpoint, credentials, region)
            log(f"-- seeding a second server with {args.keys} keys through the API (CreateKey, SigV4, wrk at {args.connections} connections)")
            have, seconds, made, _ = seed_keys(large, large_client, args.keys, work, connections=args.connections)
            facts.update(seed_keys=have, seed_s=seconds, seed_rate=made / seconds)
            log(f"seeded: {have} keys in the store, {made} created in {seconds:.1f} s ({made / seconds:.0f} keys/s)")
            rc = large.stop()
            facts["start_large_s"] = large.start()
            large_client.reset()
            facts["rss_after_start_large_kib"] = large.rss_kib()
            log(f"restart with {have} keys (stop rc {rc}): /v1/health answered after {facts['start_large_s']:.3f} s; "
                f"RSS {facts['rss_after_start_large_kib'] / 1024:.1f} MiB; load average {load_average()}")
            key_ids = large_client.list_key_ids()
            if len(key_ids) < args.keys:
                failures.append(f"ListKeys returned {len(key_ids)} keys, expected at least {args.keys}")
            spread_ids = random.sample(key_ids, min(args.spread, len(key_ids)))
            t = time.monotonic()
            spread = encrypt_for(large_client, spread_ids)
            log(f"{len(spread)} ciphertexts for the spread scenarios in {time.monotonic() - t:.1f} s")
            large_one = encrypt_for(large_client, spread_ids[:1])
            stores += [(f"{have}-key store, 1 key", large, large_client, large_one),
                       (f"{have}-key store, {len(spread)} keys", large, large_client, spread)]

        log("-- runs, interleaved: " + " / ".join(label for label, *_ in stores))
        for name in names:
            for rep in range(args.repeat):
                for label, server, client, keys in stores:
                    runs.setdefault((label, name), []).append(run_one(label, server, client, keys, name, args, work))
        results = {k: median_result(v) for k, v in runs.items()}
        facts["peak_rss_1key_kib"] = small.peak_rss_kib()
        log(f"-- medians of {args.repeat} runs")
        for (label, name), r in results.items():
            log(format_wrk(f"{name} [{label}]", r))
        log(f"server peak RSS (VmHWM), 1-key store: {facts['peak_rss_1key_kib'] / 1024:.1f} MiB")
        if args.keys > 0:
            facts["peak_rss_large_kib"] = large.peak_rss_kib()
            log(f"server peak RSS (VmHWM), {stores[1][0].split(',')[0]} (since its restart): {facts['peak_rss_large_kib'] / 1024:.1f} MiB")
            log("-- latency growth against the 1-key store (medians; p50 / p99 / p99.9)")
            for name in names:
                base = results[("1-key store", name)]
                for variant, *_ in stores[1:]:
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
        for server in (small, large):
            if not server.process:
                continue
            server.stop_and_verify(failures, f"audit verify ({os.path.basename(server.data_dir)})", timeout=300)
    finally:
        small.kill()
        large.kill()
        with open(f"{work}/results.json", "w") as f:
            json.dump({"facts": facts, "runs": {f"{k[1]} [{k[0]}]": v for k, v in runs.items()}, "failures": failures}, f, indent=1)
        if not args.work and not args.keep and not failures:
            import shutil
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    for f in failures:
        log(f"FAIL: {f}")
    log(f"load: {'FAILED' if failures else 'ok'} (load average {load_average()})")
    return {"ok": not failures, "failures": failures, "results": {k: median_result(v) for k, v in runs.items()}, "facts": facts}


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
