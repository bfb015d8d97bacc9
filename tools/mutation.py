#!/usr/bin/env python3
"""Mutation testing of firmware/ with Stryker.NET, one folder at a time, and the score of the whole.

Runs outside CI (two to three hours on 2 cores). Usage:
  tools/mutation.py run [FOLDER ...]    mutate each folder (default: all), reports under tests/mutation/reports/<folder>
  tools/mutation.py files PATH ...      mutate only these files (e.g. Control/FrontPanel.cs) again, in one run, after new tests
  tools/mutation.py score               the score per folder and in total, and the surviving mutants, from those reports
Needs dotnet-stryker 5.1.0: dotnet tool install -g dotnet-stryker --version 5.1.0
"""
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUTATION = os.path.join(ROOT, "tests", "mutation")
FOLDERS = ["Drivers", "Streaming", "Control", "Storage", "Health", "Scpi", "Host", "(root)"]
COUNTED = ("Killed", "Timeout", "Survived", "NoCoverage")


def run(folders):
    stryker = os.path.expanduser("~/.dotnet/tools/dotnet-stryker")
    for folder in folders:
        pattern = "**/Preamp.Firmware/*.cs" if folder == "(root)" else "**/Preamp.Firmware/" + folder + "/**/*.cs"
        out = os.path.join(MUTATION, "reports", folder.strip("()"))
        print("mutating", folder, flush=True)
        env = dict(os.environ, PREAMP_MODEL_SEQUENCES="10")   # the model-based test a quarter as long against each mutant
        subprocess.run([stryker, "--config-file", "stryker-config.json", "--mutate", pattern, "--output", out, "-r", "json", "-r", "html"],
                       cwd=MUTATION, check=True, stdout=subprocess.DEVNULL, env=env)


def files(paths):
    """Mutates some files again, in one run; its report replaces those files' part of their folders' reports in the score."""
    stryker = os.path.expanduser("~/.dotnet/tools/dotnet-stryker")
    env = dict(os.environ, PREAMP_MODEL_SEQUENCES="10")
    folders = sorted(set(p.split("/")[0] if "/" in p else "(root)" for p in paths))
    out = os.path.join(MUTATION, "reports", folders[0].strip("()") + "." + "+".join(os.path.basename(p).replace(".cs", "") for p in paths))
    args = [stryker, "--config-file", "stryker-config.json", "--output", out, "-r", "json", "-r", "html"]
    for path in paths:
        args += ["--mutate", "**/Preamp.Firmware/" + path]
    print("mutating", " ".join(paths), flush=True)
    subprocess.run(args, cwd=MUTATION, check=True, stdout=subprocess.DEVNULL, env=env)


def latest_per_file(folder):
    """Each file's mutants from the newest report that mutated it: the folder's run, or a later run of that file alone."""
    name = folder.strip("()")
    reports = glob.glob(os.path.join(MUTATION, "reports", "*", "**", "mutation-report.json"), recursive=True)
    chosen = {}
    for report_path in sorted(reports, key=os.path.getmtime):
        for path, f in json.load(open(report_path))["files"].items():
            inside = path.split("Preamp.Firmware/")[-1]
            mine = inside.split("/")[0] == name if "/" in inside else name == "root"
            if mine and any(m["status"] not in ("Ignored", "CompileError") for m in f["mutants"]):
                chosen[path] = f
    return chosen


def score():
    total = {s: 0 for s in COUNTED}
    survivors = []
    rows = []
    for folder in FOLDERS:
        chosen = latest_per_file(folder)
        if not chosen:
            rows.append((folder, None))
            continue
        counts = {s: 0 for s in COUNTED}
        for path, f in sorted(chosen.items()):
            for m in f["mutants"]:
                if m["status"] in counts:
                    counts[m["status"]] += 1
                if m["status"] in ("Survived", "NoCoverage"):
                    where = path.split("Preamp.Firmware/")[-1]
                    survivors.append("%s:%d %s %s -> %s" % (where, m["location"]["start"]["line"], m["status"], m["mutatorName"], m.get("replacement", "").replace("\n", " ")[:70]))
        rows.append((folder, counts))
        for s in COUNTED:
            total[s] += counts[s]
    print("| folder | killed | timeout | survived | no coverage | score |")
    print("|---|---|---|---|---|---|")
    for folder, c in rows + [("**firmware/**", total)]:
        if c is None:
            print("| %s | not run | | | | |" % folder)
            continue
        detected = c["Killed"] + c["Timeout"]
        valid = detected + c["Survived"] + c["NoCoverage"]
        print("| %s | %d | %d | %d | %d | %.1f %% |" % (folder, c["Killed"], c["Timeout"], c["Survived"], c["NoCoverage"], 100.0 * detected / valid if valid else 0))
    print()
    for s in survivors:
        print(s)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        run(sys.argv[2:] or FOLDERS)
    elif len(sys.argv) > 2 and sys.argv[1] == "files":
        files(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "score":
        score()
    else:
        sys.exit(__doc__)
