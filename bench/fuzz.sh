#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the parsers that read untrusted bytes:
# builds the fuzzers of the fuzz/ package and runs each for SECONDS (default 600)
# from its committed seed corpus. Prints per target the executions, exec/s,
# coverage (libFuzzer's cov and ft) and whether it crashed, then a closing line
# `fuzz: N passed, M failed` (a target passes when it ran to the end without a
# crash); exits 1 if any crashed.
#
#   bench/fuzz.sh [SECONDS] [TARGET...]      targets: envelope ciphertext-blob sigv4 wire-json
#
#   FUZZ_OUT=dir          where corpora, logs and crashing inputs go (bench/out/fuzz)
#   FUZZ_BUILD_JOBS=n     swift build -j (default: SwiftPM's, one per core)
#   FUZZ_PARALLEL=n       targets run at once (default 1)
#
# envelope is built with AddressSanitizer (its reader works on raw buffers);
# ciphertext-blob, sigv4 and wire-json need KeyService and so Hummingbird and NIO, built
# once more with coverage instrumentation, which takes several minutes the
# first time. A crashing input is kept as FUZZ_OUT/<target>/crash-*: copy it to
# fuzz/crashers/<target>/ and the suites replay it (FuzzCorpus).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope ciphertext-blob sigv4 wire-json)
out=${FUZZ_OUT:-bench/out/fuzz}
parallel=${FUZZ_PARALLEL:-1}
jobs=()
[ -z "${FUZZ_BUILD_JOBS:-}" ] || jobs=(-j "$FUZZ_BUILD_JOBS")

# Two build folders: one with AddressSanitizer, one without (SwiftPM passes
# -sanitize flags separately and swiftc keeps only the last, so ASan is asked for
# as one -sanitize=fuzzer,address; lld, because gold drops the coverage tables).
build() {
  local target=$1
  case $target in
    envelope)
      swift build -c release "${jobs[@]}" --package-path fuzz --scratch-path fuzz/.build-asan \
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product "fuzz-$target" ;;
    ciphertext-blob|sigv4|wire-json)
      # -enable-testing: the harnesses are files of the test targets (@testable import KeyService).
      swift build -c release "${jobs[@]}" --package-path fuzz --scratch-path fuzz/.build \
        --sanitize=fuzzer -Xswiftc -enable-testing --product "fuzz-$target" ;;
    *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
  esac
}

binary() {
  case $1 in
    envelope) echo fuzz/.build-asan/release/fuzz-$1 ;;
    *) echo fuzz/.build/release/fuzz-$1 ;;
  esac
}

max_len() {
  case $1 in
    envelope) echo 4096 ;;         # the seeds are under 1 KiB
    ciphertext-blob) echo 6400 ;;  # past CiphertextBlob.maximumSize (6144)
    sigv4) echo 4096 ;;
    wire-json) echo 4096 ;;
  esac
}

mkdir -p "$out"
for target in "${targets[@]}"; do
  start=$(date +%s)
  if ! build "$target" >"$out/build-$target.log" 2>&1; then
    tail -40 "$out/build-$target.log"
    echo "fuzz: building fuzz-$target failed (log: $out/build-$target.log)" >&2
    exit 2
  fi
  echo "fuzz: fuzz-$target built in $(( $(date +%s) - start )) s"
done

run() {
  local target=$1 dir="$out/$1"
  mkdir -p "$dir/corpus"
  rm -f "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir"/leak-*
  # SWIFT_BACKTRACE=enable=no: the Swift runtime's backtracer would otherwise take
  # the crash signal before libFuzzer's handler, and no crashing input is written.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:malloc_context_size=0} \
    "$(binary "$target")" "$dir/corpus" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/" -print_final_stats=1 >"$dir/log" 2>&1
}

pids=()
for target in "${targets[@]}"; do
  echo "fuzz: running fuzz-$target for $seconds s (log: $out/$target/log)"
  run "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$parallel" ]; then wait "${pids[0]}" || true; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

failed=0
passed=0
printf '%-16s %12s %9s %7s %8s %8s  %s\n' target execs exec/s cov ft corpus result
for target in "${targets[@]}"; do
  log="$out/$target/log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  artifacts=$(ls "$out/$target" | grep -E '^(crash|timeout|oom|leak)-' || true)
  if [ -n "$artifacts" ]; then
    result="CRASHED: $(grep -m1 -E 'ERROR: libFuzzer|fuzz harness:|Fatal error|ERROR: AddressSanitizer' "$log" || echo 'see log') ${artifacts//$'\n'/ }"
    failed=$((failed + 1))
  elif ! grep -q '^Done [0-9]* runs' "$log"; then
    result="FAILED: did not run to the end, see $log"
    failed=$((failed + 1))
  else
    result="no crash"
    passed=$((passed + 1))
  fi
  printf '%-16s %12s %9s %7s %8s %8s  %s\n' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}" "$result"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
