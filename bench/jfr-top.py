#!/usr/bin/env python3
"""Top frames of a JFR recording's execution samples (JDK 17's `jfr` has no `view`).

usage: bench/jfr-top.py RECORDING.jfr [THREAD_PREFIX ...] [--top N] [--frame TEXT ...]

Prints, over the samples of threads whose name starts with one of the prefixes (all threads without one):
the top self frames (where the CPU was) and the top inclusive frames (what was on the stack), as % of samples;
then, for each --frame TEXT, the share of samples with a frame containing TEXT on the stack (e.g.
--frame AuthenticationFilter.filter: what authenticating took, callees included).

Inclusive shares are only as deep as the recorded stacks: JFR keeps the 64 frames nearest the leaf unless the JVM
ran with -XX:FlightRecorderOptions:stackdepth=N (profile.sh sets 512). A request's stack on the event loop is deeper
than 64, so with the default, frames near the bottom (the filters, the routing) are missing from many samples.
"""
import collections
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:]]
    top = 25
    wanted = []
    while "--top" in args or "--frame" in args:
        i = args.index("--top") if "--top" in args else args.index("--frame")
        if args[i] == "--top":
            top = int(args[i + 1])
        else:
            wanted.append(args[i + 1])
        del args[i:i + 2]
    recording, prefixes = args[0], args[1:]
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "1024", recording],
                         check=True, capture_output=True, text=True).stdout
    selfs, inclusive, threads = collections.Counter(), collections.Counter(), collections.Counter()
    containing = collections.Counter()
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
                for text in wanted:
                    if any(text in frame for frame in frames):
                        containing[text] += 1
            thread, frames = None, []
    print(f"{samples} samples; threads: " + ", ".join(f"{t}* {n}" for t, n in threads.most_common(6)))
    print(f"\ntop {top} self frames")
    for frame, n in selfs.most_common(top):
        print(f"  {100.0 * n / max(samples, 1):5.1f}%  {frame}")
    print(f"\ntop {top} inclusive frames")
    for frame, n in inclusive.most_common(top):
        print(f"  {100.0 * n / max(samples, 1):5.1f}%  {frame}")
    for text in wanted:
        print(f"\nsamples with a frame containing {text!r}: {100.0 * containing[text] / max(samples, 1):.1f}%")


if __name__ == "__main__":
    main()
