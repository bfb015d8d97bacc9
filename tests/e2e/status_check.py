#!/usr/bin/env python3
"""IEEE 488.2 status reporting as a PyVISA script uses it, against a `preamp sim` process.

*ESR? bits set by what causes them and cleared by reading, *ESE/*SRE masks and *STB?, a failing query that answers
nothing (PyVISA times out) while its error is queued and its bit set, the rest of a compound line, MIN/MAX/DEF limits,
ASCII error texts, and the power-on bit after a restart (FLASH,CUT during *SAV) for every session that stayed, never for
one opened later; `preamp scpi` says the board restarted. Usage: status_check.py --preamp "<command>" --workdir DIR
"""
import subprocess

import pyvisa

from host_link_check import check, open_visa, parse_args, start_sim


def main():
    preamp, _ = parse_args()
    proc, tcp, _ = start_sim(preamp, [])
    try:
        inst = open_visa(tcp)
        check(inst.query("*ESR?").strip() == "0", "a session opened after boot reads no PON")
        inst.write("FOO")
        check(inst.query("*ESR?").strip() == "32", "an undefined header sets CME (32)")
        check(inst.query("*ESR?").strip() == "0", "*ESR? clears on read")
        inst.write("*OPC")
        check(inst.query("*ESR?").strip() == "1", "*OPC sets OPC (1)")
        inst.write("*CLS;*ESE 32;*SRE 32")
        check(inst.query("*ESE?;*SRE?").strip() == "32;32", "*ESE and *SRE keep their masks")
        stb = inst.query("*STB?").strip()
        check(stb == "0", "*STB? is 0 with nothing waiting: " + stb)
        inst.write("FOO")
        stb = int(inst.query("*STB?").strip())
        check(stb == 4 + 32 + 64, "*STB? after a command error: EAV, ESB and MSS (%d)" % stb)
        inst.write("*CLS")
        check(inst.query("*STB?").strip() == "0", "*CLS clears the queue and the events")

        inst.timeout = 1000
        try:
            answer = inst.query("MEAS:LEV? 3")
            check(False, "a failing query answered: " + answer)
        except pyvisa.errors.VisaIOError:
            check(True, "a failing query answers nothing: PyVISA times out, as the README says")
        inst.timeout = 10000
        err = inst.query("SYST:ERR?").strip()
        check(err.startswith("-222,"), "its error is queued: " + err)
        check(inst.query("*ESR?").strip() == "16", "and it set EXE (16)")
        idn = inst.query("MEAS:LEV? 3;*IDN?").strip()
        check(idn.startswith("PreampFirmware"), "the rest of the line still answers: " + idn)
        err = inst.query("MEAS:LEV? 3;:SYST:ERR?").strip()
        check(err.startswith("-222,"), "ending a line with :SYST:ERR? always gets an answer: " + err)
        inst.write("*CLS")

        check(inst.query("INP1:GAIN? MAX;GAIN? MIN;GAIN? DEF").strip() == "65;0;0", "INP1:GAIN? MAX/MIN/DEF report 65, 0, 0")
        inst.write("INP1:GAIN MAX")
        check(inst.query("INP1:GAIN?").strip() == "65", "INP1:GAIN MAX sets 65")
        inst.write("INP1:GAIN DEF")
        check(inst.query("INP1:GAIN?").strip() == "0", "INP1:GAIN DEF sets 0")
        check(inst.query("STR:RATE? MIN;RATE? MAX").strip() == "16000;48000", "STReam:RATE? MIN/MAX")
        check(inst.query("SYST:ERR?").strip() == '0,"No error"', "the limits raised no error")

        inst.write("SIM:SOUR1 SINE,0,-40")
        err = inst.query("SYST:ERR?").strip()
        check("<=" in err and "?" not in err.split(",", 1)[1], "error texts are ASCII: " + err)

        other = open_visa(tcp)
        other.query("*ESR?")
        inst.write("INP1:GAIN 44;PAD ON")
        inst.write("SIM:FAUL FLASH,CUT;:*SAV 3")       # the board restarts in the middle of the write
        check(inst.query("*OPC?").strip() == "1", "the connection stays through the restart")
        check(inst.query("*ESR?").strip() == "128", "the session that saw the restart reads PON (128)")
        check(other.query("*ESR?").strip() == "128", "so does every other session that stayed")
        later = open_visa(tcp)
        check(later.query("*ESR?").strip() == "0", "a session opened after the restart never reads PON")
        for s in (inst, other, later):
            s.close()

        out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "scpi", "SIM:FAUL FLASH,CUT", "*SAV 3", "*OPC?"],
                             capture_output=True, text=True, timeout=60)
        check("the board restarted" in out.stderr, "`preamp scpi` says the board restarted: " + out.stderr.strip())
        out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "status"], capture_output=True, text=True, timeout=60)
        check(out.returncode == 0 and "restarted" not in out.stdout, "`preamp status` on a board that did not restart says nothing of it")
    finally:
        proc.terminate()
        proc.wait(10)
    print("all status checks passed")


if __name__ == "__main__":
    main()
