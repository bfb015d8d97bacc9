#!/usr/bin/env python3
"""End-to-end checks of calibration against `preamp sim --errors 7 --flash FILE` processes, through a VISA client
and the preamp tool (usage: calibration_check.py --preamp "<command>" --workdir DIR)."""
import json
import os
import subprocess
import time


from host_link_check import check, open_visa, start_sim, parse_args

GAINS = [0, 10, 20, 30, 40, 50, 60, 65]


def readings(inst, ref, count=5):
    """dBu reading - reference per (channel, gain), with the pad in where the reference would overload the gain: the mean
    of count readings."""
    errors = {}
    for ch in (1, 2):
        for g in GAINS:
            pad = "ON" if ref + g > 14.68 - 6 else "OFF"   # a full-scale sine is +14.68 dBu: the wizard keeps peaks under -6 dBFS
            inst.write("INPut%d:GAIN %d;PAD %s" % (ch, g, pad))
            time.sleep(0.5)
            # As the wizard checks: the board's meter reads a steady tone to a few hundredths of a dB from where its
            # spot samples fell, so readings at several moments are averaged (CalibrationWizard.VerifyReadings).
            total = 0.0
            for reading in range(count):
                if reading:
                    time.sleep(0.17)
                peak, rms, dbu = (float(v) for v in inst.query("MEASure:LEVel? %d" % ch).strip().split(","))
                total += dbu
            check(peak < -1.0, "input %d at %d dB: converter in range (%.1f dBFS peak)" % (ch, g, peak))
            errors[(ch, g)] = total / count - ref
    return errors


def main():
    preamp, workdir = parse_args()
    flash = os.path.join(workdir, "flash.bin")
    report = os.path.join(workdir, "report")

    proc, tcp, _ = start_sim(preamp, ["--errors", "7", "--flash", flash])
    try:
        inst = open_visa(tcp)
        inst.write("SIMulation:SOURce1 SINE,1000,-40;:SIMulation:SOURce2 SINE,1000,-40")
        check(inst.query("CALibration:STATe?").strip() == "0", "an uncalibrated board says CALibration:STATe? 0")
        before = readings(inst, -40, 1)   # off by tenths: one reading shows it
        worst = max(abs(v) for v in before.values())
        check(worst >= 0.2, "before calibration the dBu reading is off by up to %.2f dB" % worst)
        out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "calibrate", "--ref-dbu", "-40", "--yes", "--report", report],
                             capture_output=True, text=True, timeout=600)
        check(out.returncode == 0, "preamp calibrate --ref-dbu -40 --yes --report DIR: " + (out.stdout + out.stderr).strip().splitlines()[-1])
        after = readings(inst, -40)
        worst = max(abs(v) for v in after.values())
        check(worst <= 0.05, "after calibration every tested step reads within %.3f dB (limit 0.05)" % worst)
        check(inst.query("CALibration:STATe?").strip() == "1", "CALibration:STATe? answers 1")
        pngs = [f for f in os.listdir(report) if f.endswith(".png")]
        with open(os.path.join(report, "calibration.json")) as f:
            data = json.load(f)
        check(len(pngs) == 2 and all(open(os.path.join(report, p), "rb").read(4) == b"\x89PNG" for p in pngs), "the report holds PNG pictures: " + ", ".join(sorted(pngs)))
        check(len(data["Inputs"]["input1"]["Steps"]) == 57, "and the JSON data of all 57 steps per input")
    finally:
        proc.terminate()
        proc.wait(10)

    proc, tcp, _ = start_sim(preamp, ["--errors", "7", "--flash", flash])
    try:
        inst = open_visa(tcp)
        check(inst.query("CALibration:STATe?").strip() == "1", "after a restart with the same flash file CALibration:STATe? is 1")
        inst.write("SIMulation:SOURce1 SINE,1000,-40;:SIMulation:SOURce2 SINE,1000,-40")
        again = readings(inst, -40)
        worst = max(abs(v) for v in again.values())
        check(worst <= 0.05, "and the readings still hold (worst %.3f dB)" % worst)
    finally:
        proc.terminate()
        proc.wait(10)
    print("all calibration checks passed")


if __name__ == "__main__":
    main()
