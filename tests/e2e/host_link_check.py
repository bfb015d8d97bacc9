#!/usr/bin/env python3
"""End-to-end checks of the host link with real clients, against `preamp sim` processes.

PyVISA (pyvisa-py) over the TCP socket, pyserial over the pseudo-terminal, and numpy on the WAV files that
`preamp capture` writes. Usage: host_link_check.py --preamp "<command that runs the preamp tool>" --workdir DIR
Exits non-zero with a message on the first check that fails.
"""
import argparse
import os
import shlex
import subprocess
import sys
import time
import wave

import numpy as np
import pyvisa
import serial


def start_sim(preamp, extra):
    proc = subprocess.Popen(preamp + ["sim", "--tcp", "0", "--pty", "--seconds", "300"] + extra,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tcp = pty = None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("tcp "):
            tcp = int(line.split(":")[-1])
        elif line.startswith("pty "):
            pty = line.split(" ", 1)[1].strip()
        elif line.startswith("ready"):
            return proc, tcp, pty
    proc.kill()
    sys.exit("simulator did not start")


def open_visa(tcp):
    """A PyVISA (pyvisa-py) session on the simulator's SCPI socket, LF-terminated."""
    return pyvisa.ResourceManager("@py").open_resource("TCPIP::127.0.0.1::%d::SOCKET" % tcp, read_termination="\n",
                                                       write_termination="\n", timeout=10000)


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)
    print("ok   " + message)


def load_wav(path):
    with wave.open(path) as w:
        rate, width, channels, n = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()
        raw = np.frombuffer(w.readframes(n), dtype=np.uint8).reshape(-1, 3).astype(np.int32)
    v = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
    v = np.where(v >= 1 << 23, v - (1 << 24), v).reshape(-1, channels)
    return rate, width, v / float(1 << 23)


def rms_db(x):
    return 20 * np.log10(np.sqrt(np.mean(x * x)))


def parse_args():
    """The arguments every check takes: the command that runs `preamp` (split into words) and a scratch folder."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--preamp", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    return shlex.split(args.preamp), args.workdir


def main():
    preamp, workdir = parse_args()

    proc, tcp, pty = start_sim(preamp, [])
    try:
        inst = open_visa(tcp)
        idn = inst.query("*IDN?").strip()
        check(len(idn.split(",")) == 4 and idn.startswith("PreampFirmware"), "PyVISA *IDN? has four fields: " + idn)
        check(inst.query("*OPC?").strip() == "1", "PyVISA *OPC? answers 1")
        inst.write("BOGus:HEADer 1")
        err = inst.query("SYSTem:ERRor?").strip()
        check(err.startswith("-113,"), "undefined header queues -113: " + err)
        check(inst.query("SYST:ERR?").strip() == '0,"No error"', "the queue then empties to 0,\"No error\"")

        with serial.Serial(pty, 4000000, timeout=3) as port:
            port.write(b"*IDN?\n")
            answer = port.readline().decode().strip()
        check(answer == idn, "pyserial over " + pty + " gets *IDN? answered")

        inst.write("SIMulation:SOURce1 SINE,1000,-40")
        files = {}
        for gain in (30, 40):
            inst.write("INPut1:GAIN %d" % gain)
            time.sleep(0.4)
            path = os.path.join(workdir, "tone_%d.wav" % gain)
            out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "capture", "--seconds", "2", "--out", path, "--rate", "48000", "--channels", "1"],
                                 capture_output=True, text=True, timeout=60)
            check(out.returncode == 0, "capture at %d dB: %s" % (gain, out.stdout.strip().splitlines()[-1] if out.stdout else out.stderr))
            level = inst.query("MEASure:LEVel? 1").strip().split(",")
            files[gain] = (path, float(level[1]))
        rms = {}
        for gain, (path, meter_rms) in files.items():
            rate, width, x = load_wav(path)
            check(rate == 48000 and width == 3 and len(x) == 96000, "%s is 24-bit, 48000 S/s, 2.000 s" % os.path.basename(path))
            a = x[:, 0]
            spectrum = np.abs(np.fft.rfft(a * np.hanning(len(a))))
            peak_hz = np.fft.rfftfreq(len(a), 1.0 / rate)[np.argmax(spectrum)]
            check(abs(peak_hz - 1000) < 1, "tone at %.2f Hz" % peak_hz)
            rms[gain] = rms_db(a)
            check(abs(meter_rms - rms[gain]) <= 0.3, "MEASure:LEVel? RMS %.2f dBFS agrees with the file's %.2f dBFS" % (meter_rms, rms[gain]))
        diff = rms[40] - rms[30]
        check(abs(diff - 10.0) <= 0.05, "RMS differs by %.3f dB between 30 and 40 dB gain" % diff)
    finally:
        proc.terminate()
        proc.wait(10)

    proc, tcp, pty = start_sim(preamp, ["--link-errors", "1e-5"])
    try:
        subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "scpi", "SIM:SOUR1 SINE,1000,-30", "INP1:GAIN 20"], check=True, timeout=30)
        path = os.path.join(workdir, "damaged.wav")
        out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "capture", "--seconds", "3", "--out", path, "--rate", "48000"],
                             capture_output=True, text=True, timeout=60)
        report = [l for l in out.stdout.splitlines() if l.startswith("lost audio: ")]
        check(len(report) == 1, "capture over a damaged link reports: " + (report[0] if report else out.stdout + out.stderr))
        lost = int(report[0].split()[2])
        check(lost > 0 and "blocks (" in report[0], "the damaged link lost %d sample frames and said so" % lost)
        rate, width, x = load_wav(path)
        check(len(x) == 144000 and x.shape[1] == 2, "the 3 s capture kept its length (%d frames)" % len(x))
    finally:
        proc.terminate()
        proc.wait(10)
    print("all host link checks passed")


if __name__ == "__main__":
    main()
