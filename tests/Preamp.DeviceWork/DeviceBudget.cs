// The device's budget: the scenarios' executed IL per second of board time, against the ESP32-S3's core.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace PreampFirmware.DeviceWork;

/// <summary>What one scenario executed, per second of board time, and how its worst moments looked.</summary>
public sealed class DeviceRun
{
    /// <summary>The scenario's name.</summary>
    public string Scenario { get; init; }
    /// <summary>Board seconds counted.</summary>
    public double Seconds { get; init; }
    /// <summary>Executed IL instructions.</summary>
    public long Il { get; init; }
    /// <summary>Managed calls within the device assemblies.</summary>
    public long ManagedCalls { get; init; }
    /// <summary>Calls out of them (BCL, natives, HAL adapters).</summary>
    public long CallsOut { get; init; }
    /// <summary>Converter blocks read.</summary>
    public long Blocks { get; init; }
    /// <summary>Control ticks run.</summary>
    public long Ticks { get; init; }
    /// <summary>Frames streamed, and frames lost (by the converter's DMA or for the link).</summary>
    public long Frames { get; init; }
    /// <summary>Frames lost since the stream started.</summary>
    public long Lost { get; init; }
    /// <summary>The longest time between two block reads, µs of board time (work costed at <see cref="DeviceBudget.MicrosecondsPerIl"/>).</summary>
    public long WorstGapUs { get; init; }
    /// <summary>The costliest single control tick, µs.</summary>
    public long LargestTickUs { get; init; }
    /// <summary>IL, managed calls and calls out by part of the firmware's root (the block path, each part of the tick, the writer).</summary>
    public Dictionary<string, (long Il, long ManagedCalls, long CallsOut)> ByPart { get; } = new();
    /// <summary>IL by method (exclusive: the method's own instructions).</summary>
    public Dictionary<string, long> ByMethod { get; } = new();
    /// <summary>Calls out by target.</summary>
    public Dictionary<string, long> CallsOutByTarget { get; } = new();

    /// <summary>Executed IL instructions per second of board time.</summary>
    public double IlPerSecond => Il / Seconds;

    /// <summary>IL, managed calls and calls out of the parts whose names start with one of <paramref name="roots"/> ("ServiceAudio:").</summary>
    public (long Il, long ManagedCalls, long CallsOut) Of(params string[] roots)
    {
        long il = 0, calls = 0, outs = 0;
        foreach (var (part, w) in ByPart)
        {
            if (roots.Any(r => part.StartsWith(r, StringComparison.Ordinal)))
            {
                il += w.Il;
                calls += w.ManagedCalls;
                outs += w.CallsOut;
            }
        }
        return (il, calls, outs);
    }

    /// <summary>Share of the ESP32-S3's core at the planning factor, scaled by <paramref name="speed"/> (2: a core twice as fast).</summary>
    public double CoreShare(double speed = 1) => IlPerSecond * DeviceBudget.MicrosecondsPerIl / 1e6 / speed;
}

/// <summary>
/// Weaves the device assemblies (firmware/ and hal/Preamp.Hal) once per process and runs the scenarios over the
/// woven copies, each in its own load context.
/// </summary>
public static class DeviceBudget
{
    /// <summary>
    /// Planning cost of one executed IL instruction on the ESP32-S3, µs: nanoCLR on a PC core takes about 7.3 ns per
    /// instruction of this firmware, and the S3 runs the interpreter about 100× slower (../shared/reference/
    /// esp32-speed-and-language.md, uncertain by 2× either way).
    /// </summary>
    public const double MicrosecondsPerIl = 0.73;

    /// <summary>The device assemblies that are counted.</summary>
    public static readonly string[] DeviceAssemblies = { "PreampFirmware", "PreampFirmware.Hal" };

    private static string s_woven;
    private static readonly object s_gate = new();

    /// <summary>Weaves the device assemblies next to the running program into a temporary directory (once); returns it.</summary>
    public static string Woven()
    {
        lock (s_gate)
        {
            if (s_woven != null) return s_woven;
            string dir = Path.Combine(Path.GetTempPath(), "preamp-woven-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
            IlCounterWeaver.Weave(DeviceAssemblies.Select(a => Path.Combine(AppContext.BaseDirectory, a + ".dll")).ToList(), dir, "PreampFirmware.Preamp");
            s_woven = dir;
            return dir;
        }
    }

    /// <summary>Runs <paramref name="scenario"/> for <paramref name="seconds"/> of board time on the woven firmware.</summary>
    public static DeviceRun Measure(string scenario, double seconds = 10)
    {
        string woven = Woven();
        var context = new WovenContext(woven, AppContext.BaseDirectory, shareCounter: false);
        try
        {
            var assembly = context.LoadFromAssemblyName(typeof(DeviceScenarios).Assembly.GetName());
            var run = assembly.GetType(typeof(DeviceScenarios).FullName).GetMethod(nameof(DeviceScenarios.Run));
            string report;
            try
            {
                report = (string)run.Invoke(null, new object[] { woven, scenario, seconds });
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException != null)
            {
                throw new InvalidOperationException("the " + scenario + " scenario failed: " + e.InnerException.Message, e.InnerException);
            }
            return Parse(scenario, report);
        }
        finally
        {
            context.Unload();
        }
    }

    private static DeviceRun Parse(string scenario, string report)
    {
        var f = new Dictionary<string, string>();
        var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        foreach (var l in lines.Where(l => l.Length == 2)) f[l[0]] = l[1];
        long L(string k) => long.Parse(f[k], CultureInfo.InvariantCulture);
        var run = new DeviceRun
        {
            Scenario = scenario,
            Seconds = double.Parse(f["seconds"], CultureInfo.InvariantCulture),
            Il = L("il"), ManagedCalls = L("calls"), CallsOut = L("callsout"), Blocks = L("blocks"), Ticks = L("ticks"),
            Frames = L("frames"), Lost = L("lost"), WorstGapUs = L("worstgap"), LargestTickUs = L("largesttick"),
        };
        foreach (var l in lines)
        {
            if (l[0] == "part") run.ByPart[l[1]] = (long.Parse(l[2], CultureInfo.InvariantCulture), long.Parse(l[3], CultureInfo.InvariantCulture), long.Parse(l[4], CultureInfo.InvariantCulture));
            if (l[0] == "method") run.ByMethod[l[1]] = long.Parse(l[2], CultureInfo.InvariantCulture);
            if (l[0] == "out") run.CallsOutByTarget[l[1]] = long.Parse(l[2], CultureInfo.InvariantCulture);
        }
        return run;
    }
}
