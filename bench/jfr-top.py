#!/usr/bin/env python3
"""Top frames of a JFR recording's execution samples (JDK 17's `jfr` has no `view`).

usage: bench/jfr-top.py RECORDING.jfr [THREAD_PREFIX ...] [--top N]

Prints, over the samples of threads whose name starts with one of the prefixes (all threads without one):
the top self frames (where the CPU was) and the top inclusive frames (what was on the stack), as % of samples.
"""
import collections
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:]]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    recording, prefixes = args[0], args[1:]
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", recording],
                         check=True, capture_output=True, text=True).stdout
    selfs, inclusive, threads = collections.Counter(), collections.Counter(), collections.Counter()
    samples = 0
    thread, frames, in_stack = None, [], False
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("sampledThread = "):
            thread = line.split('"')[1] if '"' in line else line
        elif line.startswith("stackTrace = ["):
            in_stack, frames = True, []
        elif in_stack and line == "]":
            in_stack = False
        elif in_stack:
            if line != "...":
                frames.append(line.split(" line:")[0])
        elif line == "}" and thread is not None:
            if not prefixes or any(thread.startswith(p) for p in prefixes):
                samples += 1
                threads[thread.rstrip("0123456789")] += 1
                if frames:
                    selfs[frames[0]] += 1
                for frame in set(frames):
                    inclusive[frame] += 1
            thread, frames = None, []
    print(f"{samples} samples; threads: " + ", ".join(f"{t}* {n}" for t, n in threads.most_common(6)))
    print(f"\ntop {top} self frames")
    for frame, n in selfs.most_common(top):
        print(f"  {100.0 * n / max(samples, 1):5.1f}%  {frame}")
    print(f"\ntop {top} inclusive frames")
    for frame, n in inclusive.most_common(top):
        print(f"  {100.0 * n / max(samples, 1):5.1f}%  {frame}")


if __name__ == "__main__":
    main()
