// The SIMulation subtree the simulated board adds to the firmware's command table: sources, knob, buttons, relays, DMA.
using System;
using System.Globalization;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;

namespace PreampFirmware.SimHost;

/// <summary>Backend commands of the simulated board, served over the same protocol as the firmware's own.</summary>
public static class SimCommands
{
    /// <summary>Adds SIMulation:… to <paramref name="t"/>.</summary>
    public static void Register(SimRunner runner, ScpiCommandTable t)
    {
        var board = runner.Board;
        t.Add("SIMulation:SOURce#", 1, 3, 2, c => Source(board, c));
        t.Add("SIMulation:SOURce#?", 0, 0, 2, c =>
        {
            var s = board.Sources[c.Suffix - 1];
            c.Reply(s.Kind switch
            {
                SourceKind.Sine => "SINE," + F(s.FrequencyHz) + "," + F(s.Dbu),
                SourceKind.Noise => "NOISE," + F(s.Dbu),
                SourceKind.Hum => "HUM," + F(s.FrequencyHz) + "," + F(s.Dbu),
                _ => "OFF",
            });
        });
        t.Add("SIMulation:KNOB", 1, 2, 1, c =>
        {
            if (!c.TryInteger(0, out int detents)) return;
            double ms = 100;
            if (c.ParameterCount > 1 && !c.TryNumber(1, out ms)) return;
            if (ms <= 0 || ms > 10000 || detents < -1000 || detents > 1000) { c.Fail(ScpiError.DataOutOfRange, "detents +/-1000, 0 < ms <= 10000"); return; }
            board.TurnKnob(detents, ms);
        });
        t.Add("SIMulation:BUTTon", 2, 2, 1, c =>
        {
            SimPin pin = c.IsKeyword(0, "CHANnel") ? board.ChannelButton
                : c.IsKeyword(0, "PHANtom") ? board.PhantomButton
                : c.IsKeyword(0, "KNOB") ? board.EncoderSwitch : null;
            if (pin == null) { c.Fail(ScpiError.IllegalParameterValue, "button is CHANnel, PHANtom or KNOB"); return; }
            if (!c.TryNumber(1, out double ms)) return;
            if (ms <= 0 || ms > 60000) { c.Fail(ScpiError.DataOutOfRange, "hold time 0 < ms <= 60000"); return; }
            board.PressButton(pin, ms);
        });
        t.Add("SIMulation:RELay?", 1, 1, 1, c =>
        {
            if (!c.TryInteger(0, out int n)) return;
            if (n < 1 || n > 2) { c.Fail(ScpiError.DataOutOfRange, "channel must be 1 or 2"); return; }
            int i = n - 1;
            c.Reply(B(board.PhantomRelays[i].Contact) + "," + B(board.PadRelays[i].Contact) + "," + B(board.PolarityRelays[i].Contact));
        });
        // What a meter on XLR pins 2 and 3 (against pin 1) reads: "<pin 2 V>,<pin 3 V>".
        t.Add("SIMulation:PHANtom:VOLTage?", 1, 1, 1, c =>
        {
            if (!c.TryInteger(0, out int n)) return;
            if (n < 1 || n > 2) { c.Fail(ScpiError.DataOutOfRange, "channel must be 1 or 2"); return; }
            string v = board.Phantom[n - 1].PinVolts(board.NowMicroseconds).ToString("0.00", CultureInfo.InvariantCulture);
            c.Reply(v + "," + v);
        });
        // The LEDs lit now, as the 74HC595s' outputs show them: "<ring 1>,<status 1>,<ring 2>,<status 2>" in hex (ring bit 0
        // LED 1; status bits 48V, PAD, POLARITY, SIGNAL, CLIP, SELECTED from bit 0).
        t.Add("SIMulation:LED?", c =>
        {
            var leds = board.Leds;
            c.Reply(leds.Ring(0).ToString("X4", CultureInfo.InvariantCulture) + "," + leds.Outputs(3).ToString("X2", CultureInfo.InvariantCulture) + "," +
                    leds.Ring(1).ToString("X4", CultureInfo.InvariantCulture) + "," + leds.Outputs(6).ToString("X2", CultureInfo.InvariantCulture));
        });
        // Faults any client can inject: SIMulation:FAULt <part>,<how> (OFF ends one), SIMulation:FAULt CLEar ends all.
        t.Add("SIMulation:FAULt", 1, 2, 1, c =>
        {
            if (c.ParameterCount == 1)
            {
                if (c.IsKeyword(0, "CLEar")) runner.Faults.Clear();
                else c.Fail(ScpiError.MissingParameter, "SIMulation:FAULt <part>,<how> or SIMulation:FAULt CLEar");
                return;
            }
            string problem = runner.Faults.Set(c.Text(0), c.Text(1));
            if (problem != null) c.Fail(ScpiError.IllegalParameterValue, problem);
        });
        t.Add("SIMulation:FAULt?", c => c.Reply(runner.Faults.List()));
        t.Add("SIMulation:TIME?", c => c.Reply((board.NowMicroseconds / 1e6).ToString("F6", CultureInfo.InvariantCulture)));
        // What the simulated DMA really dropped (the ground truth no real board can tell): frames of the latest stream
        // dropped by the DMA whose stream frame number is below <frames> (default: all so far), then frames dropped
        // since power-up.
        t.Add("SIMulation:DMA:DROPped?", 0, 1, 1, c =>
        {
            long limit = long.MaxValue;
            if (c.ParameterCount == 1)
            {
                if (!c.TryInteger(0, out int n)) return;
                limit = n;
            }
            long start = runner.Firmware.Loop.StreamStartBuffer;
            int frames = board.Audio.FramesPerBuffer;
            long inStream = 0;
            foreach (long index in board.Audio.DroppedBufferIndices)
            {
                long first = (index - start) * frames;
                if (first + frames <= 0 || first >= limit) continue;
                inStream += Math.Min(first + frames, limit) - Math.Max(first, 0);
            }
            c.Reply(inStream.ToString(CultureInfo.InvariantCulture) + "," + board.Audio.FramesDropped.ToString(CultureInfo.InvariantCulture));
        });
    }

    private static string B(bool v) => v ? "1" : "0";
    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Source(SimBoard board, ScpiCall c)
    {
        var s = board.Sources[c.Suffix - 1];
        if (c.IsKeyword(0, "OFF"))
        {
            if (c.ParameterCount != 1) { c.Fail(ScpiError.ParameterNotAllowed, "OFF takes no values"); return; }
            s.Kind = SourceKind.Off;
            return;
        }
        if (c.IsKeyword(0, "SINE"))
        {
            if (c.ParameterCount != 3) { c.Fail(ScpiError.MissingParameter, "SINE,<Hz>,<dBu>"); return; }
            if (!c.TryNumber(1, out double hz) || !c.TryNumber(2, out double dbu)) return;
            if (hz <= 0 || hz > 100000 || dbu < -160 || dbu > 30) { c.Fail(ScpiError.DataOutOfRange, "0 < Hz <= 100000, -160 <= dBu <= 30"); return; }
            s.FrequencyHz = hz;
            s.Dbu = dbu;
            s.Kind = SourceKind.Sine;
            return;
        }
        if (c.IsKeyword(0, "NOISE"))
        {
            if (c.ParameterCount != 2) { c.Fail(ScpiError.MissingParameter, "NOISE,<dBu>"); return; }
            if (!c.TryNumber(1, out double dbu)) return;
            if (dbu < -160 || dbu > 30) { c.Fail(ScpiError.DataOutOfRange, "-160 <= dBu <= 30"); return; }
            s.Dbu = dbu;
            s.Kind = SourceKind.Noise;
            return;
        }
        if (c.IsKeyword(0, "HUM"))
        {
            if (c.ParameterCount != 3) { c.Fail(ScpiError.MissingParameter, "HUM,<50|60>,<dBu>"); return; }
            if (!c.TryNumber(1, out double hz) || !c.TryNumber(2, out double dbu)) return;
            if ((hz != 50 && hz != 60) || dbu < -160 || dbu > 30) { c.Fail(ScpiError.DataOutOfRange, "mains is 50 or 60 Hz, -160 <= dBu <= 30"); return; }
            s.FrequencyHz = hz;
            s.Dbu = dbu;
            s.Kind = SourceKind.Hum;
            return;
        }
        c.Fail(ScpiError.IllegalParameterValue, "source is SINE, NOISE, HUM or OFF");
    }
}
