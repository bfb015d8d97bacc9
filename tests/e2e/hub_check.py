#!/usr/bin/env python3
"""One board, every tool at once, through `preamp hub`.

`preamp sim --pty` stands in for the board and `preamp hub` holds its pseudo-terminal. At the same time: the panel
(`preamp ui` in headless Chromium, driven through chromedriver's WebDriver protocol), `preamp source` and the hub's own
`--source` with parec recording from each (a PulseAudio daemon started here), a capture, a second capture that is paused with SIGSTOP, and a PyVISA script
on the hub's SCPI socket that sets input 2's gain and reads SYSTem:ERRor?. Checked: the capture has its full length with
0 frames lost; parec hears input 1's tone at the capture's level from both inputs; the panel shows the gain PyVISA set; PyVISA's error
queue holds only its own error; the paused capture, resumed, reports exactly the blocks the hub dropped for it; a second
hub on the same port exits 1 with one line naming the first.

The issue's lengths are a 30 s capture and a 20 s pause; the suite runs 8 s and 4 s. The full-length run:
  tests/e2e/hub_check.py --preamp "dotnet host/Preamp.Cli/bin/Debug/net10.0/preamp.dll" --workdir /tmp/hub-e2e \
      --capture-seconds 30 --pause-seconds 20
"""
import argparse
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import numpy as np
import pyvisa

from desktop_audio_check import sources, start_pulseaudio
from host_link_check import check, load_wav, rms_db, start_sim

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TONE_DBU, GAIN1, GAIN2 = -30, 20, 37


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Headless Chromium through chromedriver's W3C WebDriver HTTP API (no client library needed)."""

    def __init__(self, url, workdir):
        port = free_port()
        self.driver = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % port
        deadline = time.time() + 30
        while True:
            try:
                if self.call("GET", "/status")["value"]["ready"]:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("FAILED: chromedriver did not start")
            time.sleep(0.2)
        options = {"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + os.path.join(workdir, "chromium")]}
        self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}})["value"]["sessionId"]
        self.call("POST", "/session/%s/url" % self.session, {"url": url})

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def text(self, css):
        script = "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;"
        return self.call("POST", "/session/%s/execute/sync" % self.session, {"script": script, "args": [css]})["value"]

    def wait_text(self, css, want, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.text(css) == want:
                return True
            time.sleep(0.1)
        return False

    def close(self):
        try:
            self.call("DELETE", "/session/%s" % self.session)
        finally:
            self.driver.kill()


def start(cmd, env):
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_until(proc, prefix, seconds=60):
    """Lines of proc's output until one starts with prefix; that line, or None."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            return None
        if line.startswith(prefix):
            return line.strip()
    return None


def drain(proc, into):
    threading.Thread(target=lambda: into.extend(iter(proc.stdout.readline, "")), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preamp", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--capture-seconds", type=float, default=8)
    ap.add_argument("--pause-seconds", type=float, default=4)
    args = ap.parse_args()
    preamp, work, seconds, pause = shlex.split(args.preamp), args.workdir, args.capture_seconds, args.pause_seconds
    check(os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), "headless Chromium and chromedriver are installed")

    pa, env = start_pulseaudio(work)
    env["PREAMP_HUB_DIR"] = os.path.join(work, "hub")   # the rendezvous every tool below finds the hub by
    procs, browser = [pa], None
    try:
        sim, _, pty = start_sim(preamp, [])
        procs.append(sim)
        hub_port = free_port()
        hub = start(preamp + ["--port", pty, "hub", "--tcp", str(hub_port), "--source"], env)
        procs.append(hub)
        check(read_until(hub, "ready") is not None, "`preamp hub` holds %s and serves SCPI on 127.0.0.1:%d" % (pty, hub_port))
        hub_said = []
        drain(hub, hub_said)
        port = ["--port", pty]
        subprocess.run(preamp + port + ["scpi", "SIM:SOUR1 SINE,1000,%d" % TONE_DBU, "SIM:SOUR2 SINE,1000,%d" % TONE_DBU,
                                        "INP1:GAIN %d" % GAIN1, "INP2:GAIN %d" % GAIN1], env=env, check=True, timeout=60)

        out = subprocess.run(preamp + port + ["hub", "--tcp", "0"], env=env, capture_output=True, text=True, timeout=60)
        said = (out.stdout + out.stderr).strip().splitlines()
        check(out.returncode == 1 and len(said) == 1 and ("pid %d" % hub.pid) in said[0] and ("127.0.0.1:%d" % hub_port) in said[0],
              "a second hub on the same port exits 1 with one line naming the first: " + " | ".join(said))

        ui = start(preamp + port + ["ui", "--listen", "127.0.0.1:0"], env)
        procs.append(ui)
        panel = read_until(ui, "panel ")
        check(panel is not None, "the panel runs through the hub: " + str(panel))
        browser = Browser(panel.split(" ", 1)[1], work)
        check(browser.wait_text(".strip[data-input='1'] .gain-value", str(GAIN1), 30), "headless Chromium shows the panel with input 1 at %d dB" % GAIN1)

        src = start(preamp + port + ["source", "--name", "tool"], env)
        procs.append(src)
        deadline = time.time() + 30
        while time.time() < deadline and not {"preamp", "tool"} <= set(sources(env)):
            time.sleep(0.2)
        check({"preamp", "tool"} <= set(sources(env)), "the desktop has the input 'preamp' from `hub --source` and 'tool' from `preamp source` through the hub")
        raw = open(os.path.join(work, "parec.raw"), "wb")
        rec = subprocess.Popen(["parec", "-d", "tool", "--format=s32le", "--rate=48000", "--channels=2"], env=env, stdout=raw)
        procs.append(rec)
        raw_hub = open(os.path.join(work, "parec-hub.raw"), "wb")
        rec_hub = subprocess.Popen(["parec", "-d", "preamp", "--format=s32le", "--rate=48000", "--channels=2"], env=env, stdout=raw_hub)
        procs.append(rec_hub)

        take = os.path.join(work, "take.wav")
        cap = start(preamp + port + ["capture", "--seconds", str(seconds), "--out", take], env)
        procs.append(cap)
        paused = start(preamp + port + ["capture", "--seconds", str(seconds), "--out", os.path.join(work, "paused.wav")], env)
        procs.append(paused)
        time.sleep(1.5)
        paused.send_signal(signal.SIGSTOP)
        stopped_at = time.time()

        visa = pyvisa.ResourceManager("@py").open_resource("TCPIP::127.0.0.1::%d::SOCKET" % hub_port, read_termination="\n",
                                                           write_termination="\n", timeout=10000)
        visa.write("INP2:GAIN %d" % GAIN2)
        visa.write("INP2:VOLUME 3")                                   # an error of its own
        check(visa.query("INP2:GAIN?") == str(GAIN2), "PyVISA sets input 2's gain through the hub")
        errors = []
        while True:
            e = visa.query("SYST:ERR?")
            if e.startswith("0,"):
                break
            errors.append(e)
        check(errors == ['-113,"Undefined header;INP2:VOLUME"'], "PyVISA's error queue holds only its own error: %s" % errors)
        check(browser.wait_text(".strip[data-input='2'] .gain-value", str(GAIN2), 5), "the panel shows the gain PyVISA set")
        with urllib.request.urlopen(panel.split(" ", 1)[1] + "/api/state", timeout=10) as r:
            hub_line = json.loads(r.read())["hub"]
        check(("preamp hub (pid %d" % hub.pid) in hub_line and "capture" in hub_line and (browser.text("#hub") or "").startswith("through preamp hub"),
              "the panel shows the hub and its clients: " + hub_line)
        status = subprocess.run(preamp + port + ["hub", "--status"], env=env, capture_output=True, text=True, timeout=60).stdout
        check(status.count("takes the stream") >= 5, "`preamp hub --status` lists the consumers:\n" + status)

        time.sleep(max(0.0, pause - (time.time() - stopped_at)))
        paused.send_signal(signal.SIGCONT)
        cap_out, _ = cap.communicate(timeout=seconds + 60)
        summary = next((l for l in cap_out.splitlines() if l.startswith("nothing lost") or l.startswith("lost audio")), cap_out.strip())
        check(cap.returncode == 0 and summary.startswith("nothing lost"), "the capture exits 0: " + summary)
        rate, width, x = load_wav(take)
        check(rate == 48000 and len(x) == int(seconds * 48000), "the capture has its full length: %d frames" % len(x))
        paused_out, _ = paused.communicate(timeout=seconds + pause + 60)
        m = re.search(r"(\d+) blocks \((\d+) frames\) missing on the link", paused_out)
        check(paused.returncode == 2 and m and int(m.group(1)) > 0, "the paused capture, resumed, reports what it lost: " + (m.group(0) if m else paused_out))
        deadline = time.time() + 10
        dropped = None
        while time.time() < deadline and dropped is None:
            dropped = next((re.search(r"(\d+) blocks \((\d+) frames\) were dropped for it", l) for l in hub_said if "were dropped for it" in l), None)
            time.sleep(0.1)
        check(dropped and dropped.groups() == m.groups(), "exactly what the hub dropped for it: %s" % (dropped.group(0) if dropped else hub_said))

        time.sleep(1)
        direct = rms_db(x[len(x) // 2:, 0])
        for r, f, name in ((rec, raw, "tool"), (rec_hub, raw_hub, "preamp")):
            r.send_signal(signal.SIGINT)
            r.wait(10)
            f.close()
            y = np.fromfile(f.name, dtype="<i4").reshape(-1, 2) / 2.0 ** 31
            check(len(y) >= 2 * 48000, "parec recorded %.1f s from '%s'" % (len(y) / 48000.0, name))
            heard = rms_db(y[-2 * 48000:, 0])
            check(abs(heard - direct) < 0.2, "parec hears input 1's tone from '%s' at the direct capture's level: %.2f vs %.2f dBFS" % (name, heard, direct))
        visa.close()
        print("all hub checks passed")
    finally:
        if browser:
            browser.close()
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.terminate()
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
