// Writes the bill of materials of the built board (dist/board/circuit.json) as Markdown: one row per part value and
// footprint, with every reference designator. Run by build.sh; hardware/bom.md is this output, committed.
import { readFileSync } from "node:fs"

const circuit: any[] = JSON.parse(readFileSync(process.argv[2], "utf8"))
const byId = new Map<string, any>()
for (const e of circuit) if (e.type === "source_component") byId.set(e.source_component_id, e)
const footprintOf = new Map<string, string>()
for (const e of circuit) if (e.type === "cad_component" && e.footprinter_string) footprintOf.set(e.source_component_id, e.footprinter_string)

const kind: Record<string, string> = {
  simple_resistor: "Resistor", simple_capacitor: "Capacitor", simple_diode: "Diode", simple_led: "LED", simple_inductor: "Inductor",
  simple_chip: "IC / module / connector", simple_mosfet: "MOSFET", simple_transistor: "Transistor", simple_push_button: "Switch",
}
const value = (c: any) =>
  c.manufacturer_part_number ?? c.display_resistance ?? c.display_capacitance ?? c.display_inductance ??
  (c.resistance !== undefined ? String(c.resistance) : c.capacitance !== undefined ? String(c.capacitance) : c.inductance !== undefined ? String(c.inductance) : "")
const natural = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true })

const rows = new Map<string, { kind: string; value: string; footprint: string; refs: string[] }>()
for (const c of byId.values()) {
  const fp = footprintOf.get(c.source_component_id) ?? "custom (footprints.tsx)"
  const k = kind[c.ftype] ?? c.ftype
  const v = value(c)
  const key = k + "|" + v + "|" + fp
  if (!rows.has(key)) rows.set(key, { kind: k, value: v, footprint: fp, refs: [] })
  rows.get(key)!.refs.push(c.name)
}
const sorted = [...rows.values()].sort((a, b) => natural(a.kind, b.kind) || natural(a.value, b.value) || natural(a.footprint, b.footprint))
const lines = [
  "# Board rev B: bill of materials",
  "",
  "Generated from the circuit (`hardware/board/board.circuit.tsx`) by `hardware/board/build.sh`; do not edit by hand",
  "(a test fails when this file and the build differ). What each part does, and the parts' pinouts: `hardware/board/`.",
  "Passives: 0603 1 % thick film and X7R/C0G unless the value says otherwise; the 6.81 k phantom feeds are 0.1 %,",
  "matched per channel; the PGA2500 servo and the PCM1863 coupling capacitors are film or C0G; electrolytics 63 V.",
  "",
  "| Qty | Kind | Part / value | Footprint | References |",
  "|---|---|---|---|---|",
  ...sorted.map((r) => "| " + r.refs.length + " | " + r.kind + " | " + r.value + " | " + r.footprint + " | " + r.refs.sort(natural).join(", ") + " |"),
  "",
  "Total: " + byId.size + " parts.",
  "",
]
process.stdout.write(lines.join("\n"))
