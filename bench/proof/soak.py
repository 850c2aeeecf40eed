"""Soak proof (issue #8): a mixed load (GenerateDataKey, Encrypt, Decrypt, DescribeKey through the
REST door and GenerateDataKey through the AWS door, over 16 keys) for DURATION, with wrk in chunks
of at most a minute, each signed just before it starts. The server's RSS (VmRSS) is sampled every
--sample seconds; the figure that counts is the growth from the end of the warm-up to the end.

The mix creates no keys: a store that grows legitimately takes memory, which is not what a soak
looks for (bench/load.py measures the cost of a large store).

usage: soak.py [DURATION (10m)] [--warmup 60s] [--connections 64] [--max-growth 10] [--work DIR]
KMS_BIN names the server binary (default: a release build). Exit status 1 if any request failed or,
with --max-growth > 0, if RSS grew by that many percent or more after the warm-up.
"""
import argparse
import os
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Client, Server, ensure_wrk, kms_binary, load_average, log, make_work_dir, parse_duration, run_wrk,
                    write_wrk_requests, write_wrk_script)

CONTEXT = {"project": "soak"}


def mix(keys):
    requests = []
    for key_id, blob in keys:
        requests += [("POST", "/v1/datakey", {"keyId": key_id, "keySpec": "AES_256", "encryptionContext": CONTEXT}, None)] * 3
        requests += [("POST", "/v1/encrypt", {"keyId": key_id, "plaintext": "c29hayBwbGFpbnRleHQ=", "encryptionContext": CONTEXT}, None)] * 3
        requests += [("POST", "/v1/decrypt", {"ciphertextBlob": blob, "encryptionContext": CONTEXT}, None)] * 3
        requests += [("GET", f"/v1/keys/{key_id}", None, None)]
        requests += [("POST", "/", {"KeyId": key_id, "KeySpec": "AES_256", "EncryptionContext": CONTEXT}, "GenerateDataKey")]
    return requests


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("duration", nargs="?", default="10m")
    parser.add_argument("--warmup", default="60s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--chunk", default="60s")
    parser.add_argument("--sample", type=float, default=5.0)
    parser.add_argument("--max-growth", type=float, default=10.0, help="percent; 0: report only")
    parser.add_argument("--work")
    args = parser.parse_args(argv)
    duration, warmup, chunk = parse_duration(args.duration), parse_duration(args.warmup), parse_duration(args.chunk)
    ensure_wrk()
    binary = kms_binary()
    work = args.work or make_work_dir("kms-soak-")
    os.makedirs(work, exist_ok=True)
    server = Server(binary, f"{work}/data", f"{work}/server.log")
    failures, samples, runs = [], [], []
    stop_sampling = threading.Event()
    log(f"kms soak: {duration:.0f} s of mixed load at {args.connections} connections, warm-up {warmup:.0f} s, "
        f"binary {binary}, load average {load_average()}")
    try:
        server.start()
        credentials, region = server.credentials()
        client = Client(server.endpoint, credentials, region)
        keys = []
        for i in range(16):
            created = client.create_key(f"soak {i}")
            assert created.ok, created
            key_id = created.body["keyMetadata"]["keyId"]
            sealed = client.encrypt(key_id, b"soak plaintext", CONTEXT)
            assert sealed.ok, sealed
            keys.append((key_id, sealed.body["ciphertextBlob"]))
        requests = mix(keys)
        started = time.monotonic()

        def sample():
            while not stop_sampling.is_set():
                try:
                    samples.append((time.monotonic() - started, server.rss_kib(), server.peak_rss_kib(), load_average()))
                except (OSError, TypeError):
                    return
                stop_sampling.wait(args.sample)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        next_report = 60.0
        while True:
            left = duration - (time.monotonic() - started)
            if left < 1:
                break
            seconds = min(chunk, left)
            data = write_wrk_requests(client, requests, f"{work}/soak.txt")
            script = write_wrk_script(data, f"{work}/soak.lua")
            r = run_wrk(server.endpoint, script, seconds, args.connections)
            runs.append(r)
            if r["errors"]:
                failures.append(f"chunk {len(runs)}: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors")
            if not server.alive():
                failures.append("the server died")
                break
            elapsed = time.monotonic() - started
            if elapsed >= next_report or left - seconds < 1:
                rss = samples[-1][1] if samples else 0
                log(f"  {elapsed:6.0f} s: {r['rps']:.0f} req/s in the last chunk, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, "
                    f"RSS {rss / 1024:.1f} MiB, load average {load_average()}")
                next_report = elapsed + 60
        stop_sampling.set()
        sampler.join()
        samples.append((time.monotonic() - started, server.rss_kib(), server.peak_rss_kib(), load_average()))
        total = sum(r["requests"] for r in runs)
        seconds = sum(r["seconds"] for r in runs)
        after = [s for s in samples if s[0] >= warmup]
        if not after:
            failures.append("the soak ended before the warm-up did")
            growth = None
        else:
            warm, end = after[0], samples[-1]
            growth = (end[1] - warm[1]) / warm[1] * 100
            peak_after = max(s[1] for s in after)
            log(f"requests: {total} in {seconds:.0f} s = {total / seconds:.0f} req/s; errors "
                f"{sum(r['errors'] for r in runs)}; p50 of chunks {min(r['p50'] for r in runs):.2f}-{max(r['p50'] for r in runs):.2f} ms, "
                f"p99 {min(r['p99'] for r in runs):.2f}-{max(r['p99'] for r in runs):.2f} ms")
            log(f"RSS: {samples[0][1] / 1024:.1f} MiB at start, {warm[1] / 1024:.1f} MiB after the warm-up ({warm[0]:.0f} s), "
                f"{end[1] / 1024:.1f} MiB at the end ({end[0]:.0f} s); highest after the warm-up {peak_after / 1024:.1f} MiB; "
                f"VmHWM {end[2] / 1024:.1f} MiB; growth after the warm-up {growth:+.1f}%")
            if args.max_growth and growth >= args.max_growth:
                failures.append(f"RSS grew {growth:.1f}% after the warm-up (limit {args.max_growth}%)")
        with open(f"{work}/rss.tsv", "w") as f:
            f.write("seconds\tvmrss_kib\tvmhwm_kib\tloadavg\n")
            for s in samples:
                f.write(f"{s[0]:.1f}\t{s[1]}\t{s[2]}\t{s[3]}\n")
        server.stop_and_verify(failures, timeout=300)
    finally:
        stop_sampling.set()
        server.kill()
        if not args.work and not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work}")
    for f in failures:
        log(f"FAIL: {f}")
    log(f"soak: {'FAILED' if failures else 'ok'} (load average {load_average()})")
    return {"ok": not failures, "failures": failures, "runs": runs, "samples": samples, "growth": growth if samples else None}


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
