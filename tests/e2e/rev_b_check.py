#!/usr/bin/env python3
"""End-to-end checks of board rev B (PCM1863 over I2S, 24-bit at 48 kHz) with real clients, against `preamp sim`.

sox reads the WAV files `preamp capture` writes; numpy measures them; PyVISA drives the simulator.
Usage: rev_b_check.py --preamp "<command that runs the preamp tool>" --workdir DIR [--long-seconds 60]
Exits non-zero with a message on the first check that fails.
"""
import os
import re
import subprocess
import sys
import time

import numpy as np

from host_link_check import check, load_wav, open_visa, start_sim, parse_args

TONE_DBU = -30
GAIN = 20


def capture(preamp, port, path, seconds, extra=()):
    out = subprocess.run(preamp + ["--port", port, "capture", "--seconds", str(seconds), "--out", path, "--rate", "48000"] + list(extra),
                         capture_output=True, text=True, timeout=seconds * 3 + 60)
    return out.returncode, out.stdout + out.stderr


def sox_info(path):
    out = subprocess.run(["sox", "--i", path], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        sys.exit("FAILED: sox --i " + path + ": " + out.stderr)
    info = {}
    for line in out.stdout.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            info[key.strip()] = value.strip()
    return info


def tone_db(x, rate, hz):
    """Level of the tone at hz in x, dB re full scale RMS, from one DFT bin of a Hann-windowed stretch."""
    n = len(x)
    w = np.hanning(n)
    bin_value = np.sum(x * w * np.exp(-2j * np.pi * hz * np.arange(n) / rate))
    amplitude = 2 * np.abs(bin_value) / np.sum(w)
    return 20 * np.log10(amplitude / np.sqrt(2) + 1e-30)


def main():
    preamp, workdir = parse_args()
    long_seconds = int(os.environ.get("PREAMP_LONG_CAPTURE_SECONDS", "60"))

    proc, tcp, pty = start_sim(preamp, [])
    try:
        # A long capture over the pseudo-terminal, as a serial port: sox sees 48 kHz, 2 channels, 24 bits, full length.
        path = os.path.join(workdir, "long.wav")
        code, out = capture(preamp, pty, path, long_seconds)
        check(code == 0 and "nothing lost" in out, "%d s capture over %s: %s" % (long_seconds, pty, out.strip().splitlines()[-1] if out.strip() else ""))
        info = sox_info(path)
        duration = info.get("Duration", "")
        expected = "00:%02d:%05.2f = %d samples" % (long_seconds // 60, long_seconds % 60, long_seconds * 48000)
        check(info.get("Sample Rate") == "48000" and info.get("Channels") == "2" and info.get("Precision") == "24-bit" and duration.startswith(expected),
              "sox --i: %s Hz, %s channels, %s, %s" % (info.get("Sample Rate"), info.get("Channels"), info.get("Precision"), duration))

        # Flat from 20 Hz to 20 kHz: the same dBu reads the same level at every frequency.
        inst = open_visa(tcp)
        levels = {}
        for hz in (20, 1000, 10000, 20000):
            inst.write("SIMulation:SOURce1 SINE,%d,%d;:INPut1:GAIN %d" % (hz, TONE_DBU, GAIN))
            time.sleep(1.2)                                  # the converter's DC high-pass settles after a 20 Hz start
            path = os.path.join(workdir, "tone_%d.wav" % hz)
            code, out = capture(preamp, "tcp://127.0.0.1:%d" % tcp, path, 2, ["--channels", "1"])
            check(code == 0, "capture of a %d Hz tone: %s" % (hz, out.strip().splitlines()[-1]))
            rate, width, x = load_wav(path)
            levels[hz] = tone_db(x[48000:, 0], rate, hz)
        spread = max(levels.values()) - min(levels.values())
        check(spread <= 0.4 and all(abs(v - levels[1000]) <= 0.2 for v in levels.values()),
              "tones of %d dBu read %s dBFS: within ±0.2 dB of each other (spread %.3f dB)"
              % (TONE_DBU, ", ".join("%d Hz %.3f" % (k, v) for k, v in levels.items()), spread))

        # Alias rejection: a 30 kHz tone comes out at 48 − 30 = 18 kHz, far below a 1 kHz tone of the same level.
        inst.write("SIMulation:SOURce1 SINE,30000,%d" % TONE_DBU)
        time.sleep(0.5)
        path = os.path.join(workdir, "tone_30000.wav")
        code, out = capture(preamp, "tcp://127.0.0.1:%d" % tcp, path, 2, ["--channels", "1"])
        rate, width, x = load_wav(path)
        alias = tone_db(x[48000:, 0], rate, 18000)
        check(levels[1000] - alias >= 60, "a 30 kHz tone shows at 18 kHz %.1f dB below a 1 kHz tone of the same level" % (levels[1000] - alias))
        inst.close()
    finally:
        proc.terminate()
        proc.wait(10)

    # A sample loop too slow for 48 kHz (32 ms of processor time per 21.3 ms block): the simulated DMA drops buffers
    # without a word; the board counts them from its clock, the host fills exactly those frames, the file keeps its length.
    proc, tcp, pty = start_sim(preamp, ["--block-cost-us", "32000"])
    try:
        path = os.path.join(workdir, "slow.wav")
        code, out = capture(preamp, "tcp://127.0.0.1:%d" % tcp, path, 3)
        report = [l for l in out.splitlines() if l.startswith("lost audio: ")]
        check(len(report) == 1, "the slow board's capture reports its loss: " + (report[0] if report else out))
        check(code == 2, "and exits 2: the whole length, with frames standing in for lost ones (exit code %d)" % code)
        filled = int(report[0].split()[2])
        by_dma = int(re.search(r"(\d+) frames dropped by the converter's DMA", report[0]).group(1))
        inst = open_visa(tcp)
        dropped = int(inst.query("SIMulation:DMA:DROPped? 144000").strip().split(",")[0])   # within the file's 3 s
        inst.close()
        check(dropped > 0 and by_dma == dropped and filled == dropped,
              "the host filled %d frames, the board announced %d, the simulated DMA dropped %d" % (filled, by_dma, dropped))
        rate, width, x = load_wav(path)
        check(len(x) == 144000, "the 3 s file keeps its length (%d frames)" % len(x))
    finally:
        proc.terminate()
        proc.wait(10)
    print("all rev B checks passed")


if __name__ == "__main__":
    main()
