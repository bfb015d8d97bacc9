// The load scenarios the device's work is counted under: the firmware on the simulated board, in virtual time.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;

namespace PreampFirmware.DeviceWork;

/// <summary>
/// Runs one scenario inside a <see cref="WovenContext"/> and reports what the woven firmware executed. Board time is
/// charged for the work as the ESP32-S3 would take it (<see cref="DeviceBudget.MicrosecondsPerIl"/> per instruction),
/// so a costly tick or flash write delays the next block read as it would on the board.
/// </summary>
public static class DeviceScenarios
{
    /// <summary>Streaming 48 kHz stereo to a host, controls idle.</summary>
    public const string Streaming = "streaming";
    /// <summary>Streaming, the browser panel polling, the knob turning, presets recalled and saved, meters queried.</summary>
    public const string Busy = "busy";
    /// <summary>Not streaming, nothing happening.</summary>
    public const string Idle = "idle";

    private static string Errors(SimRunner runner)
    {
        var all = new List<string>();
        while (runner.Firmware.Errors.Count > 0) all.Add(runner.Firmware.Errors.Pop());
        return all.Count == 0 ? "none" : string.Join(" | ", all);
    }

    /// <summary>Entry point called by reflection inside the woven context. Returns the report as tab-separated lines.</summary>
    public static string Run(string wovenDirectory, string scenario, double seconds)
    {
        WorkCounter.Load(wovenDirectory);
        var runner = new SimRunner();
        var port = runner.OpenPort(out _);
        var drain = new byte[1 << 16];
        long received = 0;
        void Send(string line)
        {
            var bytes = Encoding.ASCII.GetBytes(line + "\n");
            port.HostWrite(bytes, 0, bytes.Length);
        }
        void RunTo(long us)
        {
            runner.RunUntil(us);
            int n;
            while ((n = port.HostRead(drain, 0, drain.Length)) > 0) received += n;
        }

        bool streaming = scenario != Idle;
        if (streaming) Send("SIM:SOUR1 SINE,1000,-40;:SIM:SOUR2 NOISE,-50;:STR:RATE 48000;:STR:STAR");
        if (scenario == Busy) Send("*SAV 1");
        long start = runner.Board.NowMicroseconds + 1_000_000;   // a second to settle: boot's delayed work, the stream's start
        RunTo(start);

        long lastRead = -1, worstGap = 0, largestTick = 0, ticks = 0, blocks = 0;
        long ilBefore = WorkCounter.Il;
        runner.Called = (call, began) =>
        {
            long il = WorkCounter.Il - ilBefore;
            ilBefore = WorkCounter.Il;
            long cost = (long)Math.Round(il * DeviceBudget.MicrosecondsPerIl);
            if (call == FirmwareCall.Block)
            {
                blocks++;
                if (lastRead >= 0) worstGap = Math.Max(worstGap, began - lastRead);
                lastRead = began;
            }
            if (call == FirmwareCall.Tick)
            {
                ticks++;
                largestTick = Math.Max(largestTick, cost);
            }
            if (cost > 0) runner.Board.AdvanceBy(cost);
        };
        runner.Modelling = paused => WorkCounter.Paused = paused;
        WorkCounter.Reset();
        ilBefore = 0;
        long framesBefore = runner.Firmware.Stream.FramesSent;
        long end = start + (long)(seconds * 1e6);
        const long PanelPollUs = 40_000, MeterQueryUs = 200_000, RecallUs = 1_000_000, KnobUs = 100_000;
        long nextPoll = start, nextMeter = start, nextRecall = start + RecallUs / 2, nextKnob = start;
        int knobTurns = 0;
        bool saved = false;
        while (runner.Board.NowMicroseconds < end)
        {
            long now = runner.Board.NowMicroseconds;
            if (scenario == Busy)
            {
                if (now >= nextPoll)
                {
                    Send(PanelQuery.WhileStreaming);   // the browser panel's poll (it meters from the stream it owns)
                    nextPoll += PanelPollUs;
                }
                if (now >= nextMeter)
                {
                    Send("MEAS:LEV? 1;:MEAS:LEV? 2");
                    nextMeter += MeterQueryUs;
                }
                if (now >= nextRecall)
                {
                    Send(!saved && now >= start + (long)(seconds * 1e6 / 2) ? "*SAV 2" : "*RCL 1");
                    saved |= now >= start + (long)(seconds * 1e6 / 2);
                    nextRecall += RecallUs;
                }
                if (now >= nextKnob)
                {
                    runner.Board.TurnKnob((knobTurns++ / 20) % 2 == 0 ? 1 : -1, 50);   // 10 detents a second, 20 up, 20 down
                    nextKnob += KnobUs;
                }
            }
            RunTo(Math.Min(end, now + 10_000));
        }
        var counts = WorkCounter.Snapshot();
        double span = (runner.Board.NowMicroseconds - start) / 1e6;
        long frames = runner.Firmware.Stream.FramesSent - framesBefore;
        long lostInRun = runner.Firmware.Stream.FramesDroppedForLink + runner.Firmware.Stream.FramesLostByConverter;
        if (streaming && frames + lostInRun < seconds * 48000 * 0.9) throw new InvalidOperationException("the " + scenario + " scenario streamed " + frames + " frames in " + seconds + " s (stream running: " +
                                                runner.Firmware.StreamLink.IsRunning + ", dropped for the link " + runner.Firmware.Stream.FramesDroppedForLink +
                                                ", lost by the converter " + runner.Firmware.Stream.FramesLostByConverter + ", errors: " + Errors(runner) + ")");
        var r = new StringBuilder();
        void Line(params object[] fields) => r.AppendLine(string.Join("\t", fields.Select(f => Convert.ToString(f, CultureInfo.InvariantCulture))));
        Line("seconds", span);
        Line("il", counts.Il);
        Line("calls", counts.ManagedCalls);
        Line("callsout", counts.CallsOut);
        Line("blocks", blocks);
        Line("ticks", ticks);
        Line("frames", frames);
        Line("lost", runner.Firmware.Stream.FramesDroppedForLink + runner.Firmware.Stream.FramesLostByConverter);
        Line("worstgap", worstGap);
        Line("largesttick", largestTick);
        foreach (var (part, (il, calls, outs)) in counts.ByPart) Line("part", part, il, calls, outs);
        foreach (var (method, il) in counts.IlByMethod) Line("method", method, il);
        foreach (var (target, n) in counts.CallsOutByTarget) Line("out", target, n);
        return r.ToString();
    }
}
