#!/usr/bin/env python3
"""The preamp as a desktop audio input and in pipes, with real tools.

A PulseAudio user daemon (Debian's pulseaudio, null sink) started here and stopped after: `preamp source` against
`preamp sim` makes a source named `preamp`; parec records 3 s from it; numpy checks the tone's level against what the
board's alignment predicts and its frequency; the source is gone when `preamp source` ends. Without a sound server,
`preamp source` fails with one line. `preamp capture --out - | sox -t wav - out.flac` gives a 5.00 s FLAC at the level of
a direct capture. Usage: desktop_audio_check.py --preamp "<command>" --workdir DIR
"""
import os
import shlex
import signal
import subprocess
import tempfile
import time

import numpy as np

from host_link_check import check, load_wav, parse_args, rms_db, start_sim

TONE_DBU, GAIN = -30, 20
# RMS of a sine at the converter, dBFS: full scale is a +14.68 dBu sine at the PGA2500 output, whose RMS is -3.01 dBFS.
EXPECTED_DBFS = TONE_DBU + GAIN - 14.68 - 3.0103


def sources(env):
    out = subprocess.run(["pactl", "list", "short", "sources"], env=env, capture_output=True, text=True, timeout=10)
    return [line.split("\t")[1] for line in out.stdout.splitlines() if "\t" in line]


def start_pulseaudio(workdir):
    env = dict(os.environ)
    env["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="pa-run-", dir=workdir)
    env["HOME"] = tempfile.mkdtemp(prefix="pa-home-", dir=workdir)
    env.pop("PULSE_SERVER", None)
    proc = subprocess.Popen(["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--load=module-native-protocol-unix",
                             "--load=module-null-sink sink_name=null", "--log-target=stderr"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        if subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=10).returncode == 0:
            return proc, env
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("FAILED: the PulseAudio daemon did not start")


def main():
    preamp, work = parse_args()

    sim, tcp, _ = start_sim(preamp, [])
    port = ["--port", "tcp://127.0.0.1:%d" % tcp]
    try:
        subprocess.run(preamp + port + ["scpi", "SIM:SOUR1 SINE,1000,%d" % TONE_DBU, "SIM:SOUR2 SINE,1000,%d" % TONE_DBU, "INP1:GAIN %d" % GAIN,
                                        "INP2:GAIN %d" % GAIN], check=True, timeout=30)

        # Without a sound server: one clear line, non-zero exit.
        env = dict(os.environ, XDG_RUNTIME_DIR=tempfile.mkdtemp(prefix="no-pa-", dir=work), PULSE_SERVER="unix:" + os.path.join(work, "none"))
        out = subprocess.run(preamp + port + ["source"], env=env, capture_output=True, text=True, timeout=60)
        said = (out.stdout + out.stderr).strip().splitlines()
        check(out.returncode != 0 and len(said) == 1 and "no PulseAudio or PipeWire sound server" in said[0],
              "without a sound server `preamp source` says so in one line: " + " | ".join(said))

        pa, env = start_pulseaudio(work)
        try:
            src = subprocess.Popen(preamp + port + ["source", "--name", "preamp"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            deadline = time.time() + 30
            while time.time() < deadline and "preamp" not in sources(env):
                time.sleep(0.2)
            check("preamp" in sources(env), "the sound server has a source named preamp while `preamp source` runs")
            raw = os.path.join(work, "source.raw")
            with open(raw, "wb") as f:
                rec = subprocess.Popen(["parec", "-d", "preamp", "--format=s32le", "--rate=48000", "--channels=2"], env=env, stdout=f)
                time.sleep(3.5)
                rec.send_signal(signal.SIGINT)
                rec.wait(10)
            x = np.fromfile(raw, dtype="<i4").reshape(-1, 2) / 2.0 ** 31
            check(len(x) >= 2.5 * 48000, "parecord got %.2f s from the source" % (len(x) / 48000.0))
            a = x[len(x) - 2 * 48000:, 0]   # the last 2 s: past whatever waited in the pipe when recording began
            level = rms_db(a)
            spectrum = np.abs(np.fft.rfft(a * np.hanning(len(a))))
            hz = np.fft.rfftfreq(len(a), 1 / 48000.0)[np.argmax(spectrum)]
            check(abs(level - EXPECTED_DBFS) <= 0.1, "the source carries the tone at %.3f dBFS RMS (the alignment predicts %.3f)" % (level, EXPECTED_DBFS))
            check(abs(hz - 1000) <= 1, "at %.2f Hz" % hz)
            src.send_signal(signal.SIGINT)
            said = src.communicate(timeout=30)[0]
            check(src.returncode == 0, "`preamp source` ends cleanly on Ctrl-C: " + said.strip().splitlines()[-1])
            check("preamp" not in sources(env), "and the source is gone")
        finally:
            pa.terminate()
            pa.wait(10)

        # A pipe: capture to standard output, sox reads it, and the level is a direct capture's.
        flac = os.path.join(work, "piped.flac")
        direct = os.path.join(work, "direct.wav")
        piped = subprocess.run(" ".join(shlex.quote(p) for p in preamp + port + ["capture", "--seconds", "5", "--out", "-", "--rate", "48000"])
                               + " | sox -t wav - " + shlex.quote(flac), shell=True, capture_output=True, text=True, timeout=120)
        check(piped.returncode == 0, "preamp capture --out - | sox -t wav - out.flac: " + piped.stderr.strip().splitlines()[-1])
        check("nothing lost" in piped.stderr, "the loss summary went to standard error")
        seconds = float(subprocess.run(["soxi", "-D", flac], capture_output=True, text=True, check=True).stdout)
        check(abs(seconds - 5.0) < 1e-6, "the FLAC lasts %.5f s" % seconds)
        subprocess.run(preamp + port + ["capture", "--seconds", "5", "--out", direct, "--rate", "48000"], check=True, capture_output=True, timeout=120)
        decoded = os.path.join(work, "piped.raw")
        subprocess.run(["sox", flac, "-t", "raw", "-e", "signed-integer", "-b", "32", "-L", decoded], check=True, timeout=60)
        p = np.fromfile(decoded, dtype="<i4").reshape(-1, 2) / 2.0 ** 31
        _, _, d = load_wav(direct)
        diff = rms_db(p[:, 0]) - rms_db(d[:, 0])
        check(abs(diff) <= 0.01, "the piped FLAC's level matches a direct capture's within %.4f dB" % diff)
        raw = subprocess.run(preamp + port + ["capture", "--seconds", "1", "--out", "-", "--format", "s24le", "--channels", "1"], capture_output=True, timeout=60)
        check(raw.returncode == 0 and len(raw.stdout) == 48000 * 3, "--format s24le writes 3 bytes per sample, nothing else (%d bytes)" % len(raw.stdout))
    finally:
        sim.terminate()
        sim.wait(10)
    print("all desktop audio checks passed")


if __name__ == "__main__":
    main()
