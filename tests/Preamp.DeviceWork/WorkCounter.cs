// The counter that woven device code calls at the start of every basic block: executed IL, calls, and where they went.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace PreampFirmware.DeviceWork;

/// <summary>
/// What one basic block of a woven method does when it runs: its IL instructions, the method it belongs to, the call
/// it ends with (a call within the counted assemblies, a call out of them by target, or none), and for the root's own
/// code the part it counts for when no call of the root is under way ("Tick: (own)"; 0 elsewhere).
/// </summary>
public sealed record WovenBlock(int Il, int Method, bool ManagedCall, int CallOut, int OwnPart);

/// <summary>
/// Counts executed IL instructions of the woven assemblies. <see cref="IlCounterWeaver"/> puts a call to <see cref="Block"/>
/// at the head of every basic block (blocks end after every call, so a call that throws has counted exactly what ran
/// before it); the table it writes beside the woven files says what each block holds. Call sites in the firmware's root
/// are wrapped in <see cref="EnterPart"/>/<see cref="LeavePart"/>, so work is also counted by the part of the root that
/// did it (the tick's parts, the block path, the writer). Single-threaded, as the simulated board runs.
/// </summary>
public static class WorkCounter
{
    private static WovenBlock[] s_blocks = Array.Empty<WovenBlock>();
    private static string[] s_methods = Array.Empty<string>();
    private static string[] s_callOuts = Array.Empty<string>();
    private static string[] s_parts = Array.Empty<string>();
    private static long[] s_ilByMethod = Array.Empty<long>();
    private static long[] s_callsOutByTarget = Array.Empty<long>();
    private static long[] s_ilByPart = Array.Empty<long>();
    private static long[] s_callsByPart = Array.Empty<long>();
    private static long[] s_callsOutByPart = Array.Empty<long>();
    private static readonly int[] s_partStack = new int[64];
    private static int s_depth;

    /// <summary>Executed IL instructions since the last <see cref="Reset"/>.</summary>
    public static long Il { get; private set; }

    /// <summary>Calls within the counted assemblies (events included) since the last <see cref="Reset"/>.</summary>
    public static long ManagedCalls { get; private set; }

    /// <summary>Calls out of the counted assemblies (BCL, natives, HAL adapters) since the last <see cref="Reset"/>.</summary>
    public static long CallsOut { get; private set; }

    /// <summary>Loads the block table that the weaver wrote into <paramref name="directory"/>, and resets.</summary>
    public static void Load(string directory)
    {
        var methods = new List<string>();
        var callOuts = new List<string>();
        var parts = new List<string> { "(outside the root's calls)" };
        var blocks = new List<WovenBlock>();
        foreach (var line in File.ReadAllLines(Path.Combine(directory, IlCounterWeaver.TableFile)))
        {
            var f = line.Split('\t');
            switch (f[0])
            {
                case "M": methods.Add(f[2]); break;
                case "C": callOuts.Add(f[2]); break;
                case "P": parts.Add(f[2]); break;
                case "B":
                    blocks.Add(new WovenBlock(int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
                                              f[4] == "1", int.Parse(f[5], CultureInfo.InvariantCulture), int.Parse(f[6], CultureInfo.InvariantCulture)));
                    break;
            }
        }
        s_blocks = blocks.ToArray();
        s_methods = methods.ToArray();
        s_callOuts = callOuts.ToArray();
        s_parts = parts.ToArray();
        Reset();
    }

    /// <summary>Sets every count to zero.</summary>
    public static void Reset()
    {
        Il = 0;
        ManagedCalls = 0;
        CallsOut = 0;
        s_ilByMethod = new long[s_methods.Length];
        s_callsOutByTarget = new long[s_callOuts.Length];
        s_ilByPart = new long[s_parts.Length];
        s_callsByPart = new long[s_parts.Length];
        s_callsOutByPart = new long[s_parts.Length];
    }

    /// <summary>True while the simulator, not the device, runs woven code (it looks at the firmware's state to model the board).</summary>
    public static bool Paused { get; set; }

    /// <summary>Called by woven code at the head of basic block <paramref name="id"/>.</summary>
    public static void Block(int id)
    {
        if (Paused) return;
        var b = s_blocks[id];
        int part = s_depth == 0 ? b.OwnPart : s_partStack[s_depth - 1];
        Il += b.Il;
        s_ilByMethod[b.Method] += b.Il;
        s_ilByPart[part] += b.Il;
        if (b.ManagedCall)
        {
            ManagedCalls++;
            s_callsByPart[part]++;
        }
        if (b.CallOut >= 0)
        {
            CallsOut++;
            s_callsOutByTarget[b.CallOut]++;
            s_callsOutByPart[part]++;
        }
    }

    /// <summary>Called by woven code before a call in the firmware's root: work until <see cref="LeavePart"/> counts for part <paramref name="id"/>.</summary>
    public static void EnterPart(int id)
    {
        if (s_depth < s_partStack.Length) s_partStack[s_depth] = id;
        s_depth++;
    }

    /// <summary>Called by woven code after a call in the firmware's root.</summary>
    public static void LeavePart()
    {
        if (s_depth > 0) s_depth--;
    }

    /// <summary>Everything counted since the last <see cref="Reset"/>, by method, part and call-out target.</summary>
    public static WorkCounts Snapshot()
    {
        var byMethod = new Dictionary<string, long>();
        for (int i = 0; i < s_methods.Length; i++) if (s_ilByMethod[i] > 0) byMethod[s_methods[i]] = s_ilByMethod[i];
        var byPart = new Dictionary<string, (long Il, long ManagedCalls, long CallsOut)>();
        for (int i = 0; i < s_parts.Length; i++) if (s_ilByPart[i] > 0) byPart[s_parts[i]] = (s_ilByPart[i], s_callsByPart[i], s_callsOutByPart[i]);
        var callOuts = new Dictionary<string, long>();
        for (int i = 0; i < s_callOuts.Length; i++) if (s_callsOutByTarget[i] > 0) callOuts[s_callOuts[i]] = s_callsOutByTarget[i];
        return new WorkCounts(Il, ManagedCalls, CallsOut, byMethod, byPart, callOuts);
    }
}

/// <summary>A snapshot of <see cref="WorkCounter"/>.</summary>
public sealed record WorkCounts(long Il, long ManagedCalls, long CallsOut, Dictionary<string, long> IlByMethod,
                                Dictionary<string, (long Il, long ManagedCalls, long CallsOut)> ByPart, Dictionary<string, long> CallsOutByTarget);
