#!/usr/bin/env python3
"""Writes the pins of KiCad's official symbols (number, name, electrical type) as JSON snapshots beside this file.

Usage: extract.py SYMBOL_DIR [--check]
SYMBOL_DIR is a KiCad symbol library folder, e.g. /usr/share/kicad/symbols from Debian's kicad-symbols
(9.0.8 from bookworm-backports has every part listed below; bookworm's 6.0.10 has only the 74HC595, ULN2003A,
TPS65131, G6K-2, BAV99 and XLR3). With --check it compares instead of writing and exits 1 on a difference.
The snapshots let the test suite (BoardCircuitTests) compare our pin tables with KiCad's without KiCad installed.
KiCad's symbol library is CC-BY-SA 4.0 (with an exception for designs using it); pin numbers and names are its facts.
"""
import json, os, re, sys

# our part file -> (library file, symbol name)
SYMBOLS = {
    "esp32-s3-wroom-1": ("RF_Module", "ESP32-S3-WROOM-1"),
    "pga2500": ("Audio", "PGA2500"),
    "pcm1863": ("Audio", "PCM1862DBT"),
    "ch343p": ("Interface_USB", "CH343P"),
    "74hc595": ("74xx", "74HC595"),
    "uln2003a": ("Transistor_Array", "ULN2003A"),
    "tps65131": ("Regulator_Switching", "TPS65131RGE"),
    "tps7a20": ("Regulator_Linear", "TPS7A20xxxDQN"),
    "g6k-2f": ("Relay", "G6K-2"),
    "usb-c-receptacle": ("Connector", "USB_C_Receptacle_USB2.0_16P"),
    "xlr3": ("Connector_Audio", "XLR3_Ground"),
    "sn74lvc3g34": ("74xGxx", "74LVC3G34"),
    "ams1117-3.3": ("Regulator_Linear", "AMS1117-3.3"),
    "mc34063a": ("Regulator_Switching", "MC34063AD"),
    "l78l05-sot89": ("Regulator_Linear", "MC78L05_SOT89"),
    "l79l05-sot89": ("Regulator_Linear", "L79L05_SOT89"),
    "ec11": ("Device", "RotaryEncoder_Switch"),
    "barrel-jack": ("Connector", "Barrel_Jack"),
}

TOKEN = re.compile(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+')


def parse(text):
    stack, cur = [], []
    for t in TOKEN.findall(text):
        if t == "(":
            stack.append(cur); cur = []
        elif t == ")":
            done = cur; cur = stack.pop(); cur.append(done)
        else:
            cur.append(t[1:-1].replace('\\"', '"') if t.startswith('"') else t)
    return cur[0]


def symbols_of(lib):
    return {s[1]: s for s in lib if isinstance(s, list) and s and s[0] == "symbol"}


def pins(sym, table):
    out = {}
    ext = [x for x in sym if isinstance(x, list) and x and x[0] == "extends"]
    if ext:
        out.update(pins(table[ext[0][1]], table))

    def walk(node):
        for x in node:
            if isinstance(x, list) and x:
                if x[0] == "pin":
                    etype = x[1]
                    name = next(y[1] for y in x if isinstance(y, list) and y and y[0] == "name")
                    number = next(y[1] for y in x if isinstance(y, list) and y and y[0] == "number")
                    out[number] = {"number": number, "name": name, "kicadType": etype}
                elif x[0] == "symbol":
                    walk(x)
    walk(sym)
    return out


def main():
    folder, check = sys.argv[1], "--check" in sys.argv
    here = os.path.dirname(os.path.abspath(__file__))
    version = os.environ.get("KICAD_SYMBOLS_VERSION", "9.0.8 (Debian kicad-symbols 9.0.8-1~bpo12+1)")
    bad = 0
    for part, (libname, symname) in SYMBOLS.items():
        path = os.path.join(folder, libname + ".kicad_sym")
        if not os.path.exists(path):
            print("missing library " + path); bad += 1; continue
        with open(path, encoding="utf-8") as f:
            table = symbols_of(parse(f.read()))
        if symname not in table:
            print("not in this library: " + libname + ":" + symname); bad += 1; continue
        ps = sorted(pins(table[symname], table).values(), key=lambda p: (len(p["number"]), p["number"]))
        doc = {"symbol": libname + ":" + symname, "kicadSymbols": version, "pins": ps}
        target = os.path.join(here, part + ".json")
        text = json.dumps(doc, indent=1) + "\n"
        if check:
            old = json.load(open(target)) if os.path.exists(target) else None
            if old is None or old["pins"] != ps:
                print("differs from the snapshot: " + part); bad += 1
        else:
            open(target, "w").write(text)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
