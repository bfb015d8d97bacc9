#!/usr/bin/env python3
"""End-to-end checks of channel control and the front panel through a VISA client, against `preamp sim`
processes started with --flash FILE (usage: channel_control_check.py --preamp "<command>" --workdir DIR)."""
import os
import subprocess
import sys
import time
import wave

import numpy as np

from host_link_check import check, open_visa, load_wav, start_sim, parse_args


def wait_for(inst, query, expected, seconds):
    deadline = time.time() + seconds
    answer = None
    while time.time() < deadline:
        answer = inst.query(query).strip()
        if answer == expected:
            return True, answer
        time.sleep(0.05)
    return False, answer


def main():
    preamp, workdir = parse_args()
    flash = os.path.join(workdir, "flash.bin")

    proc, tcp, _ = start_sim(preamp, ["--flash", flash])
    try:
        inst = open_visa(tcp)
        q = lambda s: inst.query(s).strip()
        inst.write("INPut1:GAIN 30")
        check(q("INPut1:GAIN?") == "30", "gain set and queried")
        inst.write("INPut1:GAIN 70")
        check(q("SYSTem:ERRor?").startswith("-222,"), "out-of-range gain gives -222")
        check(q("INP1:GAIN?") == "30", "and leaves the gain unchanged")
        inst.write("INP1:GAIN UP")
        check(q("INP1:GAIN?") == "31", "UP steps to 31")
        inst.write("INP1:GAIN MIN")
        check(q("INP1:GAIN?") == "0", "MIN is 0")
        inst.write("INP1:GAIN MAX")
        check(q("INP1:GAIN?") == "65", "MAX is 65")
        inst.write("inp1:gain 30;:INPut1:PAD ON")
        check(q("INP1:GAIN?") == "30" and q("INP1:PAD?") == "1", "a chained lower-case line works")
        ok, rel = wait_for(inst, "SIMulation:RELay? 1", "0,1,0", 1.0)
        check(ok, "pad closes its relay: " + rel)
        inst.write("INP1:POLarity INVerted")
        ok, rel = wait_for(inst, "SIM:REL? 1", "0,1,1", 1.0)
        check(ok, "polarity closes its relay: " + rel)
        inst.write("INP1:PAD OFF;POL NORM")

        inst.write("INPut2:PHANtom:LOCK ON")
        inst.write("INPut2:PHANtom ON")
        check(q("SYST:ERR?").startswith("-221,"), "phantom on a locked channel gives -221")
        time.sleep(0.5)
        check(q("SIM:REL? 2").split(",")[0] == "0", "and its relay stays open")
        inst.write("INPut1:PHANtom ON")
        ok, rel = wait_for(inst, "SIM:REL? 1", "1,0,0", 3.0)
        check(ok, "phantom on closes the relay within 3 s")
        inst.write("INPut1:PHANtom OFF")
        wait_for(inst, "SIM:REL? 1", "0,0,0", 3.0)

        inst.write("INP1:GAIN 30;:INP2:GAIN 20;:SIMulation:KNOB 5")
        ok, g = wait_for(inst, "INP1:GAIN?", "35", 2.0)
        check(ok, "SIMulation:KNOB 5 moves channel 1 from 30 to 35 dB (%s)" % g)
        inst.write("SIMulation:BUTTon CHAN,100")
        time.sleep(0.4)
        inst.write("SIMulation:KNOB -3")
        ok, g = wait_for(inst, "INP2:GAIN?", "17", 2.0)
        check(ok, "CHANNEL then KNOB -3 moves channel 2 from 20 to 17 dB (%s)" % g)
        inst.write("INP2:PHAN:LOCK OFF")
        inst.write("SIMulation:BUTTon PHANtom,300")
        time.sleep(1.0)
        check(q("SIM:REL? 2") == "0,0,0" and q("INP2:PHAN?") == "0", "a 0.3 s 48V press changes nothing")
        inst.write("SIMulation:BUTTon PHANtom,2500")
        ok, rel = wait_for(inst, "SIM:REL? 2", "1,0,0", 4.0)
        check(ok, "a 2.5 s 48V hold switches phantom on")
        inst.write("INP2:PHAN OFF")

        inst.write("INP1:GAIN 42;PAD ON;*SAV 1")
        inst.write("INP1:GAIN 12;PAD OFF")
        time.sleep(0.3)
        inst.write("*RCL 1")
        check(q("INP1:GAIN?") == "42" and q("INP1:PAD?") == "1", "*SAV 1 ... *RCL 1 restores gain and pad")
        inst.write("INP1:PAD OFF")

        inst.write("SIMulation:SOURce1 OFF;:INP1:GAIN 50;:INP1:MUTE OFF")
        time.sleep(2.5)
        path = os.path.join(workdir, "phantom.wav")
        cap = subprocess.Popen(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "capture", "--seconds", "6", "--out", path, "--rate", "48000", "--channels", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1.0)
        inst.write("INP1:PHANtom ON")
        time.sleep(2.0)
        inst.write("INP1:PHANtom OFF")
        out, _ = cap.communicate(timeout=60)
        check(cap.returncode == 0, "capture across phantom switching: " + out.strip().splitlines()[-1])
        rate, width, x = load_wav(path)
        peak = 20 * np.log10(max(np.max(np.abs(x)), 1e-12))
        check(len(x) == 288000 and peak < -60, "switching phantom on and off leaves the stream at %.1f dBFS peak" % peak)

        inst.write("INP1:GAIN 44;:INP2:PHANtom:LOCK ON")
        time.sleep(0.6)
    finally:
        proc.terminate()
        proc.wait(10)

    proc, tcp, _ = start_sim(preamp, ["--flash", flash])
    try:
        inst = open_visa(tcp)
        check(inst.query("INP1:GAIN?").strip() == "44" and inst.query("INP2:PHAN:LOCK?").strip() == "1",
              "after a restart with the same flash file, gain and phantom lock are as they were")
    finally:
        proc.terminate()
        proc.wait(10)
    print("all channel control checks passed")


if __name__ == "__main__":
    main()
