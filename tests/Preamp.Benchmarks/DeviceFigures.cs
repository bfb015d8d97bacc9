// `figures device.`: the device's executed work per second of board time in three scenarios, by part and by call out.
using System;
using System.Globalization;
using System.Linq;
using PreampFirmware.DeviceWork;

namespace PreampFirmware.Benchmarks;

/// <summary>Prints the device's budget figures: IL per second in each scenario, the worst gap between block reads, and where the work goes.</summary>
public static class DeviceFigures
{
    /// <summary>Board seconds each scenario is counted for.</summary>
    public const double Seconds = 10;

    /// <summary>Measures and prints; <paramref name="print"/> writes one figure line.</summary>
    public static void Print(Action<string, double, string> print)
    {
        static string F(double v, string format = "0") => v.ToString(format, CultureInfo.InvariantCulture);
        foreach (var scenario in new[] { DeviceScenarios.Streaming, DeviceScenarios.Busy, DeviceScenarios.Idle })
        {
            var run = DeviceBudget.Measure(scenario, Seconds);
            print("device." + scenario + "_il_per_s", Math.Round(run.IlPerSecond), "instructions");
            Console.WriteLine("#   " + scenario + ": " + F(run.CoreShare() * 100, "0.0") + " % of the S3's core at the planning factor (" +
                              F(run.CoreShare(2) * 100, "0.0") + " % at twice its speed, " + F(run.CoreShare(0.5) * 100, "0.0") + " % at half); " +
                              F(run.ManagedCalls / run.Seconds) + " managed calls/s, " + F(run.CallsOut / run.Seconds) + " calls out/s; " +
                              run.Blocks + " block reads, " + run.Ticks + " ticks, " + run.Frames + " frames streamed, " + run.Lost + " lost");
            foreach (var (part, (il, calls, outs)) in run.ByPart.OrderByDescending(p => p.Value.Il))
            {
                Console.WriteLine("#     part " + part.PadRight(60) + F(il / run.Seconds).PadLeft(9) + " IL/s " + F(calls / run.Seconds).PadLeft(6) + " managed calls/s "
                                  + F(outs / run.Seconds).PadLeft(6) + " calls out/s");
            }
            foreach (var (method, il) in run.ByMethod.OrderByDescending(p => p.Value).Take(12))
            {
                Console.WriteLine("#     method " + method.PadRight(46) + F(il / run.Seconds).PadLeft(9) + " IL/s");
            }
            foreach (var (target, n) in run.CallsOutByTarget.OrderByDescending(p => p.Value))
            {
                Console.WriteLine("#     out " + target.PadRight(70) + F(n / run.Seconds, "0.#").PadLeft(9) + " /s");
            }
            if (scenario == DeviceScenarios.Busy)
            {
                print("device.busy_worst_gap_ms", run.WorstGapUs / 1000.0, "ms");
                print("device.busy_largest_tick_ms", run.LargestTickUs / 1000.0, "ms");
            }
        }
    }
}
