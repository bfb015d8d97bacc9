#!/usr/bin/env python3
"""End-to-end checks of auto gain, clip safe and gain compensation against a `preamp sim` process through a VISA
client (usage: auto_gain_check.py --preamp "<command>" --workdir DIR)."""
import os
import subprocess
import time

import numpy as np

from host_link_check import check, open_visa, load_wav, start_sim, parse_args


def main():
    preamp, workdir = parse_args()

    proc, tcp, _ = start_sim(preamp, [])
    try:
        inst = open_visa(tcp)
        q = lambda s: inst.query(s).strip()

        inst.write("SIMulation:SOURce1 SINE,1000,-50;:INPut1:GAIN 20;:INPut1:GAIN:AUTO:TIME 2;:INPut1:GAIN:AUTO")
        check(q("INPut1:GAIN:AUTO:STATus?") == "RUNNING", "auto gain runs")
        time.sleep(2.6)
        status = q("INPut1:GAIN:AUTO:STATus?")
        time.sleep(0.4)
        peak = float(q("MEASure:LEVel? 1").split(",")[0])
        check(status == "SUCCESS" and abs(peak + 12) <= 1, "a -50 dBu tone ends in %s with peaks at %.2f dBFS (gain %s)" % (status, peak, q("INP1:GAIN?")))

        inst.write("SIMulation:SOURce2 SINE,1000,-120;:INPut2:GAIN:AUTO:TIME 2;:INPut2:GAIN:AUTO")
        time.sleep(2.6)
        check(q("INPut2:GAIN:AUTO:STATus?") == "TOO_QUIET", "a -120 dBu tone ends in TOO_QUIET")

        inst.write("SIMulation:SOURce1 SINE,1000,-40;:INPut1:GAIN 45;:INPut1:CLIPsafe ON")
        time.sleep(0.5)
        inst.write("SIMulation:SOURce1 SINE,1000,-22")
        time.sleep(0.6)
        peak = float(q("MEASure:LEVel? 1").split(",")[0])
        lowered = int(q("INPut1:GAIN?"))
        check(peak <= -0.5 and lowered < 45, "0.6 s after a +18 dB jump the peak is %.2f dBFS at %d dB" % (peak, lowered))
        inst.write("SIMulation:SOURce1 SINE,1000,-40")
        time.sleep(1.5)
        check(int(q("INPut1:GAIN?")) == lowered, "and the lower gain stays when the source drops again")

        inst.write("INPut1:CLIPsafe OFF;:INPut1:GAIN 54;:SIMulation:SOURce1 SINE,1000,-39.52")   # peak -0.2 dBFS
        time.sleep(0.5)
        path = os.path.join(workdir, "compensated.wav")
        cap = subprocess.Popen(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "capture", "--seconds", "3", "--out", path, "--rate", "48000", "--channels", "1", "--compensate"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1.5)
        inst.write("INPut1:CLIPsafe ON")
        out, _ = cap.communicate(timeout=60)
        check(cap.returncode == 0 and "compensated" in out, "compensated capture across a clip-safe change: " + " | ".join(out.strip().splitlines()[-2:]))
        rate, width, x = load_wav(path)
        a = x[:, 0]
        w = rate // 100
        rms = np.array([10 * np.log10(np.mean(a[k * w:(k + 1) * w] ** 2)) for k in range(len(a) // w)])
        steps = np.abs(np.diff(rms[10:]))
        check(steps.max() <= 0.1, "the compensated file's tone RMS never steps more than %.3f dB" % steps.max())
    finally:
        proc.terminate()
        proc.wait(10)
    print("all auto gain checks passed")


if __name__ == "__main__":
    main()
