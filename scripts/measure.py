#!/usr/bin/env python3
"""Times commands side by side on a shared, noisy machine.

    scripts/measure.py RUNS NAME=COMMAND [NAME=COMMAND ...]

Runs every COMMAND (a shell command line) RUNS times, the commands taking
turns so that drift touches them alike, and prints one line per command:

    NAME <median seconds> <peak resident memory, KiB> <status of the last run>

Peak memory is the command's own maximum resident set as GNU time reports it
(a process forked from this one would count Python's memory), its largest
over the runs. Wall-clock time includes starting `time` and `sh`, about a
millisecond, the same for every command. A command that fails is reported
with its status and not timed again.
"""
import statistics
import subprocess
import sys
import tempfile
import time


def run(command):
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        # `exec` makes the command the process `time` waits for.
        code = subprocess.call(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, "sh", "-c", f"exec {command}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - start
        lines = report.read().split()
    return elapsed, int(lines[-1]) if lines and lines[-1].isdigit() else 0, code


def main():
    runs = int(sys.argv[1])
    commands = [argument.split("=", 1) for argument in sys.argv[2:]]
    times = {name: [] for name, _ in commands}
    memory = {name: 0 for name, _ in commands}
    status = {name: 0 for name, _ in commands}
    for _ in range(runs):
        for name, command in commands:
            if status[name] != 0:
                continue
            elapsed, rss, code = run(command)
            times[name].append(elapsed)
            memory[name] = max(memory[name], rss)
            status[name] = code
    for name, _ in commands:
        print(name, f"{statistics.median(times[name]):.4f}", memory[name], status[name])


if __name__ == "__main__":
    main()
