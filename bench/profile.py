"""Summarises `perf script` output (demangled) of the kms server, read from stdin.

Stacks break where an async function suspends, so each sample is charged to the
async job it ran in (the frame just above the runtime's job entry), or, outside
jobs, to the event-loop or thread work that ran it. Prints the shares of the
busiest jobs and of the busiest functions (self time)."""
import collections
import re
import sys

def name(frame):
    frame = re.sub(r"^\S+\s+", "", frame.strip())
    return re.sub(r"\+0x[0-9a-f]+.*$", "", frame)[:110]

jobs, functions = collections.Counter(), collections.Counter()
samples = 0

def charge(stack):
    global samples
    if not stack:
        return
    samples += 1
    functions[name(stack[0])] += 1
    for marker, label in (("runJobInEstablishedExecutorContext", "job"), ("runOneLoopTick", "event loop"),
                          ("_dispatch_call_block_and_release", "dispatch")):
        for i, frame in enumerate(stack):
            if marker in frame:
                jobs[f"{label}: {name(stack[i - 1]) if i else '(itself)'}"] += 1
                return
    jobs[f"other: {name(stack[-1])}"] += 1

stack = []
for line in sys.stdin:
    if not line.strip():
        charge(stack)
        stack = []
    elif line[0] in " \t":
        stack.append(line)
charge(stack)
if not samples:
    sys.exit("no samples")
for title, counter in (("busiest async jobs / loop work", jobs), ("busiest functions (self)", functions)):
    print(f"\n{title} ({samples} samples)")
    for key, count in counter.most_common(25):
        print(f"{100 * count / samples:6.2f}%  {key}")
