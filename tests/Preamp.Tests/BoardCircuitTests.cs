// Board rev B as built from hardware/board/*.circuit.tsx (circuit.json, by hardware/board/build.sh, which test.sh runs
// first): checked against the parts' pin tables, the firmware's pin map (BoardRevB.cs) and hardware/pinmap.md, the
// rails every power pin needs, the module's strapping pins, and KiCad's official symbols. tscircuit's own build
// exits 0 with errors in the design, so these checks are the ones that count.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PreampFirmware.Hal;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>Runs when hardware/board/build.sh has produced circuit.json; under CI a missing build fails instead of skipping.</summary>
public sealed class BoardFactAttribute : FactAttribute
{
    public BoardFactAttribute()
    {
        if (File.Exists(BoardCircuit.CircuitJsonPath) || Environment.GetEnvironmentVariable("CI") == "true") return;
        Skip = "needs hardware/board/build.sh (Node 20 + npm; test.sh runs it)";
    }
}

/// <summary>One pin of a part as its committed pin table gives it (hardware/board/parts/*.pins.json).</summary>
public sealed record TablePin(int Pad, string Number, string Name, string Label, string Type, int? Gpio, string[] Aka, bool KicadAbsent, bool KicadTypeNote);

/// <summary>A part's pin table: the datasheet's pinout, transcribed.</summary>
public sealed record PinTable(string File, string Part, string Datasheet, string Table, string? Kicad, IReadOnlyList<TablePin> Pins)
{
    public static IReadOnlyList<PinTable> LoadAll() =>
        Directory.GetFiles(RepoPaths.Combine("hardware", "board", "parts"), "*.pins.json").OrderBy(f => f).Select(Load).ToList();

    public static PinTable Load(string path)
    {
        var doc = JsonNode.Parse(System.IO.File.ReadAllText(path))!;
        var pins = doc["pins"]!.AsArray().Select(p => new TablePin(
            (int)p!["pad"]!, (string)p["number"]!, (string)p["name"]!, (string)p["label"]!, (string)p["type"]!,
            p["gpio"] is null ? null : (int)p["gpio"]!,
            p["aka"]?.AsArray().Select(a => (string)a!).ToArray() ?? Array.Empty<string>(),
            p["kicadAbsent"] is not null, p["kicadTypeNote"] is not null)).ToList();
        return new PinTable(Path.GetFileName(path).Replace(".pins.json", ""), (string)doc["part"]!, (string)doc["datasheet"]!,
            (string)doc["table"]!, (string?)doc["kicad"], pins);
    }
}

/// <summary>circuit.json read as parts, ports and nets. Nets are tscircuit's connectivity keys; named nets carry names.</summary>
public sealed class BoardCircuit
{
    public static string CircuitJsonPath => RepoPaths.Combine("hardware", "board", "dist", "board", "circuit.json");

    public sealed record Component(string Id, string Name, string Ftype, string? Mpn);
    public sealed record Port(string Id, string ComponentId, int PinNumber, string Name, string? Key, bool DoNotConnect);

    public JsonArray Json { get; }
    public IReadOnlyDictionary<string, Component> Components { get; }
    public IReadOnlyList<Port> Ports { get; }
    /// <summary>Named nets: name to connectivity key.</summary>
    public IReadOnlyList<(string Name, string? Key)> Nets { get; }

    public BoardCircuit(JsonArray json)
    {
        Json = json;
        var items = json.Select(e => e!.AsObject()).ToList();
        Components = items.Where(e => (string?)e["type"] == "source_component").Select(e => new Component(
            (string)e["source_component_id"]!, (string)e["name"]!, (string?)e["ftype"] ?? "",
            (string?)e["manufacturer_part_number"])).ToDictionary(c => c.Id);
        Ports = items.Where(e => (string?)e["type"] == "source_port").Select(e => new Port(
            (string)e["source_port_id"]!, (string)e["source_component_id"]!, e["pin_number"] is null ? 0 : (int)e["pin_number"]!,
            (string)e["name"]!, (string?)e["subcircuit_connectivity_map_key"], e["do_not_connect"] is JsonValue v && (bool)v)).ToList();
        Nets = items.Where(e => (string?)e["type"] == "source_net").Select(e => ((string)e["name"]!, (string?)e["subcircuit_connectivity_map_key"])).ToList();
    }

    public static BoardCircuit Load()
    {
        Assert.True(File.Exists(CircuitJsonPath), CircuitJsonPath + " is missing: hardware/board/build.sh failed or did not run");
        return new BoardCircuit(JsonNode.Parse(File.ReadAllText(CircuitJsonPath))!.AsArray());
    }

    public Component Part(string name) => Components.Values.Single(c => c.Name == name);
    public IEnumerable<Port> PortsOf(string name) { var id = Part(name).Id; return Ports.Where(p => p.ComponentId == id); }
    public Port Pin(string part, int pad) => PortsOf(part).Single(p => p.PinNumber == pad);

    /// <summary>Names of the named nets a port is on (more than one only when nets are shorted together).</summary>
    public IReadOnlyList<string> NetNames(Port p) => p.Key is null ? Array.Empty<string>() : Nets.Where(n => n.Key == p.Key).Select(n => n.Name).ToList();

    /// <summary>True when something else shares the port's connection: another port or a named net.</summary>
    public bool IsConnected(Port p) => p.Key is not null && (Nets.Any(n => n.Key == p.Key) || Ports.Any(o => o.Id != p.Id && o.Key == p.Key));

    /// <summary>Every port on the same connection as p, except p, with its part's name.</summary>
    public IEnumerable<(Component Part, Port Port)> Neighbours(Port p) =>
        p.Key is null ? Enumerable.Empty<(Component, Port)>() : Ports.Where(o => o.Id != p.Id && o.Key == p.Key).Select(o => (Components[o.ComponentId], o));

    /// <summary>Parts built from a pin table (their manufacturer part number is the table's part).</summary>
    public IEnumerable<(Component Part, PinTable Table)> TabledParts(IReadOnlyList<PinTable> tables) =>
        Components.Values.Where(c => c.Mpn != null && tables.Any(t => t.Part == c.Mpn)).Select(c => (c, tables.Single(t => t.Part == c.Mpn)));
}

/// <summary>The checks, each returning what it found wrong (empty = pass), so a test can run them on a changed circuit.</summary>
public static class BoardChecks
{
    /// <summary>What each IC's power pins must be on, by pin table file and pin label.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Rails = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["esp32-s3-wroom-1"] = new Dictionary<string, string> { ["V3V3"] = "V3V3_D", ["GND1"] = "GND", ["GND40"] = "GND", ["GND41"] = "GND" },
        // No positive digital supply exists on the PGA2500: VA+ (5 V) feeds its logic too, hence U18 on the way to the ESP32.
        ["pga2500"] = new Dictionary<string, string>
        {
            ["VA_P18"] = "P5VA", ["VA_P19"] = "P5VA", ["VA_N15"] = "N5VA", ["VA_N20"] = "N5VA", ["VD_N"] = "N5VA", ["AGND"] = "AGND", ["DGND"] = "AGND",
        },
        ["pcm1863"] = new Dictionary<string, string> { ["AVDD"] = "V3V3_A", ["AGND"] = "AGND", ["DVDD"] = "V3V3_D", ["IOVDD"] = "V3V3_D", ["DGND"] = "GND" },
        ["ch343p"] = new Dictionary<string, string> { ["VDD5"] = "VBUS_HOST", ["VIO"] = "V3V3_D", ["V3"] = "CH343_V3", ["GND2"] = "GND", ["GND17"] = "GND" },
        ["74hc595"] = new Dictionary<string, string> { ["VCC"] = "V3V3_D", ["GND"] = "GND" },
        ["sn74lvc3g34"] = new Dictionary<string, string> { ["VCC"] = "V3V3_D", ["GND"] = "GND" },
        ["uln2003a"] = new Dictionary<string, string> { ["E"] = "GND", ["COM"] = "V5" },
        ["tps65131"] = new Dictionary<string, string> { ["VIN"] = "V5", ["AGND"] = "GND", ["PGND2"] = "GND", ["PGND3"] = "GND", ["EP"] = "GND" },
        ["tps7a20"] = new Dictionary<string, string> { ["IN"] = "V5", ["OUT"] = "V3V3_A", ["GND"] = "AGND", ["PAD"] = "AGND" },
        ["ams1117-3.3"] = new Dictionary<string, string> { ["VIN"] = "V5", ["VOUT"] = "V3V3_D", ["TAB"] = "V3V3_D", ["GND"] = "GND" },
        ["mc34063a"] = new Dictionary<string, string> { ["VCC"] = "V12_IN", ["GND"] = "GND" },
        ["l78l05-sot89"] = new Dictionary<string, string> { ["IN"] = "P8_RAW", ["OUT"] = "P5VA", ["GND"] = "AGND" },
        ["l79l05-sot89"] = new Dictionary<string, string> { ["IN"] = "N8_RAW", ["OUT"] = "N5VA", ["GND"] = "AGND" },
    };

    public static List<string> Errors(BoardCircuit c) =>
        c.Json.Select(e => e!.AsObject()).Where(e => ((string?)e["type"] ?? "").EndsWith("_error", StringComparison.Ordinal))
            .Select(e => (string)e["type"]! + ": " + (string?)e["message"]).ToList();

    /// <summary>Two named nets on one connection are shorted (tscircuit merges them silently).</summary>
    public static List<string> MergedNets(BoardCircuit c) =>
        c.Nets.Where(n => n.Key != null).GroupBy(n => n.Key).Where(g => g.Select(n => n.Name).Distinct().Count() > 1)
            .Select(g => "shorted together: " + string.Join(", ", g.Select(n => n.Name).Distinct().OrderBy(x => x))).ToList();

    /// <summary>Every pin of every tabled part is on a net or deliberately unconnected; a no-connect pin is on none.</summary>
    public static List<string> UnconnectedPins(BoardCircuit c, IReadOnlyList<PinTable> tables)
    {
        var bad = new List<string>();
        foreach (var (part, table) in c.TabledParts(tables))
        {
            var ports = c.Ports.Where(p => p.ComponentId == part.Id).ToList();
            foreach (var pin in table.Pins)
            {
                var port = ports.SingleOrDefault(p => p.PinNumber == pin.Pad);
                string where = part.Name + " pin " + pin.Number + " (" + pin.Name + ")";
                if (port is null) { bad.Add(where + " is missing from the circuit"); continue; }
                if (port.Name != pin.Label) bad.Add(where + " is labelled " + port.Name + " in the circuit, " + pin.Label + " in " + table.File + ".pins.json");
                bool connected = c.IsConnected(port);
                if (pin.Type == "no-connect" && (connected || !port.DoNotConnect)) bad.Add(where + " is a no-connect pin: it must be marked noConnect and on no net");
                else if (port.DoNotConnect && connected) bad.Add(where + " is marked noConnect but wired");
                else if (pin.Type == "power" && !connected) bad.Add(where + " is a supply pin and open");
                else if (!connected && !port.DoNotConnect) bad.Add(where + " is on no net and not marked noConnect");
            }
            foreach (var extra in ports.Where(p => table.Pins.All(t => t.Pad != p.PinNumber)))
                bad.Add(part.Name + " has pin " + extra.PinNumber + " (" + extra.Name + ") that " + table.File + ".pins.json lacks");
        }
        return bad;
    }

    /// <summary>BoardRevB.cs constants with their GPIO, and hardware/pinmap.md's net for each.</summary>
    public static IReadOnlyList<(string Constant, int Gpio, string Net)> PinMap()
    {
        var rows = File.ReadAllLines(RepoPaths.Combine("hardware", "pinmap.md"))
            .Select(l => Regex.Match(l, @"^\|\s*`(?<name>\w+)`\s*\|\s*(?<gpio>\d+)\s*\|\s*(?<net>\w+)\s*\|"))
            .Where(m => m.Success).ToDictionary(m => m.Groups["name"].Value, m => (int.Parse(m.Groups["gpio"].Value), m.Groups["net"].Value));
        var code = typeof(BoardRevB).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int) && rows.ContainsKey(f.Name)).ToList();
        return code.Select(f => (f.Name, (int)f.GetRawConstantValue()!, rows[f.Name].Item2)).ToList();
    }

    /// <summary>Every GPIO the firmware uses is on the net the pin map names; no other module GPIO is wired (but USB and the straps).</summary>
    public static List<string> GpioNets(BoardCircuit c, IReadOnlyList<PinTable> tables)
    {
        var bad = new List<string>();
        var esp = tables.Single(t => t.File == "esp32-s3-wroom-1");
        var byGpio = esp.Pins.Where(p => p.Gpio != null).ToDictionary(p => p.Gpio!.Value);
        var map = PinMap();
        foreach (var (constant, gpio, net) in map)
        {
            var port = c.Pin("U1", byGpio[gpio].Pad);
            var nets = c.NetNames(port);
            if (!nets.Contains(net) || nets.Count > 1) bad.Add(constant + " = GPIO" + gpio + ": pinmap.md and BoardRevB.cs say net " + net + ", the circuit has " + (nets.Count == 0 ? "nothing" : string.Join(", ", nets)));
        }
        foreach (var pin in esp.Pins.Where(p => p.Gpio != null && map.All(m => m.Gpio != p.Gpio) && p.Gpio is not (0 or 3 or 45 or 46 or 19 or 20)))
        {
            var port = c.Pin("U1", pin.Pad);
            if (c.IsConnected(port)) bad.Add("GPIO" + pin.Gpio + " is wired (to " + string.Join(", ", c.NetNames(port)) + ") but is in neither BoardRevB.cs nor pinmap.md");
        }
        foreach (var (gpio, net) in new[] { (19, "USB_DBG_DM"), (20, "USB_DBG_DP") })
            if (!c.NetNames(c.Pin("U1", byGpio[gpio].Pad)).Contains(net)) bad.Add("GPIO" + gpio + " must be the debug USB's " + net);
        return bad;
    }

    /// <summary>Every power pin of every tabled IC on its rail; every power pin has a rail named here.</summary>
    public static List<string> PowerRails(BoardCircuit c, IReadOnlyList<PinTable> tables)
    {
        var bad = new List<string>();
        foreach (var (part, table) in c.TabledParts(tables).Where(t => t.Table.Pins.Any(p => p.Type == "power") && !IsConnector(t.Table)))
        {
            if (!Rails.TryGetValue(table.File, out var rails)) { bad.Add(part.Name + " (" + table.File + ") has power pins but no rails named in BoardChecks.Rails"); continue; }
            foreach (var pin in table.Pins.Where(p => p.Type == "power"))
            {
                string where = part.Name + " " + pin.Name + " (pin " + pin.Number + ")";
                if (!rails.TryGetValue(pin.Label, out var rail)) { bad.Add(where + ": no rail named for it"); continue; }
                var nets = c.NetNames(c.Pin(part.Name, pin.Pad));
                if (!nets.Contains(rail)) bad.Add(where + " must be on " + rail + ", is on " + (nets.Count == 0 ? "nothing" : string.Join(", ", nets)));
            }
        }
        // The PGA2500's logic outputs swing to VA+ (5 V): none may meet an ESP32 pin without the 3.3 V buffer between.
        var pgaOutputs = tables.Single(t => t.File == "pga2500").Pins.Where(p => p.Type == "output" && p.Name.StartsWith("GPO") == false && !p.Name.StartsWith("VOUT")).ToList();
        foreach (var pga in new[] { "U2", "U3" })
            foreach (var pin in pgaOutputs)
                foreach (var (other, _) in c.Neighbours(c.Pin(pga, pin.Pad)))
                    if (other.Name == "U1") bad.Add(pga + " " + pin.Name + " (5 V logic) is wired straight to the ESP32");
        return bad;
    }

    private static bool IsConnector(PinTable t) => t.File is "usb-c-receptacle" or "xlr3" or "barrel-jack" or "ec11" or "g6k-2f";

    /// <summary>ESP32-S3 strapping pins in their boot-safe state: GPIO0 pulled up to 3.3 V (SPI boot), GPIO45 low or open
    /// (3.3 V VDD_SPI, the N16R8's flash), GPIO46 low or open (ROM messages / boot mode), GPIO3 open.</summary>
    public static List<string> StrappingPins(BoardCircuit c, IReadOnlyList<PinTable> tables)
    {
        var bad = new List<string>();
        var esp = tables.Single(t => t.File == "esp32-s3-wroom-1").Pins.Where(p => p.Gpio != null).ToDictionary(p => p.Gpio!.Value);
        BoardCircuit.Port Strap(int g) => c.Pin("U1", esp[g].Pad);

        // What a pin sees: the far ends of resistors on its net, and anything else on it.
        (List<string> PullsTo, List<string> Others) Around(BoardCircuit.Port p)
        {
            var pulls = new List<string>();
            var others = new List<string>();
            foreach (var (part, port) in c.Neighbours(p))
            {
                if (part.Ftype == "simple_resistor")
                {
                    var far = c.Ports.Single(o => o.ComponentId == part.Id && o.Id != port.Id);
                    pulls.AddRange(c.NetNames(far));
                }
                else others.Add(part.Name);
            }
            return (pulls, others);
        }

        var io0 = Strap(0);
        if (!c.IsConnected(io0)) bad.Add("GPIO0 is open: it needs its pull-up to V3V3_D so the module boots from flash");
        else
        {
            var (pulls, others) = Around(io0);
            var netNames = c.NetNames(io0);
            if (!pulls.Contains("V3V3_D")) bad.Add("GPIO0 has no pull-up to V3V3_D");
            if (pulls.Any(p => p is "GND" or "AGND") || netNames.Any(n => n is "GND" or "AGND")) bad.Add("GPIO0 is pulled or tied low: the module would start its ROM loader");
            if (others.Any(o => !o.StartsWith("SW", StringComparison.Ordinal))) bad.Add("GPIO0 also reaches " + string.Join(", ", others.Where(o => !o.StartsWith("SW", StringComparison.Ordinal))));
        }
        foreach (var g in new[] { 45, 46 })
        {
            var p = Strap(g);
            if (!c.IsConnected(p)) continue;
            var (pulls, others) = Around(p);
            if (c.NetNames(p).Any(n => n is "V3V3_D" or "V3V3_A" or "V5") || pulls.Any(n => n is "V3V3_D" or "V3V3_A" or "V5"))
                bad.Add("GPIO" + g + " is pulled high: " + (g == 45 ? "VDD_SPI would be 1.8 V, and the N16R8's flash is 3.3 V" : "with GPIO0 low that selects an invalid boot mode"));
            if (others.Count > 0) bad.Add("GPIO" + g + " reaches " + string.Join(", ", others) + ": only a pull-down may sit on a strapping pin");
        }
        if (c.IsConnected(Strap(3))) bad.Add("GPIO3 (JTAG source strap) is wired; rev B leaves it open");
        return bad;
    }

    /// <summary>The pin table against KiCad's official symbol (snapshot in hardware/board/kicad/, made by extract.py).</summary>
    public static List<string> AgainstKicad(PinTable table)
    {
        var bad = new List<string>();
        string snap = RepoPaths.Combine("hardware", "board", "kicad", table.File + ".json");
        if (!File.Exists(snap)) return bad;
        var kicad = JsonNode.Parse(File.ReadAllText(snap))!["pins"]!.AsArray()
            .ToDictionary(p => (string)p!["number"]!, p => ((string)p!["name"]!, (string)p["kicadType"]!));
        foreach (var pin in table.Pins)
        {
            string where = table.File + " pin " + pin.Number + " (" + pin.Name + ")";
            if (!kicad.TryGetValue(pin.Number, out var k)) { if (!pin.KicadAbsent) bad.Add(where + ": KiCad's symbol has no such pin"); continue; }
            if (k.Item1 != "~" && !NamesMatch(pin, k.Item1)) bad.Add(where + ": KiCad calls it " + k.Item1);
            if (!pin.KicadTypeNote && !TypesMatch(pin.Type, k.Item2)) bad.Add(where + ": type " + pin.Type + ", KiCad " + k.Item2);
        }
        foreach (var number in kicad.Keys.Where(n => table.Pins.All(p => p.Number != n))) bad.Add(table.File + ": KiCad has pin " + number + " the table lacks");
        return bad;
    }

    private static string Norm(string s) => Regex.Replace(s.Replace("~{", "").Replace("_{", ""), "[^A-Za-z0-9/+-]", "").ToUpperInvariant();

    private static bool NamesMatch(TablePin pin, string kicadName)
    {
        var ours = new[] { pin.Name, pin.Label }.Concat(pin.Aka).Select(Norm).ToHashSet();
        if (ours.Contains(Norm(kicadName))) return true;
        var kAlts = Norm(kicadName).Split('/');
        return ours.SelectMany(o => o.Split('/')).Any(o => kAlts.Contains(o));
    }

    private static bool TypesMatch(string ours, string kicad) => kicad switch
    {
        "passive" => true,
        "power_in" => ours == "power",
        "power_out" => ours is "power" or "output",
        "input" => ours is "input" or "bidirectional",
        "output" or "tri_state" or "open_collector" or "open_emitter" => ours == "output",
        "bidirectional" => ours is "bidirectional" or "input" or "output",
        "no_connect" => ours == "no-connect",
        _ => false,
    };
}

public class BoardCircuitTests
{
    private static readonly IReadOnlyList<PinTable> Tables = PinTable.LoadAll();

    private static void Pass(List<string> problems, string check) =>
        Assert.True(problems.Count == 0, check + ":\n  " + string.Join("\n  ", problems));

    [BoardFact]
    public void TheBuildIsCurrentAndHasNoErrors()
    {
        var c = BoardCircuit.Load();
        var built = File.GetLastWriteTimeUtc(BoardCircuit.CircuitJsonPath);
        var sources = Directory.GetFiles(RepoPaths.Combine("hardware", "board"), "*.tsx")
            .Concat(Directory.GetFiles(RepoPaths.Combine("hardware", "board", "parts"), "*.json"));
        foreach (var s in sources)
            Assert.True(File.GetLastWriteTimeUtc(s) <= built, Path.GetFileName(s) + " changed after circuit.json was built: run hardware/board/build.sh");
        Pass(BoardChecks.Errors(c), "tscircuit reported errors");
        Assert.True(c.Components.Count > 200, "the board has " + c.Components.Count + " parts");
    }

    [BoardFact]
    public void NoTwoNamedNetsAreShorted() => Pass(BoardChecks.MergedNets(BoardCircuit.Load()), "shorted nets");

    [BoardFact]
    public void EveryPinOfEveryPartIsOnANetOrDeliberatelyOpen()
    {
        var c = BoardCircuit.Load();
        foreach (var t in Tables) Assert.True(c.TabledParts(Tables).Any(p => p.Table == t), t.File + ".pins.json belongs to no part of the circuit");
        Pass(BoardChecks.UnconnectedPins(c, Tables), "unconnected pins");
    }

    [BoardFact]
    public void EveryGpioIsOnTheNetBoardRevBAndThePinMapSay()
    {
        Assert.Equal(24, BoardChecks.PinMap().Count);
        Pass(BoardChecks.GpioNets(BoardCircuit.Load(), Tables), "GPIO nets");
    }

    [BoardFact]
    public void EveryPowerPinIsOnItsRail() => Pass(BoardChecks.PowerRails(BoardCircuit.Load(), Tables), "power rails");

    [BoardFact]
    public void StrappingPinsAreBootSafe() => Pass(BoardChecks.StrappingPins(BoardCircuit.Load(), Tables), "strapping pins");

    [Fact]
    public void PinTablesAgreeWithKicadsOfficialSymbols()
    {
        var withKicad = Tables.Where(t => File.Exists(RepoPaths.Combine("hardware", "board", "kicad", t.File + ".json"))).ToList();
        Assert.True(withKicad.Count == Tables.Count, "no KiCad snapshot for: " + string.Join(", ", Tables.Except(withKicad).Select(t => t.File)));
        Pass(withKicad.SelectMany(BoardChecks.AgainstKicad).ToList(), "pin tables vs KiCad 9.0.8 symbols");
    }

    [Fact]
    public void PinTablesAreWellFormed()
    {
        var types = new[] { "power", "input", "output", "bidirectional", "no-connect", "passive" };
        foreach (var t in Tables)
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Datasheet) || string.IsNullOrWhiteSpace(t.Table), t.File + " names no datasheet table");
            Assert.Equal(t.Pins.Count, t.Pins.Select(p => p.Pad).Distinct().Count());
            Assert.Equal(t.Pins.Count, t.Pins.Select(p => p.Label).Distinct().Count());
            foreach (var p in t.Pins)
            {
                Assert.Contains(p.Type, types);
                Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", p.Label);
            }
        }
    }

    [Fact]
    public void KicadPinCheckCatchesAWrongPin()
    {
        var pga = Tables.Single(t => t.File == "pga2500");
        var swapped = pga with { Pins = pga.Pins.Select(p => p.Pad == 5 ? p with { Name = "SDO", Label = "SDO5", Aka = Array.Empty<string>() } : p).ToList() };
        Assert.Contains(BoardChecks.AgainstKicad(swapped), m => m.Contains("pin 5") && m.Contains("OVR"));
    }

    [BoardFact]
    public void TheCommittedBomIsTheCircuitsBom()
    {
        string built = RepoPaths.Combine("hardware", "board", "dist", "bom.md");
        Assert.True(File.Exists(built), built + " is missing: hardware/board/build.sh did not finish");
        string bom = File.ReadAllText(RepoPaths.Combine("hardware", "bom.md"));
        Assert.True(File.ReadAllText(built) == bom, "hardware/bom.md is not the circuit's BOM: run hardware/board/build.sh --update and commit it");
        var c = BoardCircuit.Load();
        Assert.Contains("Total: " + c.Components.Count + " parts.", bom);
        Assert.Matches(@"\| 2 \| IC / module / connector \| PGA2500IDB \| [^|]+ \| U2, U3 \|", bom);
        Assert.Matches(@"\| 4 \| Resistor \| 6\.81k", bom);
    }

    [BoardFact]
    public void TheCommittedKicadPcbIsTheCircuitsPcb()
    {
        string built = RepoPaths.Combine("hardware", "board", "dist", "preamp-rev-b.kicad_pcb");
        Assert.True(File.Exists(built), built + " is missing: hardware/board/build.sh did not finish");
        string pcb = File.ReadAllText(RepoPaths.Combine("hardware", "board", "preamp-rev-b.kicad_pcb"));
        Assert.True(File.ReadAllText(built) == pcb, "hardware/board/preamp-rev-b.kicad_pcb is not the circuit's PCB: run hardware/board/build.sh --update and commit it");
        Assert.StartsWith("(kicad_pcb", pcb);
        var c = BoardCircuit.Load();
        // every part is a footprint on the board, every named net is a KiCad net
        foreach (var part in c.Components.Values) Assert.Contains("\"" + part.Name + "\"", pcb);
        foreach (var net in c.Nets.Select(n => n.Name).Distinct()) Assert.Contains("\"" + net + "\"", pcb);
    }

    /// <summary>sha256 of what the schematic is drawn from, in the order build.sh --schematic hashes it.</summary>
    public static string SchematicInputsHash()
    {
        string dir = RepoPaths.Combine("hardware", "board");
        var files = new[] { "board.circuit.tsx", "footprints.tsx", "schematic.circuit.tsx" }.Select(f => Path.Combine(dir, f))
            .Concat(Directory.GetFiles(Path.Combine(dir, "parts"), "*.pins.json").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal));
        using var sha = System.Security.Cryptography.SHA256.Create();
        var all = files.SelectMany(File.ReadAllBytes).ToArray();
        return Convert.ToHexString(sha.ComputeHash(all)).ToLowerInvariant();
    }

    [Fact]
    public void TheCommittedSchematicWasDrawnFromTheCurrentCircuit()
    {
        string svg = RepoPaths.Combine("hardware", "board", "schematic.svg");
        string first = File.ReadLines(svg).First();
        var m = Regex.Match(first, "inputs sha256 ([0-9a-f]{64})");
        Assert.True(m.Success, "schematic.svg does not say what it was drawn from: run hardware/board/build.sh --schematic");
        Assert.True(m.Groups[1].Value == SchematicInputsHash(),
            "schematic.svg was drawn from another version of the circuit or its pin tables: run hardware/board/build.sh --schematic and commit it");
        string text = File.ReadAllText(svg);
        Assert.Contains("<svg", text);
        foreach (var part in new[] { "U1", "U2", "U3", "U4", "J1", "J2", "K1A", "U18" }) Assert.Contains(">" + part + "<", text);
        Assert.Contains("](board/schematic.svg)", File.ReadAllText(RepoPaths.Combine("hardware", "README.md")));
    }

    // ---- the checks catch a broken circuit: each mutation below is what a one-line slip in the TSX does to circuit.json

    private static BoardCircuit Mutated(Action<BoardCircuit, JsonArray> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(BoardCircuit.CircuitJsonPath))!.AsArray();
        change(new BoardCircuit(json), json);
        return new BoardCircuit(json);
    }

    private static JsonObject PortJson(JsonArray json, BoardCircuit.Port p) =>
        json.Select(e => e!.AsObject()).Single(e => (string?)e["source_port_id"] == p.Id && (string?)e["type"] == "source_port");

    [BoardFact]
    public void MovingAGpioIsCaughtByTheGpioCheck()
    {
        var esp = Tables.Single(t => t.File == "esp32-s3-wroom-1");
        int Pad(int gpio) => esp.Pins.Single(p => p.Gpio == gpio).Pad;
        // PHANTOM1 wired to GPIO8 instead of GPIO17 (BoardRevB.Phantom1)
        var c = Mutated((c0, json) =>
        {
            var from = PortJson(json, c0.Pin("U1", Pad(BoardRevB.Phantom1)));
            var to = PortJson(json, c0.Pin("U1", Pad(8)));
            to["subcircuit_connectivity_map_key"] = (string)from["subcircuit_connectivity_map_key"]!;
            to.Remove("do_not_connect");
            from.Remove("subcircuit_connectivity_map_key");
        });
        var problems = BoardChecks.GpioNets(c, Tables);
        Assert.Contains(problems, m => m.StartsWith("Phantom1 = GPIO17") && m.Contains("PHANTOM1"));
        Assert.Contains(problems, m => m.StartsWith("GPIO8 is wired"));
    }

    [BoardFact]
    public void OpeningASupplyPinIsCaughtByTheRailAndPinChecks()
    {
        // U2's VA+ pin 18 left unconnected
        var c = Mutated((c0, json) => PortJson(json, c0.Pin("U2", 18)).Remove("subcircuit_connectivity_map_key"));
        Assert.Contains(BoardChecks.PowerRails(c, Tables), m => m.StartsWith("U2 VA+ (pin 18) must be on P5VA"));
        Assert.Contains(BoardChecks.UnconnectedPins(c, Tables), m => m.StartsWith("U2 pin 18 (VA+) is a supply pin and open"));
        // U2's digital ground on the wrong rail
        var moved = Mutated((c0, json) => PortJson(json, c0.Pin("U2", 6))["subcircuit_connectivity_map_key"] = c0.Nets.Single(n => n.Name == "P5VA").Key);
        Assert.Contains(BoardChecks.PowerRails(moved, Tables), m => m.StartsWith("U2 DGND (pin 6) must be on AGND"));
    }

    [BoardFact]
    public void ShortingTwoNetsIsCaughtByTheMergedNetCheck()
    {
        // a trace from SPI1_MOSI to SPI1_MISO: tscircuit gives both nets (and all their pins) one connectivity key
        var c = Mutated((c0, json) =>
        {
            string mosi = c0.Nets.Single(n => n.Name == "SPI1_MOSI").Key!, miso = c0.Nets.Single(n => n.Name == "SPI1_MISO").Key!;
            foreach (var e in json.Select(e => e!.AsObject()).Where(e => (string?)e["subcircuit_connectivity_map_key"] == mosi))
                e["subcircuit_connectivity_map_key"] = miso;
        });
        Assert.Contains(BoardChecks.MergedNets(c), m => m == "shorted together: SPI1_MISO, SPI1_MOSI");
        Assert.Contains(BoardChecks.GpioNets(c, Tables), m => m.StartsWith("Spi1Mosi") || m.StartsWith("Spi1Miso"));
    }

    [BoardFact]
    public void StrappingMistakesAreCaught()
    {
        // GPIO45 tied to 3.3 V (VDD_SPI would switch to 1.8 V) and GPIO0's pull-up lost
        var c = Mutated((c0, json) =>
        {
            PortJson(json, c0.Pin("U1", 26))["subcircuit_connectivity_map_key"] = c0.Nets.Single(n => n.Name == "V3V3_D").Key;
            var pullUp = c0.Neighbours(c0.Pin("U1", 27)).Single(n => n.Part.Ftype == "simple_resistor").Port;
            PortJson(json, pullUp).Remove("subcircuit_connectivity_map_key");
        });
        var problems = BoardChecks.StrappingPins(c, Tables);
        Assert.Contains(problems, m => m.StartsWith("GPIO45 is pulled high"));
        Assert.Contains(problems, m => m.StartsWith("GPIO0 has no pull-up"));
    }

    [BoardFact]
    public void APgaLogicOutputStraightIntoTheEsp32IsCaught()
    {
        // U3's SDO wired to SPI1_MISO directly, skipping U18
        var c = Mutated((c0, json) => PortJson(json, c0.Pin("U3", 13))["subcircuit_connectivity_map_key"] = c0.Nets.Single(n => n.Name == "SPI1_MISO").Key);
        Assert.Contains(BoardChecks.PowerRails(c, Tables), m => m == "U3 SDO (5 V logic) is wired straight to the ESP32");
    }
}
