// Land patterns that no footprint string covers, drawn from the parts' datasheets. Dimensions in mm.
// [verify] each against the datasheet drawing named beside it before ordering boards.

type Pad = { pad: number; x: number; y: number; w: number; h: number }

const smt = (pads: Pad[]) => (
  <footprint>
    {pads.map((p) => (
      <smtpad portHints={["pin" + p.pad]} pcbX={p.x} pcbY={p.y} width={p.w} height={p.h} shape="rect" />
    ))}
  </footprint>
)

type Hole = { pad: number; x: number; y: number; hole: number; ring: number }
const tht = (holes: Hole[], extra: Pad[] = []) => (
  <footprint>
    {holes.map((h) => (
      <platedhole portHints={["pin" + h.pad]} pcbX={h.x} pcbY={h.y} holeDiameter={h.hole} outerDiameter={h.ring} shape="circle" />
    ))}
    {extra.map((p) => (
      <smtpad portHints={["pin" + p.pad]} pcbX={p.x} pcbY={p.y} width={p.w} height={p.h} shape="rect" />
    ))}
  </footprint>
)

/** ESP32-S3-WROOM-1: 18 x 25.5 mm module, 40 castellated pads at 1.27 mm and the exposed GND pad (pin 41).
 *  Espressif ESP32-S3-WROOM-1 datasheet, "Recommended PCB Land Pattern". Pins 1-14 down the left side,
 *  15-26 along the bottom, 27-40 up the right side; the antenna end (top) stays clear of copper. */
export const wroom1 = () => {
  const pads: Pad[] = []
  for (let i = 0; i < 14; i++) pads.push({ pad: 1 + i, x: -8.75, y: 6.51 - i * 1.27, w: 1.5, h: 0.9 })
  for (let i = 0; i < 12; i++) pads.push({ pad: 15 + i, x: -6.985 + i * 1.27, y: -12.0, w: 0.9, h: 1.5 })
  for (let i = 0; i < 14; i++) pads.push({ pad: 27 + i, x: 8.75, y: -10.0 + i * 1.27, w: 1.5, h: 0.9 })
  pads.push({ pad: 41, x: -1.5, y: -2.5, w: 3.7, h: 3.7 })
  return smt(pads)
}

/** QFN with exposed pad: n pins counter-clockwise from pin 1 at the top of the left side. */
export const qfn = (n: number, body: number, pitch: number, ep: number) => {
  const per = n / 4
  const pads: Pad[] = []
  const span = (per - 1) * pitch
  const edge = body / 2 - 0.1
  for (let i = 0; i < per; i++) {
    const t = -span / 2 + i * pitch
    pads.push({ pad: 1 + i, x: -edge, y: -t, w: 0.7, h: 0.25 })
    pads.push({ pad: 1 + per + i, x: t, y: -edge, w: 0.25, h: 0.7 })
    pads.push({ pad: 1 + 2 * per + i, x: edge, y: t, w: 0.7, h: 0.25 })
    pads.push({ pad: 1 + 3 * per + i, x: -t, y: edge, w: 0.25, h: 0.7 })
  }
  pads.push({ pad: n + 1, x: 0, y: 0, w: ep, h: ep })
  return smt(pads)
}

/** TI DQN (X2SON-4, 1 x 1 mm) with its thermal pad: TPS7A20 datasheet, "Example Land Pattern". */
export const x2son4 = () =>
  smt([
    { pad: 1, x: -0.38, y: 0.33, w: 0.3, h: 0.25 },
    { pad: 2, x: -0.38, y: -0.33, w: 0.3, h: 0.25 },
    { pad: 3, x: 0.38, y: -0.33, w: 0.3, h: 0.25 },
    { pad: 4, x: 0.38, y: 0.33, w: 0.3, h: 0.25 },
    { pad: 5, x: 0, y: 0, w: 0.2, h: 0.4 },
  ])

/** Omron G6K-2F-Y (SMD): 2 rows of 4 gull-wing terminals, 3.2 mm pitch; Omron G6K datasheet, "PCB Mounting Pad Dimensions". */
export const g6k2f = () => {
  const pads: Pad[] = []
  for (let i = 0; i < 4; i++) pads.push({ pad: 1 + i, x: -3.2 * 1.5 + i * 3.2, y: -3.55, w: 0.9, h: 1.6 })
  for (let i = 0; i < 4; i++) pads.push({ pad: 8 - i, x: -3.2 * 1.5 + i * 3.2, y: 3.55, w: 0.9, h: 1.6 })
  return smt(pads)
}

/** Neutrik NC3FAH2 (XLR-3 female, horizontal): pins 1-3 and the shell lug, Neutrik drawing. */
export const xlr3 = () =>
  tht([
    { pad: 1, x: -3.81, y: 0, hole: 1.3, ring: 2.2 },
    { pad: 2, x: 3.81, y: 0, hole: 1.3, ring: 2.2 },
    { pad: 3, x: 0, y: -6.35, hole: 1.3, ring: 2.2 },
    { pad: 4, x: 0, y: 7.6, hole: 1.6, ring: 2.8 },
  ])

/** USB Type-C receptacle, USB 2.0, 16 pins (GCT USB4105-GF-A style): one row of signal pads, shell pad.
 *  [verify] a simplified pad row: replace with the chosen connector's land pattern in KiCad. */
export const usbC16 = () => {
  const pads: Pad[] = []
  for (let i = 0; i < 16; i++) pads.push({ pad: 1 + i, x: -3.75 + i * 0.5, y: 0, w: 0.3, h: 1.1 })
  pads.push({ pad: 17, x: 0, y: -3.0, w: 8.6, h: 1.2 })
  return smt(pads)
}

/** Alps EC11E encoder with switch: A, B, C on 2.5 mm, switch S1/S2 5 mm apart (Alps EC11 drawing). */
export const ec11 = () =>
  tht([
    { pad: 1, x: -2.5, y: -7.5, hole: 1.0, ring: 1.8 },
    { pad: 3, x: 0, y: -7.5, hole: 1.0, ring: 1.8 },
    { pad: 2, x: 2.5, y: -7.5, hole: 1.0, ring: 1.8 },
    { pad: 4, x: -2.5, y: 7.0, hole: 1.0, ring: 1.8 },
    { pad: 5, x: 2.5, y: 7.0, hole: 1.0, ring: 1.8 },
  ])

/** 2.1 mm DC jack (CUI PJ-002A): centre pin and sleeve. */
export const barrelJack = () =>
  tht([
    { pad: 1, x: 0, y: 0, hole: 1.6, ring: 3.0 },
    { pad: 2, x: -6.0, y: 0, hole: 1.6, ring: 3.0 },
  ])

/** 6 x 6 mm tactile switch: pins 1-2 joined inside, 3-4 joined inside. */
export const tact = () =>
  tht([
    { pad: 1, x: -3.25, y: 2.25, hole: 1.0, ring: 1.8 },
    { pad: 2, x: 3.25, y: 2.25, hole: 1.0, ring: 1.8 },
    { pad: 3, x: -3.25, y: -2.25, hole: 1.0, ring: 1.8 },
    { pad: 4, x: 3.25, y: -2.25, hole: 1.0, ring: 1.8 },
  ])
