// Board rev B of PreampFirmware as code: every part, every net. build.sh turns it into circuit.json, the schematic SVG,
// the BOM and a KiCad PCB (placed, not routed). BoardCircuitTests (tests/Preamp.Tests) checks the result against the
// pin tables in parts/, BoardRevB.cs and hardware/pinmap.md. Net names are the pin map's.
import esp32 from "./parts/esp32-s3-wroom-1.pins.json"
import pga2500 from "./parts/pga2500.pins.json"
import pcm1863 from "./parts/pcm1863.pins.json"
import ch343p from "./parts/ch343p.pins.json"
import hc595 from "./parts/74hc595.pins.json"
import uln2003a from "./parts/uln2003a.pins.json"
import tps65131 from "./parts/tps65131.pins.json"
import tps7a20 from "./parts/tps7a20.pins.json"
import ams1117 from "./parts/ams1117-3.3.pins.json"
import mc34063a from "./parts/mc34063a.pins.json"
import l78l05 from "./parts/l78l05-sot89.pins.json"
import l79l05 from "./parts/l79l05-sot89.pins.json"
import lvc3g34 from "./parts/sn74lvc3g34.pins.json"
import g6k2f from "./parts/g6k-2f.pins.json"
import usbc from "./parts/usb-c-receptacle.pins.json"
import xlr from "./parts/xlr3.pins.json"
import ec11pins from "./parts/ec11.pins.json"
import jack from "./parts/barrel-jack.pins.json"
import * as fp from "./footprints"

type Table = { part: string; pins: { pad: number; label: string }[] }

// Placement: parts are set on shelves inside a rectangle per block, so nothing overlaps. Not a layout (a person does
// that in KiCad, see hardware/README.md): only a tidy start where each block's parts sit together.
let shelf = { x0: 0, y0: 0, w: 0, x: 0, y: 0, rowH: 0 }
const region = (x0: number, y0: number, w: number) => {
  shelf = { x0, y0, w, x: x0, y: y0, rowH: 0 }
}
const slot = (w: number, h: number) => {
  if (shelf.x + w > shelf.x0 + shelf.w && shelf.x > shelf.x0) {
    shelf.x = shelf.x0
    shelf.y -= shelf.rowH + 1
    shelf.rowH = 0
  }
  const pcbX = shelf.x + w / 2, pcbY = shelf.y - h / 2
  // the schematic keeps the same blocks, scaled (explicit positions also spare tscircuit's slow automatic layout)
  const at = { pcbX, pcbY, schX: pcbX * 0.6, schY: pcbY * 0.6 }
  shelf.x += w + 1
  shelf.rowH = Math.max(shelf.rowH, h)
  return at
}
const SIZE: Record<string, [number, number]> = {
  "0603": [2.6, 1.6], "0805": [3.2, 2.0], "1206": [4.4, 2.4], "1210": [4.6, 3.4], sma: [8.0, 4.0], sod123: [4.6, 2.0],
  electrolytic: [12, 11], sot23: [3.4, 3.2], sot89: [5.2, 5.0], sot223: [9.4, 8.0], soic8: [6.6, 5.6], soic16: [6.6, 10.6],
  tssop16: [7.0, 5.6], tssop30: [7.0, 8.4], ssop28: [8.4, 10.6], ssop8: [4.6, 3.4],
}
const sz = (footprint: any, fallback: [number, number]) =>
  typeof footprint === "string" ? SIZE[footprint.split("_")[0]] ?? fallback : fallback
const n = (name: string) => "net." + name

/** A part whose pins come from its committed pin table (parts/*.pins.json): connections and noConnect use its labels. */
const Part = (props: {
  name: string
  table: Table
  footprint: any
  connections: Record<string, string>
  noConnect?: string[]
  at: { pcbX: number; pcbY: number; schX: number; schY: number }
}) => {
  const at = props.at
  const labels: Record<string, string> = {}
  for (const p of props.table.pins) labels["pin" + p.pad] = p.label
  const conns: Record<string, string> = {}
  for (const [k, v] of Object.entries(props.connections)) conns[k] = n(v)
  return (
    <chip
      name={props.name}
      manufacturerPartNumber={props.table.part}
      footprint={props.footprint}
      pinLabels={labels}
      connections={conns}
      noConnect={props.noConnect ?? []}
      {...at}
    />
  )
}

const R = (name: string, value: string, a: string, b: string, footprint = "0603") => (
  <resistor name={name} resistance={value} footprint={footprint} {...slot(...sz(footprint, [3, 2]))} connections={{ pin1: n(a), pin2: n(b) }} />
)
const C = (name: string, value: string, a: string, b: string, footprint = "0603") => (
  <capacitor name={name} capacitance={value} footprint={footprint} {...slot(...sz(footprint, [3, 2]))} connections={{ pin1: n(a), pin2: n(b) }} />
)
/** Polarised capacitor: + on a. */
const CP = (name: string, value: string, a: string, b: string, footprint = "1210") => (
  <capacitor name={name} capacitance={value} footprint={footprint} polarized {...slot(...sz(footprint, [5, 4]))} connections={{ pin1: n(a), pin2: n(b) }} />
)
const D = (name: string, anode: string, cathode: string, footprint = "sod123", part = footprint === "sma" ? "SS14 (40 V 1 A Schottky)" : "1N4148W") => (
  <diode name={name} manufacturerPartNumber={part} footprint={footprint} {...slot(...sz(footprint, [5, 3]))} connections={{ anode: n(anode), cathode: n(cathode) }} />
)

// ---------------------------------------------------------------- power
// 12 V in (J5) -> MC34063A boost -> +48 V raw -> RC soft start + source follower -> P48_SOFT (relays switch it per channel)
// USB VBUS (J3 host, J4 debug) -> V5 -> AMS1117 (V3V3_D), TPS7A20 (V3V3_A), TPS65131 (+/-8 V) -> 78L05/79L05 (P5VA/N5VA)
const power = () => [
  region(-98, 68, 64),
  <Part at={slot(...([14, 7] as [number, number]))} name="J5" table={jack} footprint={fp.barrelJack()} connections={{ TIP: "V12_IN", SLEEVE: "GND" }} />,
  CP("C1", "100uF", "V12_IN", "GND"),
  <Part at={slot(...sz("soic8", [8, 8]))} name="U13" table={mc34063a} footprint="soic8"
    connections={{ VCC: "V12_IN", IPK: "B48_IPK", DC: "B48_DC", SWC: "B48_SW", SWE: "GND", TC: "B48_TC", GND: "GND", FB: "B48_FB" }} />,
  R("R1", "0.33", "V12_IN", "B48_IPK", "1206"),
  R("R2", "180", "B48_IPK", "B48_DC"),
  <inductor name="L1" inductance="220uH" footprint="1210" {...slot(4.6, 3.4)} connections={{ pin1: n("B48_IPK"), pin2: n("B48_SW") }} />,
  D("D1", "B48_SW", "P48_RAW", "sma", "SS16 (60 V 1 A Schottky)"),
  C("C2", "1nF", "B48_TC", "GND"),
  CP("C3", "22uF", "P48_RAW", "GND"),
  R("R3", "47k", "P48_RAW", "B48_FB"),
  R("R4", "1.24k", "B48_FB", "GND"),
  // soft start: 22 k into 47 uF (about 0.8 s), buffered by a source follower (hardware/notes/phantom-soft-start.md);
  // P48_SOFT settles one gate threshold (about 2 V) under P48_RAW's 48.6 V: 46-47 V, inside IEC 61938's 48 V +/- 4 V
  R("R5", "22k", "P48_RAW", "P48_RC"),
  CP("C4", "47uF", "P48_RC", "GND"),
  <mosfet name="Q1" manufacturerPartNumber="BSS123 (100 V N-MOSFET)" channelType="n" mosfetMode="enhancement" footprint="sot23" {...slot(3.4, 3.2)}
    connections={{ drain: n("P48_RAW"), gate: n("P48_RC"), source: n("P48_SOFT") }} />,
  CP("C5", "10uF", "P48_SOFT", "GND"),

  // 5 V from either USB connector, each through a Schottky so neither back-feeds the other
  D("D2", "VBUS_HOST", "V5", "sma"),
  D("D3", "VBUS_DBG", "V5", "sma"),
  CP("C6", "22uF", "V5", "GND"),

  <Part at={slot(...sz("sot223", [8, 8]))} name="U15" table={ams1117} footprint="sot223" connections={{ VIN: "V5", VOUT: "V3V3_D", TAB: "V3V3_D", GND: "GND" }} />,
  C("C7", "10uF", "V5", "GND", "0805"),
  C("C8", "22uF", "V3V3_D", "GND", "0805"),

  <Part at={slot(...([2, 2] as [number, number]))} name="U16" table={tps7a20} footprint={fp.x2son4()} connections={{ IN: "V5", EN: "V5", OUT: "V3V3_A", GND: "AGND", PAD: "AGND" }} />,
  C("C9", "1uF", "V5", "AGND"),
  C("C10", "1uF", "V3V3_A", "AGND"),

  // +/-8 V from V5 (TPS65131), then the quiet +/-5 V for the PGA2500s ([verify] SLVS493 typical application before layout):
  // VPOS = VREF (1.213 V) x (1 + 1M/180k) = 7.9 V, VNEG = -VREF x 1M/150k = -8.1 V, both above the 78L05/79L05's 1.7 V dropout
  <Part at={slot(5.6, 5.6)} name="U14" table={tps65131} footprint={fp.qfn(24, 4, 0.5, 2.5)}
    connections={{ VIN: "V5", ENP: "V5", ENN: "V5", PSP: "GND", PSN: "GND", INP1: "PM_SWP", INP24: "PM_SWP", VPOS: "P8_RAW", FBP: "PM_FBP",
      INN5: "V5", INN6: "V5", OUTN13: "PM_SWN", OUTN14: "PM_SWN", VNEG: "N8_RAW", FBN: "PM_FBN", VREF: "PM_VREF", CN: "PM_CN", CP: "PM_CP",
      AGND: "GND", PGND2: "GND", PGND3: "GND", EP: "GND" }}
    noConnect={["BSW", "NC12", "NC20"]} />,
  <inductor name="L2" inductance="4.7uH" footprint="1210" {...slot(4.6, 3.4)} connections={{ pin1: n("V5"), pin2: n("PM_SWP") }} />,
  D("D4", "PM_SWP", "P8_RAW", "sma"),
  <inductor name="L3" inductance="4.7uH" footprint="1210" {...slot(4.6, 3.4)} connections={{ pin1: n("PM_SWN"), pin2: n("GND") }} />,
  D("D5", "N8_RAW", "PM_SWN", "sma"),
  R("R6", "1M", "P8_RAW", "PM_FBP"),
  R("R7", "180k", "PM_FBP", "GND"),
  R("R8", "1M", "N8_RAW", "PM_FBN"),
  R("R9", "150k", "PM_FBN", "PM_VREF"),
  C("C11", "220nF", "PM_VREF", "GND"),
  C("C12", "4.7nF", "PM_CP", "GND"),
  C("C13", "4.7nF", "PM_CN", "GND"),
  C("C14", "4.7uF", "V5", "GND", "0805"),
  C("C15", "22uF", "P8_RAW", "GND", "1206"),
  C("C16", "22uF", "N8_RAW", "GND", "1206"),
  <Part at={slot(...sz("sot89", [8, 8]))} name="U19" table={l78l05} footprint="sot89" connections={{ IN: "P8_RAW", OUT: "P5VA", GND: "AGND" }} />,
  <Part at={slot(...sz("sot89", [8, 8]))} name="U20" table={l79l05} footprint="sot89" connections={{ IN: "N8_RAW", OUT: "N5VA", GND: "AGND" }} />,
  C("C17", "10uF", "P5VA", "AGND", "0805"),
  C("C18", "10uF", "N5VA", "AGND", "0805"),

  // the star point: analog and digital ground meet once, at the PCM1863 (layout: place R_STAR under U4)
  <resistor name="R_STAR" resistance="0" footprint="0603" {...slot(2.6, 1.6)} connections={{ pin1: n("AGND"), pin2: n("GND") }} />,
]

// ---------------------------------------------------------------- MCU, USB, host link
const mcu = () => [
  region(-32, 68, 72),
  <Part at={slot(...([20, 28] as [number, number]))} name="U1" table={esp32} footprint={fp.wroom1()}
    connections={{
      GND1: "GND", GND40: "GND", GND41: "GND", V3V3: "V3V3_D", EN: "ESP_EN",
      IO12: "SPI1_SCLK", IO11: "SPI1_MOSI", IO13: "SPI1_MISO", IO10: "PGA_CS", IO9: "LED_LATCH",
      IO14: "SPI2_SCLK", IO21: "SPI2_MOSI", IO47: "SPI2_MISO", IO48: "ADC_CS",
      IO4: "I2S_BCK", IO5: "I2S_LRCK", IO6: "I2S_DIN",
      IO7: "PGA_ZCEN", IO15: "PGA_OVR1", IO16: "PGA_OVR2", IO17: "PHANTOM1", IO18: "PHANTOM2",
      IO1: "ENC_A", IO2: "ENC_B", IO38: "ENC_SW", IO39: "BTN_CHANNEL", IO40: "BTN_48V",
      IO41: "HOST_TX", IO42: "HOST_RX",
      IO19: "USB_DBG_DM", IO20: "USB_DBG_DP",
      IO0: "STRAP_IO0", IO45: "STRAP_IO45",
    }}
    noConnect={["IO3", "IO46", "IO8", "IO35", "IO36", "IO37", "RXD0", "TXD0"]} />,
  C("C20", "10uF", "V3V3_D", "GND", "0805"),
  C("C21", "100nF", "V3V3_D", "GND"),
  // EN: RC reset delay (Espressif: 10 k + 1 uF)
  R("R10", "10k", "V3V3_D", "ESP_EN"),
  C("C22", "1uF", "ESP_EN", "GND"),
  // strapping: GPIO0 high = SPI boot (BOOT button pulls it low to enter the ROM loader); GPIO45 low = 3.3 V VDD_SPI
  // (the N16R8's flash and PSRAM are 3.3 V); GPIO46 and GPIO3 left open (internal pull-down, JTAG from eFuse)
  R("R11", "10k", "V3V3_D", "STRAP_IO0"),
  <chip name="SW3" manufacturerPartNumber="6x6 mm tactile switch (BOOT)" footprint={fp.tact()} {...slot(9, 7)} pinLabels={{ pin1: "A1", pin2: "A2", pin3: "B1", pin4: "B2" }}
    connections={{ A1: n("STRAP_IO0"), A2: n("STRAP_IO0"), B1: n("GND"), B2: n("GND") }} />,
  R("R12", "10k", "STRAP_IO45", "GND"),

  // J4: USB-C to the ESP32-S3's own USB (flashing, nanoFramework debugger)
  <Part at={slot(...([10, 8] as [number, number]))} name="J4" table={usbc} footprint={fp.usbC16()}
    connections={{ GND_A1: "GND", GND_A12: "GND", GND_B1: "GND", GND_B12: "GND", SHIELD: "GND",
      VBUS_A4: "VBUS_DBG", VBUS_A9: "VBUS_DBG", VBUS_B4: "VBUS_DBG", VBUS_B9: "VBUS_DBG",
      CC1: "USB_DBG_CC1", CC2: "USB_DBG_CC2", DP1: "USB_DBG_DP", DP2: "USB_DBG_DP", DN1: "USB_DBG_DM", DN2: "USB_DBG_DM" }}
    noConnect={["SBU1", "SBU2"]} />,
  R("R13", "5.1k", "USB_DBG_CC1", "GND"),
  R("R14", "5.1k", "USB_DBG_CC2", "GND"),

  // J3 + U11: USB-C to the CH343P, the 4 Mbaud host link (COM2); J3's VBUS also powers the board
  <Part at={slot(...([10, 8] as [number, number]))} name="J3" table={usbc} footprint={fp.usbC16()}
    connections={{ GND_A1: "GND", GND_A12: "GND", GND_B1: "GND", GND_B12: "GND", SHIELD: "GND",
      VBUS_A4: "VBUS_HOST", VBUS_A9: "VBUS_HOST", VBUS_B4: "VBUS_HOST", VBUS_B9: "VBUS_HOST",
      CC1: "USB_HOST_CC1", CC2: "USB_HOST_CC2", DP1: "USB_HOST_DP", DP2: "USB_HOST_DP", DN1: "USB_HOST_DM", DN2: "USB_HOST_DM" }}
    noConnect={["SBU1", "SBU2"]} />,
  R("R15", "5.1k", "USB_HOST_CC1", "GND"),
  R("R16", "5.1k", "USB_HOST_CC2", "GND"),
  <Part at={slot(4.6, 4.6)} name="U11" table={ch343p} footprint={fp.qfn(16, 3, 0.5, 1.6)}
    connections={{ VDD5: "VBUS_HOST", V3: "CH343_V3", VIO: "V3V3_D", GND2: "GND", GND17: "GND", TXD: "HOST_RX", RXD: "HOST_TX",
      UDP: "USB_HOST_DP", UDM: "USB_HOST_DM", VBUS: "CH343_VBUS" }}
    noConnect={["ACT_N", "DCD_N", "DTR_N", "RTS_N", "DSR_N", "CTS_N", "RI_N"]} />,
  C("C23", "100nF", "VBUS_HOST", "GND"),
  C("C24", "100nF", "CH343_V3", "GND"),
  C("C25", "100nF", "V3V3_D", "GND"),
  // VBUS detect, divided to the chip's 3.3 V domain ([verify] CH343DS1)
  R("R17", "10k", "VBUS_HOST", "CH343_VBUS"),
  R("R18", "20k", "CH343_VBUS", "GND"),
]

// ---------------------------------------------------------------- one input channel: XLR -> phantom -> pad -> polarity -> protection -> PGA2500
const channel = (ch: 1 | 2) => {
  const k = (s: string) => s + ch
  const base = ch === 1 ? 100 : 200
  const ref = (p: string, i: number) => p + (base + i)
  const pga = ch === 1 ? "U2" : "U3"
  const relay = (name: string, coilNet: string, conns: Record<string, string>, nc: string[]) => [
    <Part at={slot(...([12, 10] as [number, number]))} name={name} table={g6k2f} footprint={fp.g6k2f()} connections={{ COIL_P: "V5", COIL_N: coilNet, ...conns }} noConnect={nc} />,
    D(ref("D", name.endsWith("A") ? 1 : name.endsWith("B") ? 2 : 3), coilNet, "V5"),
  ]
  return [
    region(ch === 1 ? -98 : 2, 24, 96),
    <Part at={slot(...([11, 18] as [number, number]))} name={k("J")} table={xlr} footprint={fp.xlr3()} connections={{ P1: "AGND", SHELL: "AGND", P2: k("XLR_HOT"), P3: k("XLR_COLD") }} />,
    // EMI filter: three 1000 pF (SBOS396B Figure 14)
    C(ref("C", 1), "1nF", k("XLR_HOT"), "AGND", "0805"),
    C(ref("C", 2), "1nF", k("XLR_COLD"), "AGND", "0805"),
    C(ref("C", 3), "1nF", k("XLR_HOT"), k("XLR_COLD"), "0805"),
    // P48 feed: 6.81 k 0.1 %, matched pair, 0.25 W (IEC 61938; SBOS396B Figure 14)
    R(ref("R", 1), "6.81k", k("XLR_HOT"), k("PH_FEED"), "1206"),
    R(ref("R", 2), "6.81k", k("XLR_COLD"), k("PH_FEED"), "1206"),
    // phantom relay: pole 1 brings the soft-started 48 V, pole 2 bleeds the feed (220 k) while off
    ...relay(k("K") + "A", k("RLY_PH"), { COM1: "P48_SOFT", NO1: k("PH_FEED"), COM2: k("PH_FEED"), NC2: k("PH_BLEED") }, ["NC1", "NO2"]),
    R(ref("R", 3), "220k", k("PH_BLEED"), "AGND"),
    // blocking capacitors, 47 uF 63 V (+ toward the XLR, which sits at 48 V)
    CP(ref("C", 4), "47uF", k("XLR_HOT"), k("IN_P"), "electrolytic_d8mm"),
    CP(ref("C", 5), "47uF", k("XLR_COLD"), k("IN_N"), "electrolytic_d8mm"),
    // -20 dB pad: 820 R in each leg (shorted by the NC contacts) and 180 R across the legs (through the NO contacts)
    R(ref("R", 4), "820", k("IN_P"), k("X_P")),
    R(ref("R", 5), "820", k("IN_N"), k("X_N")),
    ...relay(k("K") + "B", k("RLY_PAD"), { COM1: k("X_P"), NC1: k("IN_P"), NO1: k("PAD_SHA"), COM2: k("X_N"), NC2: k("IN_N"), NO2: k("PAD_SHB") }, []),
    R(ref("R", 6), "180", k("PAD_SHA"), k("PAD_SHB")),
    // polarity: crosses the legs when energised
    ...relay(k("K") + "C", k("RLY_POL"), { COM1: k("Y_P"), NC1: k("X_P"), NO1: k("X_N"), COM2: k("Y_N"), NC2: k("X_N"), NO2: k("X_P") }, []),
    // protection: power Schottky diodes to VA+ and VA- (SBOS396B Figure 14; PGA2500EVM SBOU023 section 3.5 D6-D9)
    // and a series resistor into each input (SBOU023 R7/R8; 10 R in 1206, pulse-rated: a 0603 blows, TI E2E 829315)
    D(ref("D", 4), k("Y_P"), "P5VA", "sma"),
    D(ref("D", 5), "N5VA", k("Y_P"), "sma"),
    D(ref("D", 6), k("Y_N"), "P5VA", "sma"),
    D(ref("D", 7), "N5VA", k("Y_N"), "sma"),
    R(ref("R", 7), "10", k("Y_P"), k("PGA_INP"), "1206"),
    R(ref("R", 8), "10", k("Y_N"), k("PGA_INN"), "1206"),

    <Part at={slot(...sz("ssop28_p0.65mm", [8, 8]))} name={pga} table={pga2500} footprint="ssop28_p0.65mm"
      connections={{
        VIN_P: k("PGA_INP"), VIN_N: k("PGA_INN"), VCOMIN: "AGND", AGND: "AGND", DGND: "AGND",
        VA_P18: "P5VA", VA_P19: "P5VA", VA_N15: "N5VA", VA_N20: "N5VA", VD_N: "N5VA",
        CS11: k("PGA_SERVO1A"), CS12: k("PGA_SERVO1B"), CS21: k("PGA_SERVO2A"), CS22: k("PGA_SERVO2B"),
        VOUT_P: k("PGA_OUTP"), VOUT_N: k("PGA_OUTN"),
        SCLK: "SPI1_SCLK", CS_N: "PGA_CS", SDI: ch === 1 ? "SPI1_MOSI" : "PGA_CHAIN", SDO: ch === 1 ? "PGA_CHAIN" : "PGA_SDO_5V",
        ZCEN: "PGA_ZCEN", DB0: "AGND", DCEN_N: "AGND", OVR: k("PGA_OVR_5V_"),
        GPO1: k("PAD_DRV"), GPO2: k("POL_DRV"),
      }}
      noConnect={["GPO3", "GPO4"]} />,
    C(ref("C", 6), "1uF", k("PGA_SERVO1A"), k("PGA_SERVO1B"), "1206"),
    C(ref("C", 7), "1uF", k("PGA_SERVO2A"), k("PGA_SERVO2B"), "1206"),
    C(ref("C", 8), "100nF", "P5VA", "AGND"),
    C(ref("C", 9), "10uF", "P5VA", "AGND", "0805"),
    C(ref("C", 10), "100nF", "N5VA", "AGND"),
    C(ref("C", 11), "10uF", "N5VA", "AGND", "0805"),
    C(ref("C", 12), "100nF", "N5VA", "AGND"),

    // to the PCM1863: 10 uF film coupling, then 100 R + 1 nF to AGND (hardware/analog-interface.md)
    C(ref("C", 13), "10uF", k("PGA_OUTP"), k("ADC_AC_P"), "1210"),
    C(ref("C", 14), "10uF", k("PGA_OUTN"), k("ADC_AC_N"), "1210"),
    R(ref("R", 9), "100", k("ADC_AC_P"), "ADC_VIN" + ch + "P"),
    R(ref("R", 10), "100", k("ADC_AC_N"), "ADC_VIN" + ch + "M"),
    C(ref("C", 15), "1nF", "ADC_VIN" + ch + "P", "AGND"),
    C(ref("C", 16), "1nF", "ADC_VIN" + ch + "M", "AGND"),
  ]
}

// ---------------------------------------------------------------- converter
const adc = () => [
  region(42, 68, 56),
  <Part at={slot(...sz("tssop30_p0.5mm", [8, 8]))} name="U4" table={pcm1863} footprint="tssop30_p0.5mm"
    connections={{
      AVDD: "V3V3_A", AGND: "AGND", DVDD: "V3V3_D", IOVDD: "V3V3_D", DGND: "GND", LDO: "ADC_LDO", VREF: "ADC_VREF",
      XI: "GND", SCKI: "GND", MD0: "V3V3_D", MS: "ADC_CS", MC: "SPI2_SCLK", MOSI: "SPI2_MOSI", MISO: "SPI2_MISO",
      BCK: "I2S_BCK", LRCK: "I2S_LRCK", DOUT: "I2S_DIN",
      VIN1P: "ADC_VIN1P", VIN1M: "ADC_VIN1M", VIN2P: "ADC_VIN2P", VIN2M: "ADC_VIN2M",
    }}
    noConnect={["MICBIAS", "XO", "GPIO1", "GPIO2", "GPIO3", "VIN3P", "VIN3M", "VIN4P", "VIN4M"]} />,
  C("C30", "100nF", "V3V3_A", "AGND"),
  C("C31", "10uF", "V3V3_A", "AGND", "0805"),
  C("C32", "100nF", "V3V3_D", "GND"),
  C("C33", "10uF", "V3V3_D", "GND", "0805"),
  C("C34", "100nF", "V3V3_D", "GND"),
  C("C35", "100nF", "ADC_LDO", "GND"),
  C("C36", "1uF", "ADC_VREF", "AGND"),
  R("R30", "10k", "V3V3_D", "ADC_CS"),
]

// ---------------------------------------------------------------- logic: level shifter, gain chain select, relay drivers
const logic = () => [
  region(42, 40, 56),
  // the PGA2500's logic runs from VA+ (5 V): its SDO and OVR reach the 3.3 V ESP32 through a 5 V-tolerant buffer on 3.3 V
  <Part at={slot(...sz("ssop8_p0.65mm", [8, 8]))} name="U18" table={lvc3g34} footprint="ssop8_p0.65mm"
    connections={{ VCC: "V3V3_D", GND: "GND", A1: "PGA_SDO_5V", Y1: "SPI1_MISO", A2: "PGA_OVR_5V_1", Y2: "PGA_OVR1", A3: "PGA_OVR_5V_2", Y3: "PGA_OVR2" }} />,
  C("C40", "100nF", "V3V3_D", "GND"),
  R("R40", "100k", "PGA_SDO_5V", "GND"),
  R("R41", "10k", "V3V3_D", "PGA_CS"),

  // relay drivers: every input pulled low (100 k), so undriven means open (hardware/notes/relay-drive.md)
  <Part at={slot(...sz("soic16", [8, 8]))} name="U12" table={uln2003a} footprint="soic16"
    connections={{ B1: "PHANTOM1", B2: "PHANTOM2", B3: "PAD_DRV1", B4: "POL_DRV1", B5: "PAD_DRV2", B6: "POL_DRV2", B7: "GND", E: "GND", COM: "V5",
      C1: "RLY_PH1", C2: "RLY_PH2", C3: "RLY_PAD1", C4: "RLY_POL1", C5: "RLY_PAD2", C6: "RLY_POL2" }}
    noConnect={["C7"]} />,
  R("R42", "100k", "PHANTOM1", "GND"),
  R("R43", "100k", "PHANTOM2", "GND"),
  R("R44", "100k", "PAD_DRV1", "GND"),
  R("R45", "100k", "POL_DRV1", "GND"),
  R("R46", "100k", "PAD_DRV2", "GND"),
  R("R47", "100k", "POL_DRV2", "GND"),
  C("C41", "100nF", "V5", "GND"),
]

// ---------------------------------------------------------------- front panel: 6 x 74HC595 -> 42 LEDs, encoder, buttons
const panel = () => {
  region(-98, -34, 196)
  const out: any[] = []
  const outs = ["QA", "QB", "QC", "QD", "QE", "QF", "QG", "QH"]
  let led = 1
  for (let i = 0; i < 6; i++) {
    const u = "U" + (5 + i)
    const conns: Record<string, string> = {
      VCC: "V3V3_D", GND: "GND", SRCLK: "SPI1_SCLK", RCLK: "LED_LATCH", OE_N: "GND", SRCLR_N: "V3V3_D",
      SER: i === 0 ? "SPI1_MOSI" : "LED_CHAIN" + i,
    }
    const nc: string[] = []
    if (i < 5) conns.QH_S = "LED_CHAIN" + (i + 1)
    else nc.push("QH_S")
    for (const q of outs) {
      if (led <= 42) {
        const net = "LED" + led + "_Q"
        conns[q] = net
        out.push(R("R" + (300 + led), "1k", net, "LED" + led + "_A"))
        out.push(<led name={"LED" + led} manufacturerPartNumber="LED 0603 (front panel, under light pipes)" footprint="0603" {...slot(2.6, 1.6)} connections={{ anode: n("LED" + led + "_A"), cathode: n("GND") }} />)
        led++
      } else nc.push(q)
    }
    out.push(<Part at={slot(...sz("tssop16", [8, 8]))} name={u} table={hc595} footprint="tssop16" connections={conns} noConnect={nc} />)
    out.push(C("C" + (50 + i), "100nF", "V3V3_D", "GND"))
  }
  out.push(
    <Part at={slot(...([8, 18] as [number, number]))} name="ENC1" table={ec11pins} footprint={fp.ec11()} connections={{ A: "ENC_A", B: "ENC_B", C: "GND", S1: "ENC_SW", S2: "GND" }} />,
    R("R60", "10k", "V3V3_D", "ENC_A"),
    R("R61", "10k", "V3V3_D", "ENC_B"),
    <chip name="SW1" manufacturerPartNumber="6x6 mm tactile switch (CHANNEL)" footprint={fp.tact()} {...slot(9, 7)} pinLabels={{ pin1: "A1", pin2: "A2", pin3: "B1", pin4: "B2" }}
      connections={{ A1: n("BTN_CHANNEL"), A2: n("BTN_CHANNEL"), B1: n("GND"), B2: n("GND") }} />,
    <chip name="SW2" manufacturerPartNumber="6x6 mm tactile switch (48V)" footprint={fp.tact()} {...slot(9, 7)} pinLabels={{ pin1: "A1", pin2: "A2", pin3: "B1", pin4: "B2" }}
      connections={{ A1: n("BTN_48V"), A2: n("BTN_48V"), B1: n("GND"), B2: n("GND") }} />,
  )
  return out
}

/** The board. The netlist build leaves the schematic out: tscircuit's schematic trace solver takes minutes on a board
 *  this size, so the schematic has its own entry (schematic.circuit.tsx) and build step (build.sh --schematic). */
export const Board = (props: { schematic: boolean }) => {
  shelf = { x0: 0, y0: 0, w: 0, x: 0, y: 0, rowH: 0 }
  return (
    <board width="200mm" height="140mm" schematicDisabled={!props.schematic}>
      {power()}
      {mcu()}
      {channel(1)}
      {channel(2)}
      {adc()}
      {logic()}
      {panel()}
    </board>
  )
}

export default () => <Board schematic={false} />
