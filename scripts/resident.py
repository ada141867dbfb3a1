#!/usr/bin/env python3
"""What a process's resident set is made of, at its largest.

    scripts/resident.py RUNS COMMAND [ARG ...]

Runs COMMAND RUNS times and, while it runs, reads /proc/PID/status as often as
it can: the resident set (VmRSS) splits into pages of files mapped in (RssFile:
the program's own code and data, libc; shared with every other process using
them, read back from the page cache) and anonymous memory (RssAnon: the heap,
the allocator's arenas, stacks; the process's own). Prints, in KiB, the largest
sample of each over all runs:

    resident <KiB> anonymous <KiB> files <KiB> samples <count>

Samples are taken about every 0.1 ms, so a peak shorter than that can be
missed: GNU time's maximum resident set (scripts/measure.py) is exact, this
split is a sampled lower bound of it.
"""
import subprocess
import sys


def fields(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile"):
                    values[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None
    return values if len(values) == 3 else None


def main():
    runs, command = int(sys.argv[1]), sys.argv[2:]
    largest = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
    samples = 0
    for _ in range(runs):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            values = fields(process.pid)
            if values:
                samples += 1
                for key in largest:
                    largest[key] = max(largest[key], values[key])
        if process.returncode != 0:
            sys.exit(f"{command[0]} exited with {process.returncode}")
    print(f"resident {largest['VmRSS']} anonymous {largest['RssAnon']} files {largest['RssFile']} samples {samples}")


if __name__ == "__main__":
    main()
