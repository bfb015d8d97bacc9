#!/usr/bin/env python3
"""Nothing silent, nothing stuck: the host side, with the clients a careful user has.

socat and a Python socket that shut down their sending side get their answers; `preamp capture` flags a take during which
the converter stopped, with the board's own -240 and CONVERTER; captures over a damaged link (TCP and the pseudo-terminal,
`--link-errors 1e-5`, and 2 s of SIMulation:FAULt LINK,DAMAGE) run their whole length with exit 2, and the filled
ranges are cue points in the WAV (RIFF chunks parsed here: numpy and `wave` skip them) and in take.wav.gaps.json, and sox
still reads the file; a raw client with a 4 kB receive buffer that stops reading for 30 s finds every frame accounted
for in what it reads afterwards; the front panel says rev B; the README's first example prints the settled meter.
Usage: nothing_silent_check.py --preamp "<command>" --workdir DIR
"""
import json
import os
import pty
import re
import select
import shlex
import socket
import struct
import subprocess
import time
import zlib

from host_link_check import check, open_visa, parse_args, start_sim


def capture(preamp, port, seconds, path, extra=()):
    return subprocess.Popen(preamp + ["--port", port, "capture", "--seconds", str(seconds), "--out", path] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_streaming(inst):
    deadline = time.time() + 30
    while inst.query("STReam:ACTive?").strip() != "1":
        if time.time() > deadline:
            raise SystemExit("FAILED: the capture's stream never started")
        time.sleep(0.05)


def riff_chunks(path):
    """The chunks of a RIFF/WAVE file, as (id, body)."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"RIFF" or b[8:12] != b"WAVE" or struct.unpack_from("<I", b, 4)[0] != len(b) - 8:
        raise SystemExit("FAILED: %s is not a well-formed RIFF/WAVE file" % path)
    chunks, at = [], 12
    while at + 8 <= len(b):
        cid, size = b[at:at + 4].decode("ascii"), struct.unpack_from("<I", b, at + 4)[0]
        chunks.append((cid, b[at + 8:at + 8 + size]))
        at += 8 + size + (size & 1)
    return chunks


def markers(path):
    """Cue points of a WAV file: [(position, length, label)] from `cue ` and LIST/adtl labl + ltxt."""
    chunks = dict(riff_chunks(path))
    cue, adtl = chunks.get("cue "), chunks.get("LIST")
    if cue is None or adtl is None or adtl[:4] != b"adtl":
        return []
    n = struct.unpack_from("<I", cue, 0)[0]
    points = {}
    for i in range(n):
        cid, pos, fcc = struct.unpack_from("<II4s", cue, 4 + 24 * i)
        points[cid] = [pos, None, None]
    at = 4
    while at < len(adtl):
        sid, size = adtl[at:at + 4], struct.unpack_from("<I", adtl, at + 4)[0]
        cid = struct.unpack_from("<I", adtl, at + 8)[0]
        if sid == b"labl":
            points[cid][2] = adtl[at + 12:at + 8 + size].rstrip(b"\0").decode("ascii")
        elif sid == b"ltxt":
            points[cid][1] = struct.unpack_from("<I", adtl, at + 12)[0]
        at += 8 + size + (size & 1)
    return [tuple(points[k]) for k in sorted(points)]


def sox_samples(path):
    out = subprocess.run(["sox", "--i", "-s", path], capture_output=True, text=True, timeout=30)
    return int(out.stdout.strip()) if out.returncode == 0 else -1


def check_damaged_capture(preamp, port, path, what):
    p = capture(preamp, port, 10, path)
    out, _ = p.communicate(timeout=60)
    lost = [l for l in out.splitlines() if l.startswith("lost audio: ")]
    check(p.returncode == 2, "%s: a 10 s capture over a damaged link runs its whole length, exit 2 (exit %d%s)"
          % (what, p.returncode, "" if p.returncode == 2 else ": " + out.strip().splitlines()[-1]))
    check("480000 frames" in out and lost and re.search(r"[1-9][0-9]* blocks \([0-9]+ frames\) damaged", lost[0]),
          "%s: the damaged blocks are counted: %s" % (what, lost[0] if lost else out))
    marks = markers(path)
    filled = int(lost[0].split()[2])
    check(marks and sum(m[1] for m in marks) == filled and all(m[2].startswith("silence: ") for m in marks),
          "%s: %d filled ranges are cue points with labels and lengths covering the %d frames filled" % (what, len(marks), filled))
    with open(path + ".gaps.json") as f:
        gaps = json.load(f)["gaps"]
    check([(g["start"], g["frames"]) for g in gaps] == [(m[0], m[1]) for m in marks],
          "%s: %s lists the same ranges with their causes (%s)" % (what, os.path.basename(path) + ".gaps.json",
                                                                   ", ".join(sorted(set(g["cause"] for g in gaps)))))
    check(sox_samples(path) == 480000, "%s: sox reads the marked file: 480000 samples" % what)


class Blocks:
    """Parses what a raw client read: stream blocks (header and block CRC-32 checked) and text lines."""

    def __init__(self, data):
        self.blocks, self.lines, self.bad, at = [], [], 0, 0
        while at < len(data):
            if data[at:at + 3] == b"\xa5\x5a\x02" and at + 46 <= len(data):
                h = data[at:at + 46]
                if zlib.crc32(h[:42]) == struct.unpack_from("<I", h, 42)[0]:
                    frames = struct.unpack_from("<H", h, 20)[0]
                    end = at + 46 + 6 * frames + 4
                    if end > len(data):
                        break
                    good = zlib.crc32(data[at:end - 4]) == struct.unpack_from("<I", data, end - 4)[0]
                    seq, first = struct.unpack_from("<II", h, 4)
                    conv, link = struct.unpack_from("<II", h, 26)
                    self.blocks.append((seq, first, frames, conv, link, good))
                    at = end
                    continue
            nl = data.find(b"\n", at)
            if nl < 0:
                break
            self.lines.append(data[at:nl])
            at = nl + 1


def slow_reader(tcp):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", tcp))
    s.sendall(b"SIM:SOUR1 SINE,1000,-30;:STR:STAR\n")
    data = bytearray()

    def read_for(seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([s], [], [], 0.1)
            if r:
                data.extend(s.recv(65536))

    read_for(1.0)
    time.sleep(30)                      # reads nothing for 30 s
    read_for(4.0)
    s.sendall(b"STR:STAT?\n")
    read_for(0.5)
    s.sendall(b"STR:STOP\n")
    s.close()
    p = Blocks(bytes(data))
    b = p.blocks
    check(len(b) > 400 and all(x[5] for x in b), "the raw client read %d blocks, every CRC good" % len(b))
    gaps = [i for i in range(1, len(b)) if b[i][0] != b[i - 1][0] + 1]
    check(not gaps, "sequence numbers run without a gap (%s)" % ", ".join("%d->%d" % (b[i - 1][0], b[i][0]) for i in gaps[:3]))
    unexplained = [i for i in range(1, len(b))
                   if b[i][1] - (b[i - 1][1] + b[i - 1][2]) != (b[i][4] - b[i - 1][4]) + (b[i][3] - b[i - 1][3])]
    check(not unexplained, "every jump in frame numbers is announced by the headers' drop counters")
    dropped = b[-1][4] - b[0][4]
    check(dropped > 5 * 48000, "the board dropped %d frames (%.1f s) for the link while the client did not read, and said so"
          % (dropped, dropped / 48000.0))
    stats = [l.decode() for l in p.lines if l.count(b",") == 4]
    check(stats and int(stats[-1].split(",")[4]) >= dropped, "STReam:STATistics? counts them: " + (stats[-1] if stats else "no answer"))


def panel_says_rev_b(preamp):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(preamp[0], preamp + ["sim", "--panel", "--seconds", "3"])
    seen = b""
    end = time.time() + 60
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    check("board rev B (simulated)" in text and "rev A" not in text, "sim --panel in a terminal says board rev B")


def readme_first_example(preamp, tcp):
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
    section = readme.split("## Try the simulator with real tools", 1)[1].split("\nCalibration, once per board", 1)[0]
    lines = [l for l in section.splitlines() if l.startswith("sleep") or re.match(r'preamp --port tcp://127\.0\.0\.1:5026 scpi ', l)]
    check(len(lines) >= 3, "the README's first example: " + " / ".join(l.split("#")[0].strip() for l in lines))
    # `preamp` as the README installs it is the built tool here.
    script = "preamp() { " + " ".join(shlex.quote(a) for a in preamp) + ' "$@"; }\n' + "\n".join(l.replace("5026", str(tcp)) for l in lines)
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr
    dbu = float(last.split(",")[2])
    check(out.returncode == 0 and abs(dbu + 40) < 0.3, "it prints the settled meter: %s (dBu at the input %.2f)" % (last, dbu))


def main():
    preamp, workdir = parse_args()

    proc, tcp, pty_path = start_sim(preamp, [])
    try:
        out = subprocess.run("echo '*IDN?' | socat - TCP:127.0.0.1:%d" % tcp, shell=True, capture_output=True, text=True, timeout=30)
        check(out.stdout.startswith("PreampFirmware,"), "echo '*IDN?' | socat - TCP:127.0.0.1:%d prints %r" % (tcp, out.stdout.strip()))
        s = socket.create_connection(("127.0.0.1", tcp))
        s.sendall(b"*IDN?\nBOGUS\nSYST:ERR?\n")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(15)
        got = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        s.close()
        lines = got.decode().split("\n")
        check(len(lines) == 3 and lines[0].startswith("PreampFirmware,") and lines[1].startswith("-113,"),
              "shutdown(SHUT_WR) gets both answers, then the connection closes: %r" % got[:80])

        readme_first_example(preamp, tcp)

        inst = open_visa(tcp)
        inst.write("SIMulation:SOURce1 SINE,1000,-30;:INPut1:GAIN 20")
        path = os.path.join(workdir, "stopped.wav")
        p = capture(preamp, "tcp://127.0.0.1:%d" % tcp, 8, path)
        wait_streaming(inst)
        time.sleep(3)
        inst.write("SIMulation:FAULt AUDIO,STOP")
        out, _ = p.communicate(timeout=60)
        check(p.returncode == 1, "a capture during which the converter stopped exits 1 (exit %d)" % p.returncode)
        check(re.search(r'-240,"Hardware error;[^\n]*PCM1863', out) and "CONVERTER" in out and "not a good take" in out,
              "and shows the board's -240 and CONVERTER: " + " | ".join(l for l in out.splitlines() if "240" in l or "CONVERTER" in l))
        inst.write("SIMulation:FAULt AUDIO,OFF")
        time.sleep(1.5)
        while not inst.query("SYSTem:ERRor?").startswith("0,"):
            pass
        silent = os.path.join(workdir, "silent.wav")
        inst.write("SIMulation:SOURce1 OFF;:SIMulation:SOURce2 OFF")
        out = subprocess.run(preamp + ["--port", "tcp://127.0.0.1:%d" % tcp, "capture", "--seconds", "1", "--out", silent],
                             capture_output=True, text=True, timeout=60)
        check(out.returncode == 0, "a silent take with the converter running is a good take (exit %d)" % out.returncode)

        path = os.path.join(workdir, "burst.wav")
        p = capture(preamp, "tcp://127.0.0.1:%d" % tcp, 10, path)
        wait_streaming(inst)
        time.sleep(3)
        inst.write("SIMulation:FAULt LINK,DAMAGE")
        time.sleep(2)
        inst.write("SIMulation:FAULt LINK,OFF")
        out, _ = p.communicate(timeout=60)
        check(p.returncode == 2 and "480000 frames" in out,
              "2 s of LINK,DAMAGE in a 10 s capture: whole length, exit 2 (exit %d: %s)" % (p.returncode, out.strip().splitlines()[-1]))
        inst.close()

        slow_reader(tcp)
    finally:
        proc.terminate()
        proc.wait(10)

    proc, tcp, pty_path = start_sim(preamp, ["--link-errors", "1e-5"])
    try:
        for i in range(2):
            check_damaged_capture(preamp, "tcp://127.0.0.1:%d" % tcp, os.path.join(workdir, "tcp%d.wav" % i), "TCP run %d" % (i + 1))
        check_damaged_capture(preamp, pty_path, os.path.join(workdir, "pty.wav"), "pseudo-terminal")
    finally:
        proc.terminate()
        proc.wait(10)

    panel_says_rev_b(preamp)
    print("all nothing-silent checks passed")


if __name__ == "__main__":
    main()
