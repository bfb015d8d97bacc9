#!/usr/bin/env python3
"""SIMulation:FAULt from a real VISA client: every fault the suite knows is injected, seen as a board shows it, cleared.

PyVISA (pyvisa-py) on the simulator's SCPI socket; a raw socket owns a stream where a fault needs one. After each fault,
a new VISA session starts with an empty error queue. Usage: fault_check.py --preamp "<command>" --workdir DIR
"""
import socket
import threading
import time

from host_link_check import check, open_visa, parse_args, start_sim


class Streamer:
    """A raw-socket client that starts the stream and throws the blocks away."""

    def __init__(self, tcp):
        self.sock = socket.create_connection(("127.0.0.1", tcp))
        self.sock.sendall(b"STR:STAR\n")
        self.running = True
        self.received = 0
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        self.sock.settimeout(0.2)
        while self.running:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            self.received += len(data)

    def stop(self):
        self.sock.sendall(b"STR:STOP\n")
        time.sleep(0.3)
        self.running = False
        self.sock.close()
        self.thread.join(2)


def fresh_session_is_clean(tcp, what):
    later = open_visa(tcp)
    err = later.query("SYSTem:ERRor?").strip()
    later.close()
    check(err == '0,"No error"', "after %s a new session starts with an empty queue (%s)" % (what, err))


def main():
    preamp, _ = parse_args()
    proc, tcp, _ = start_sim(preamp, [])
    try:
        inst = open_visa(tcp)
        check(inst.query("SIMulation:FAULt?").strip() == "NONE", "no fault at first")

        hardware = [("GAINBUS,STUCK0", "GAINCHAIN", "PGA2500 chain stopped answering"),
                    ("GAINBUS,STUCK1", "GAINCHAIN", "PGA2500 chain stopped answering"),
                    ("ADCBUS,STUCK0", "CONVERTER", "PCM1863"),
                    ("ADCBUS,STUCK1", "CONVERTER", "PCM1863"),
                    ("AUDIO,STOP", "CONVERTER", "PCM1863 is not running as configured")]
        for fault, condition, text in hardware:
            inst.write("SIMulation:FAULt " + fault)
            check(inst.query("SIMulation:FAULt?").strip() == fault.replace(",", ":"), fault + " is listed")
            time.sleep(1.5)
            err = inst.query("SYSTem:ERRor?").strip()
            check(err.startswith('-240,"Hardware error;') and text in err, fault + " reaches the connected session: " + err)
            check(condition in inst.query("SYSTem:CONDition?"), fault + " is the condition " + condition)
            fresh_session_is_clean(tcp, fault)
            inst.write("SIMulation:FAULt CLEar")
            time.sleep(1.5)
            check(inst.query("SIMulation:FAULt?").strip() == "NONE", fault + " cleared")
            check(inst.query("SYSTem:CONDition?").strip() == "NONE", "the board is well again after " + fault)
            while not inst.query("SYSTem:ERRor?").startswith("0,"):
                pass

        streamer = Streamer(tcp)
        time.sleep(0.5)
        inst.write("SIMulation:FAULt LOOP,SLOW")
        time.sleep(1.0)
        check("SAMPLELOOP" in inst.query("SYSTem:CONDition?"), "LOOP,SLOW: the sample loop falls behind while streaming")
        err = inst.query("SYSTem:ERRor?").strip()
        check(err.startswith('-300,"Device-specific error;the sample loop fell behind'), "LOOP,SLOW is reported once: " + err)
        fresh_session_is_clean(tcp, "LOOP,SLOW")
        inst.write("SIMulation:FAULt LOOP,OFF")
        inst.write("SIMulation:FAULt LINK,DAMAGE")
        check(inst.query("SIMulation:FAULt?").strip() in ("LINK:DAMAGE",), "LINK,DAMAGE is listed")
        time.sleep(1.0)
        inst.write("SIMulation:FAULt CLEar")
        time.sleep(0.2)
        streamer.stop()
        check(streamer.received > 100000, "the stream went on through both (%d bytes)" % streamer.received)
        fresh_session_is_clean(tcp, "LINK,DAMAGE")
        inst.write("*CLS")

        inst.write("INPut1:GAIN 30")
        time.sleep(0.5)
        inst.write("SIMulation:FAULt FLASH,FAIL;:INPut1:GAIN 40")
        time.sleep(0.5)
        err = inst.query("SYSTem:ERRor?").strip()
        check(err.startswith('-240,"Hardware error;settings not saved'), "FLASH,FAIL: the failed write is reported: " + err)
        check("FLASH" in inst.query("SYSTem:CONDition?"), "FLASH,FAIL is the condition FLASH")
        check(inst.query("SIMulation:FAULt?").strip() == "NONE", "FLASH,FAIL is a one-shot")
        fresh_session_is_clean(tcp, "FLASH,FAIL")

        inst.write("INPut1:GAIN 35")
        time.sleep(0.5)
        inst.write("SIMulation:FAULt FLASH,CUT;:INPut1:GAIN 55")
        time.sleep(1.0)
        check(inst.query("INPut1:GAIN?").strip() == "35", "FLASH,CUT: the board rebooted with the settings saved before the cut")
        check(inst.query("SYSTem:ERRor?").strip() == '0,"No error"', "the rebooted board's session starts clean")
        check(inst.query("SYSTem:CONDition?").strip() == "NONE", "and nothing is wrong with it")
        fresh_session_is_clean(tcp, "FLASH,CUT")
        inst.close()
        print("all fault checks passed")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
