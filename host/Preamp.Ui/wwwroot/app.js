// The control panel: shows only what the board reports; a control changes when the board says it changed.
"use strict";
const GAINS = [0, ...Array.from({ length: 56 }, (_, i) => 10 + i)];   // the PGA2500's steps: 0, 10 … 65 dB
const HOLD_MS = 1000;                                                   // phantom on: a deliberate hold
const FLOOR_DBFS = -60;                                                 // the meter's bottom; its top is 0 dBFS
// The scale's marks, dBFS; -18 dBFS is 0 dBu at EBU R68 alignment (the board's default, and the calibration's).
const MARKS = [0, -6, -12, -18, -30, -48, -60];
const ALIGNMENT_DBFS = -18;
/** Height on the meter of a level, % of the bar from the bottom: linear in dB from FLOOR_DBFS to 0 dBFS. */
const meterHeight = db => Math.max(0, Math.min(100, (db - FLOOR_DBFS) / -FLOOR_DBFS * 100));
const dbText = db => (db < 0 ? "\u2212" + -db : String(db));
let state = null;
const strips = {};
const holds = { 1: 0, 2: 0 };

function log(text, isError) {
  const li = document.createElement("li");
  li.textContent = new Date().toLocaleTimeString() + "  " + text;
  if (isError) li.className = "error";
  const list = document.getElementById("log");
  list.prepend(li);
  while (list.children.length > 100) list.lastChild.remove();
}

async function command(body) {
  try {
    const r = await fetch("/api/command", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const answer = await r.json();
    if (answer.state) render(answer.state);
    if (!r.ok) log(answer.error, true);
  } catch (e) {
    log("the panel's server does not answer: " + e, true);
  }
}

function build() {
  const template = document.getElementById("strip-template");
  for (const section of document.querySelectorAll(".strip")) {
    const n = Number(section.dataset.input);
    section.appendChild(template.content.cloneNode(true));
    section.querySelector(".n").textContent = n;
    const q = s => section.querySelector(s);
    for (const db of MARKS) {
      const tick = document.createElement("div");
      tick.className = "tick";
      tick.dataset.db = db;
      tick.style.bottom = meterHeight(db) + "%";
      q(".meter").appendChild(tick);
      const mark = document.createElement("div");
      mark.className = "mark";
      mark.dataset.db = db;
      mark.style.bottom = meterHeight(db) + "%";
      mark.textContent = db === ALIGNMENT_DBFS ? "0 dBu " + dbText(db) : dbText(db);
      if (db === ALIGNMENT_DBFS) mark.title = "0 dBu at EBU R68 alignment: \u221218 dBFS";
      q(".scale").appendChild(mark);
    }
    const s = { section, fill: q(".fill"), hold: q(".hold"), target: q(".target"), peak: q(".peak"), rms: q(".rms"), clip: q(".clip"), slider: q(".gain-slider"),
                value: q(".gain-value"), phantom: q(".phantom"), lock: q(".lock"), pad: q(".pad"), polarity: q(".polarity"), mute: q(".mute"),
                clipsafe: q(".clipsafe"), auto: q(".autogain"), autoStatus: q(".auto-status"), peakHold: -200, peakHoldAt: 0, clipUntil: 0 };
    strips[n] = s;
    s.slider.addEventListener("change", () => command({ input: n, control: "gain", value: GAINS[Number(s.slider.value)] }));
    q(".up").addEventListener("click", () => step(n, 1));
    q(".down").addEventListener("click", () => step(n, -1));
    for (const name of ["pad", "polarity", "mute", "clipsafe", "lock"]) {
      s[name].addEventListener("click", () => command({ input: n, control: name, value: !s[name].classList.contains("on") }));
    }
    s.auto.addEventListener("click", () => command({ input: n, control: "autogain", value: true }));
    // Phantom off: a click. Phantom on: hold for a second, as the front panel's 48V button wants a 2 s hold.
    const arm = () => {
      if (s.phantom.classList.contains("on") || s.phantom.disabled) return;
      s.phantom.classList.add("arming");
      holds[n] = setTimeout(() => {
        s.phantom.classList.remove("arming");
        s.heldOn = true;   // the click that ends this hold must not switch it off again
        command({ input: n, control: "phantom", value: true, confirm: true });
      }, HOLD_MS);
    };
    const disarm = () => { clearTimeout(holds[n]); s.phantom.classList.remove("arming"); };
    s.phantom.addEventListener("pointerdown", arm);
    s.phantom.addEventListener("pointerup", disarm);
    s.phantom.addEventListener("pointerleave", disarm);
    s.phantom.addEventListener("click", () => {
      if (s.heldOn) { s.heldOn = false; return; }
      if (s.phantom.classList.contains("on")) command({ input: n, control: "phantom", value: false });
    });
  }
  document.getElementById("link").addEventListener("click", e => command({ input: 0, control: "link", value: !e.target.classList.contains("on") }));
  const presets = document.getElementById("presets");
  for (let p = 1; p <= 8; p++) {
    const b = document.createElement("button");
    b.textContent = p;
    b.addEventListener("click", () => {
      const mode = document.querySelector("input[name=preset-mode]:checked").value;
      command({ input: 0, control: mode, value: p });
    });
    presets.appendChild(b);
  }
}

function step(n, by) {
  if (!state) return;
  const i = GAINS.indexOf(state.inputs[n - 1].gain);
  const j = Math.max(0, Math.min(GAINS.length - 1, i + by));
  command({ input: n, control: "gain", value: GAINS[j] });
}

function setToggle(button, on) { button.classList.toggle("on", on); button.setAttribute("aria-pressed", on ? "true" : "false"); }

function render(next) {
  if (state && next.version < state.version) return;
  state = next;
  const banner = document.getElementById("banner");
  banner.hidden = next.connected;
  banner.textContent = next.message;
  document.getElementById("identity").textContent = next.identity;
  document.getElementById("health").textContent = next.connected
    ? (next.metering ? "meters from the stream" : "meters from MEASure:LEVel?") + " · frames lost " + next.framesLost + " · damaged blocks " + next.blocksDamaged
    : "";
  for (const el of document.querySelectorAll("main button, main input")) el.disabled = !next.connected;
  setToggle(document.getElementById("link"), next.linked);
  document.getElementById("calibration").textContent = next.calibrated ? "loaded" : "none (nominal values)";
  document.getElementById("rate").textContent = next.rate + " S/s";
  document.getElementById("conditions").textContent = next.conditions === "NONE" ? "no faults" : next.conditions;
  document.getElementById("hub-row").hidden = !next.hub;
  document.getElementById("hub").textContent = next.hub || "";
  if (!next.connected) {
    // Nothing the board does not say: without it, no control shows a state.
    for (const s of Object.values(strips)) {
      s.value.textContent = "–";
      for (const b of [s.pad, s.polarity, s.mute, s.clipsafe, s.lock, s.phantom]) setToggle(b, false);
      s.autoStatus.textContent = "";
      s.target.hidden = true;
    }
    setToggle(document.getElementById("link"), false);
    return;
  }
  next.inputs.forEach((input, i) => {
    const s = strips[i + 1];
    if (!s) return;
    if (document.activeElement !== s.slider) s.slider.value = GAINS.indexOf(input.gain);
    s.value.textContent = input.gain;
    setToggle(s.pad, input.pad);
    setToggle(s.polarity, input.polarity);
    setToggle(s.mute, input.mute);
    setToggle(s.clipsafe, input.clipSafe);
    setToggle(s.lock, input.lock);
    setToggle(s.phantom, input.phantom);
    s.phantom.disabled = !next.connected || input.lock;   // a locked input refuses +48 V; the board would too
    s.phantom.title = input.lock ? "Phantom is locked on this input" : (input.phantom ? (input.settled ? "+48 V on" : "+48 V ramping") : "Hold 1 s to switch +48 V on");
    s.autoStatus.textContent = input.auto === "IDLE" ? "" : input.auto.replace("_", " ").toLowerCase();
    s.target.hidden = false;
    s.target.style.bottom = meterHeight(input.autoTarget) + "%";
    s.target.dataset.db = input.autoTarget;
    s.target.title = "auto gain's peak target: " + dbText(input.autoTarget) + " dBFS";
  });
}

function meter(m) {
  const now = performance.now();
  for (let n = 1; n <= 2; n++) {
    const s = strips[n];
    const peak = m.peakDbfs[n - 1], rms = m.rmsDbfs[n - 1];
    s.fill.style.height = meterHeight(peak) + "%";
    if (peak >= s.peakHold || now - s.peakHoldAt > 2000) { s.peakHold = peak; s.peakHoldAt = now; }
    s.hold.style.bottom = meterHeight(s.peakHold) + "%";
    s.peak.textContent = peak <= -199 ? "–" : peak.toFixed(1);
    s.rms.textContent = rms <= -199 ? "–" : rms.toFixed(1);
    s.section.dataset.peak = peak;
    s.section.dataset.rms = rms;
    if (m.over[n - 1]) s.clipUntil = now + 1000;
    s.clip.classList.toggle("on", now < s.clipUntil);
  }
}

function connect() {
  const events = new EventSource("/events");
  events.addEventListener("state", e => render(JSON.parse(e.data)));
  events.addEventListener("meter", e => meter(JSON.parse(e.data)));
  events.addEventListener("device-error", e => log("board: " + JSON.parse(e.data), true));
  events.onerror = () => {
    const banner = document.getElementById("banner");
    banner.hidden = false;
    banner.textContent = "the panel's server does not answer; reconnecting…";
    if (state) render({ ...state, connected: false, message: banner.textContent, version: state.version });
  };
}

build();
connect();
