// The calibration wizard: measures the pad and every gain step with a reference tone, stores the result on the board,
// verifies it through the board's own readings, and writes a report.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using PreampFirmware.Control;
using PreampFirmware.Storage;

namespace PreampFirmware.Client;

/// <summary>How the wizard talks to the person running it.</summary>
public interface ICalibrationUi
{
    /// <summary>Asks the user to do something and confirm; false cancels the calibration.</summary>
    bool Confirm(string instruction);
    /// <summary>Reports progress of a named phase, 0..1.</summary>
    void Progress(string phase, double fraction);
    /// <summary>Tells the user something.</summary>
    void Info(string message);
}

/// <summary>Options of a calibration run.</summary>
public sealed class CalibrationOptions
{
    /// <summary>Level of the reference tone at the inputs, dBu.</summary>
    public double ReferenceDbu { get; init; }
    /// <summary>Frequency of the reference tone, Hz.</summary>
    public double FrequencyHz { get; init; } = 1000;
    /// <summary>Inputs to calibrate (1-based).</summary>
    public int[] Channels { get; init; } = { 1, 2 };
    /// <summary>Alignment convention to store (EBU or SMPTE).</summary>
    public string Alignment { get; init; } = "EBU";
    /// <summary>Directory for the report (PNG pictures and JSON), or null.</summary>
    public string ReportDirectory { get; init; }
    /// <summary>Wait after a gain change before reading MEASure:LEVel?, ms of wall time (the meter averages 300 ms).</summary>
    public int MeterSettleMs { get; init; } = CalibrationWizard.MeterSettleMs;
}

/// <summary>One gain step's result for one input.</summary>
public sealed class StepResult
{
    /// <summary>Gain, dB.</summary>
    public int GainDb { get; init; }
    /// <summary>True when the pad was in for this step (the reference would overload the gain otherwise).</summary>
    public bool Pad { get; init; }
    /// <summary>Error of the uncalibrated reading, dB.</summary>
    public double ErrorBeforeDb { get; init; }
    /// <summary>Correction stored, dB.</summary>
    public double CorrectionDb { get; init; }
    /// <summary>Error of the board's calibrated reading (MEASure:LEVel?), dB.</summary>
    public double ErrorAfterDb { get; set; }
}

/// <summary>Result of a calibration run.</summary>
public sealed class CalibrationReport
{
    /// <summary>Board identity.</summary>
    public string Device { get; init; }
    /// <summary>When it ran (UTC, ISO 8601).</summary>
    public string Date { get; init; }
    /// <summary>Reference level, dBu.</summary>
    public double ReferenceDbu { get; init; }
    /// <summary>Reference frequency, Hz.</summary>
    public double FrequencyHz { get; init; }
    /// <summary>Alignment convention stored.</summary>
    public string Alignment { get; init; }
    /// <summary>Per input: pad, steps.</summary>
    public Dictionary<string, InputReport> Inputs { get; init; } = new();
    /// <summary>The stored calibration record, Base64 (what `preamp calibration import` takes).</summary>
    public string Record { get; set; }
}

/// <summary>Per-input part of a report.</summary>
public sealed class InputReport
{
    /// <summary>Measured pad attenuation, dB.</summary>
    public double PadDb { get; set; }
    /// <summary>Gain steps.</summary>
    public List<StepResult> Steps { get; } = new();
}

/// <summary>Raised when the calibration cannot be completed; nothing was stored.</summary>
public sealed class CalibrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CalibrationException(string message) : base(message) { }
}

/// <summary>Runs the calibration over a link.</summary>
public sealed class CalibrationWizard
{
    /// <summary>Nominal RMS dBu of converter full scale (a full-scale sine, +14.68 dBu at the PGA2500 output, reads −3.01 dBFS RMS).</summary>
    public const double FullScaleRmsDbu = Calibration.FullScaleSineDbu - Calibration.FullScaleSineRmsDbfs;
    /// <summary>Rate the wizard measures at, S/s (or the highest the link carries, if lower).</summary>
    public const int MeasureRate = 48000;
    /// <summary>Length of one measurement, s (250 cycles of 1 kHz).</summary>
    public const double MeasureSeconds = 0.25;
    /// <summary>Largest peak accepted, dBFS (higher may be clipped).</summary>
    public const double MaxPeakDbfs = -1.0;
    /// <summary>Lowest RMS accepted, dBFS (lower is too close to the noise).</summary>
    public const double MinRmsDbfs = -75.0;
    /// <summary>Largest RMS difference between a measurement's halves, dB (more is an unstable source).</summary>
    public const double MaxInstabilityDb = 0.03;
    /// <summary>Output level above which a step is measured with the pad in, dBu (peak −6 dBFS leaves room for errors).</summary>
    public const double PadAboveDbu = Calibration.FullScaleSineDbu - 6.0;
    /// <summary>Attempts per measurement before a step is rejected.</summary>
    public const int Attempts = 3;
    /// <summary>Meter window plus margin before a verification reading, ms.</summary>
    public const int MeterSettleMs = 400;

    private readonly PreampLink _link;
    private readonly ICalibrationUi _ui;
    private readonly CalibrationOptions _o;
    private int _rate = MeasureRate;

    /// <summary>A wizard on <paramref name="link"/>.</summary>
    public CalibrationWizard(PreampLink link, ICalibrationUi ui, CalibrationOptions options)
    {
        _link = link;
        _ui = ui;
        _o = options;
    }

    /// <summary>Every gain the PGA2500 can take: 0, 10 … 65 dB.</summary>
    public static IEnumerable<int> GainSteps() => new[] { 0 }.Concat(Enumerable.Range(10, 56));

    /// <summary>True when a step at <paramref name="gainDb"/> is measured with the pad in.</summary>
    public bool UsesPad(int gainDb) => _o.ReferenceDbu + gainDb > PadAboveDbu;

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Runs the whole calibration and returns its report.</summary>
    public CalibrationReport Run()
    {
        if (_o.Channels.Length == 0 || _o.Channels.Any(c => c is < 1 or > 2)) throw new CalibrationException("channels are 1 and 2");
        if (_o.ReferenceDbu is < -70 or > 10) throw new CalibrationException("the reference level must be between -70 and +10 dBu");
        if (_o.Alignment is not ("EBU" or "SMPTE")) throw new CalibrationException("alignment is EBU or SMPTE");
        _link.Send("STReam:STOP");
        _link.DiscardAnswers();
        _link.DrainErrors();
        if (_link.Query("CALibration:LOCK?") == "1") throw new CalibrationException("the calibration is locked: send CALibration:LOCK OFF first");
        if (_link.Hub != null && _link.Query("STReam:ACTive?") == "1")
        {
            // Through a hub: calibration steps every gain and stops the stream, which other clients take now.
            var list = _link.Query("SYSTem:SESSion:LIST?").Split(',');
            var names = Enumerable.Range(0, list.Length / 3).Where(i => list[3 * i + 2] == "1").Select(i => list[3 * i + 1].Trim('"'));
            throw new CalibrationException("other clients of the hub take the stream (" + string.Join(", ", names) + "): calibration steps every gain and stops the stream; close them first");
        }
        if (_link.Query("*TST?") != "0") throw new CalibrationException("the board fails its self-test: " + string.Join("; ", _link.DrainErrors()));

        var saved = SaveUserSettings();
        var report = new CalibrationReport
        {
            Device = _link.Query("*IDN?"),
            Date = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            ReferenceDbu = _o.ReferenceDbu,
            FrequencyHz = _o.FrequencyHz,
            Alignment = _o.Alignment,
        };
        foreach (int ch in _o.Channels) report.Inputs["input" + ch] = new InputReport();
        try
        {
            if (_o.Channels.Any(ch => saved[ch].Phantom))
            {
                if (!_ui.Confirm("Phantom power is on. It will be switched off: a signal generator must never see +48 V.")) throw new CalibrationException("cancelled");
            }
            Prepare();
            if (!_ui.Confirm("Connect the generator: " + F(_o.FrequencyHz) + " Hz at " + F(_o.ReferenceDbu) + " dBu into inputs " + string.Join(", ", _o.Channels) + ", then continue.")) throw new CalibrationException("cancelled");
            var cal = MeasureGains(report);
            Store(cal, report);
            Verify(report);
        }
        finally
        {
            RestoreUserSettings(saved);
        }
        if (_o.ReportDirectory != null) CalibrationReportWriter.Write(report, _o.ReportDirectory);
        return report;
    }

    private sealed record UserSettings(int Gain, bool Pad, bool Polarity, bool Mute, bool Phantom);

    private Dictionary<int, UserSettings> SaveUserSettings()
    {
        var s = new Dictionary<int, UserSettings>();
        for (int ch = 1; ch <= 2; ch++)
        {
            string p = "INPut" + ch + ":";
            s[ch] = new UserSettings(int.Parse(_link.Query(p + "GAIN?"), CultureInfo.InvariantCulture), _link.Query(p + "PAD?") == "1",
                _link.Query(p + "POLarity?") == "INV", _link.Query(p + "MUTE?") == "1", _link.Query(p + "PHANtom?") == "1");
        }
        s[0] = new UserSettings(_link.Query("INPut:LINK?") == "1" ? 1 : 0, false, false, false, false);
        return s;
    }

    private void RestoreUserSettings(Dictionary<int, UserSettings> s)
    {
        try
        {
            _link.Send("STReam:STOP");
            _link.Pause(100);
            _link.DiscardAnswers();
            _link.DrainErrors();
            foreach (int ch in _o.Channels)
            {
                string p = "INPut" + ch + ":";
                var u = s[ch];
                _link.Send(p + "GAIN " + u.Gain + ";PAD " + (u.Pad ? "ON" : "OFF") + ";POLarity " + (u.Polarity ? "INV" : "NORM") + ";MUTE " + (u.Mute ? "ON" : "OFF"));
                if (u.Phantom) _ui.Info("phantom on input " + ch + " was left off; switch it on again once the generator is disconnected");
            }
            _link.Command("INPut:LINK " + (s[0].Gain == 1 ? "ON" : "OFF"));
        }
        catch (PreampException e)
        {
            _ui.Info("could not restore the previous settings: " + e.Message);
        }
    }

    private void Prepare()
    {
        _link.Command("INPut:LINK OFF");
        foreach (int ch in _o.Channels)
        {
            _link.Command("INPut" + ch + ":PHANtom OFF;POLarity NORM;PAD OFF;MUTE OFF;GAIN 0");
        }
        WaitSettled();
        int max = int.Parse(_link.Query("STReam:RATE:MAXimum?"), CultureInfo.InvariantCulture);
        if (max <= 0) throw new CalibrationException("this link cannot carry the stream the calibration measures from");
        _rate = Math.Min(MeasureRate, max);
        _link.Command("STReam:RATE " + _rate.ToString(CultureInfo.InvariantCulture));
    }

    private void WaitSettled()
    {
        for (int waited = 0; _o.Channels.Any(ch => _link.Query("INPut" + ch + ":PHANtom:SETTled?") != "1"); waited += 50)
        {
            if (waited >= 5000) throw new CalibrationException("the relays did not settle within 5 s");
            _link.Pause(50);
        }
    }

    private int[][] Capture(Func<SampleBlock, bool> accept, string what)
    {
        using var collector = new StreamCollector(_link);
        _link.Command("STReam:STARt");
        try
        {
            var samples = collector.Collect((int)(MeasureSeconds * _rate), accept, TimeSpan.FromSeconds(5));
            if (samples == null) throw new CalibrationException("no clean stream for " + what + " within 5 s (" + string.Join("; ", _link.DrainErrors()) + ")");
            return samples;
        }
        finally
        {
            _link.Send("STReam:STOP");
            _link.Pause(30);
            _link.DiscardAnswers();
        }
    }

    private Dictionary<int, ToneMeasurement> MeasureStep(int gain, bool pad)
    {
        foreach (int ch in _o.Channels) _link.Command("INPut" + ch + ":GAIN " + gain + ";PAD " + (pad ? "ON" : "OFF"));
        WaitSettled();
        string what = "gain " + gain + " dB" + (pad ? " with the pad" : "");
        for (int attempt = 1; ; attempt++)
        {
            var samples = Capture(b => (!_o.Channels.Contains(1) || (b.Gain1 == gain && ((b.RelayBits & 0x0A) == (pad ? 0x02 : 0))))
                                       && (!_o.Channels.Contains(2) || (b.Gain2 == gain && ((b.RelayBits & 0xA0) == (pad ? 0x20 : 0)))), what);
            var result = new Dictionary<int, ToneMeasurement>();
            string problem = null;
            foreach (int ch in _o.Channels)
            {
                var m = ToneMeasurement.Of(samples[ch - 1], _rate);
                result[ch] = m;
                if (m.PeakDbfs > MaxPeakDbfs) problem = "input " + ch + " at " + what + " is overloaded (" + F(m.PeakDbfs) + " dBFS peak): lower the reference level";
                else if (m.RmsDbfs < MinRmsDbfs) problem = "input " + ch + " at " + what + " is too quiet (" + F(m.RmsDbfs) + " dBFS): is the generator connected?";
                else if (Math.Abs(m.FrequencyHz - _o.FrequencyHz) > _o.FrequencyHz * 0.02) problem = "input " + ch + " sees " + F(m.FrequencyHz) + " Hz, not the " + F(_o.FrequencyHz) + " Hz reference";
                else if (m.HalvesDifferenceDb > MaxInstabilityDb) problem = "input " + ch + " at " + what + " is unstable (" + F(m.HalvesDifferenceDb) + " dB between halves)";
            }
            if (problem == null) return result;
            if (attempt >= Attempts) throw new CalibrationException(problem + "; nothing was stored");
            _ui.Info(problem + "; measuring again");
        }
    }

    private Calibration MeasureGains(CalibrationReport report)
    {
        var cal = new Calibration();

        // The pad: the same gain with and without it, both in range, so the gain error cancels.
        int padGain = (int)Math.Clamp(Math.Round(6 - _o.ReferenceDbu), 10, 65);
        var off = MeasureStep(padGain, false);
        var on = MeasureStep(padGain, true);
        foreach (int ch in _o.Channels)
        {
            double pad = off[ch].RmsDbfs - on[ch].RmsDbfs;
            if (!cal.SetPadDb(ch - 1, pad)) throw new CalibrationException("the pad of input " + ch + " attenuates " + F(pad) + " dB, more than 1.27 dB from 20 dB: check it");
            report.Inputs["input" + ch].PadDb = pad;
        }

        var steps = GainSteps().ToList();
        for (int i = 0; i < steps.Count; i++)
        {
            int g = steps[i];
            bool pad = UsesPad(g);
            _ui.Progress("gain steps", (double)i / steps.Count);
            var m = MeasureStep(g, pad);
            foreach (int ch in _o.Channels)
            {
                double nominal = m[ch].RmsDbfs + FullScaleRmsDbu - g + (pad ? Calibration.NominalPadDb : 0);
                double calibrated = m[ch].RmsDbfs + FullScaleRmsDbu - g + (pad ? cal.PadDb(ch - 1) : 0);
                double correction = calibrated - _o.ReferenceDbu;
                if (!cal.SetGainCorrectionDb(ch - 1, g, correction))
                    throw new CalibrationException("input " + ch + " at " + g + " dB is off by " + F(correction) + " dB, beyond the ±1.27 dB a healthy board shows: nothing was stored");
                report.Inputs["input" + ch].Steps.Add(new StepResult { GainDb = g, Pad = pad, ErrorBeforeDb = nominal - _o.ReferenceDbu, CorrectionDb = cal.GainCorrectionDb(ch - 1, g) });
            }
        }
        _ui.Progress("gain steps", 1);
        cal.Alignment = _o.Alignment == "SMPTE" ? Calibration.AlignmentSmpte : Calibration.AlignmentEbu;
        cal.ReferenceDbu = _o.ReferenceDbu;
        cal.ReferenceHz = (int)Math.Round(_o.FrequencyHz);
        cal.IsValid = true;
        return cal;
    }

    private void Store(Calibration cal, CalibrationReport report)
    {
        // Inputs not calibrated now keep what the board had.
        var current = CalibrationData.Decode(_link.Query("CALibration:DATA?"));
        for (int ch = 1; ch <= 2; ch++)
        {
            if (_o.Channels.Contains(ch)) continue;
            cal.SetPadDb(ch - 1, current.PadDb(ch - 1));
            foreach (int g in GainSteps()) cal.SetGainCorrectionDb(ch - 1, g, current.GainCorrectionDb(ch - 1, g));
        }
        report.Record = CalibrationData.Encode(cal);
        _link.Command("CALibration:DATA \"" + report.Record + "\"");
        _link.Command("CALibration:STORe");
        if (_link.Query("CALibration:STATe?") != "1") throw new CalibrationException("the board did not take the calibration");
        _ui.Info("calibration stored on the board");
    }

    /// <summary>
    /// MEASure:LEVel? readings averaged per step when verifying. The board's meter reads a steady tone from about 70 spot
    /// samples in its 300 ms window, so one reading of a 1 kHz tone is within about ±0.06 dB, depending on where its
    /// spot samples fell in the tone's cycle; readings taken at other moments fall elsewhere, and their mean is within a
    /// few hundredths.
    /// </summary>
    public const int VerifyReadings = 5;
    /// <summary>Time between those readings, ms (not a whole number of the reference's periods, nor of the meter's sub-windows).</summary>
    public const int VerifyWindowMs = 170;

    private void Verify(CalibrationReport report)
    {
        var steps = GainSteps().ToList();
        bool? pad = null;
        for (int i = 0; i < steps.Count; i++)
        {
            int g = steps[i];
            _ui.Progress("verifying", (double)i / steps.Count);
            bool usePad = UsesPad(g);
            foreach (int ch in _o.Channels) _link.Command("INPut" + ch + ":GAIN " + g + (pad != usePad ? ";PAD " + (usePad ? "ON" : "OFF") : ""));
            if (pad != usePad) WaitSettled();
            pad = usePad;
            _link.Pause(_o.MeterSettleMs);
            var sum = new double[3];
            for (int reading = 0; reading < VerifyReadings; reading++)
            {
                if (reading > 0) _link.Pause(VerifyWindowMs);
                foreach (int ch in _o.Channels)
                {
                    var level = _link.Query("MEASure:LEVel? " + ch).Split(',');
                    sum[ch] += double.Parse(level[2], CultureInfo.InvariantCulture);
                }
            }
            foreach (int ch in _o.Channels)
            {
                report.Inputs["input" + ch].Steps[i].ErrorAfterDb = sum[ch] / VerifyReadings - _o.ReferenceDbu;
            }
        }
        _ui.Progress("verifying", 1);
    }
}

/// <summary>Calibration records as the board exports and imports them (Base64 of the flash record).</summary>
public static class CalibrationData
{
    /// <summary>Base64 record of a calibration.</summary>
    public static string Encode(Calibration cal)
    {
        var payload = new byte[Calibration.PayloadBytes];
        cal.Encode(payload);
        return Convert.ToBase64String(RecordStore.Encode(Calibration.Tag, Calibration.Version, 0, payload, payload.Length));
    }

    /// <summary>Decodes a Base64 record (quotes allowed); throws <see cref="CalibrationException"/> when it is not one.</summary>
    public static Calibration Decode(string text)
    {
        byte[] image;
        try { image = Convert.FromBase64String(text.Trim().Trim('"')); }
        catch (FormatException) { throw new CalibrationException("not Base64 calibration data"); }
        if (!RecordStore.IsValid(image, Calibration.Tag, Calibration.Version)) throw new CalibrationException("not a calibration record (tag, version, length or CRC wrong)");
        var payload = image.Skip(RecordStore.HeaderBytes).Take(image.Length - RecordStore.HeaderBytes - 2).ToArray();
        var cal = new Calibration();
        if (!cal.Decode(payload)) throw new CalibrationException("calibration values out of range");
        return cal;
    }

    /// <summary>A JSON document of a calibration, with the record for re-import.</summary>
    public static string ToJson(Calibration cal, string device)
    {
        var doc = new Dictionary<string, object>
        {
            ["device"] = device,
            ["valid"] = cal.IsValid,
            ["alignment"] = cal.Alignment == Calibration.AlignmentSmpte ? "SMPTE RP155" : "EBU R68",
            ["referenceDbu"] = cal.ReferenceDbu,
            ["referenceHz"] = cal.ReferenceHz,
            ["record"] = Encode(cal),
        };
        for (int ch = 0; ch < 2; ch++)
        {
            doc["input" + (ch + 1)] = new Dictionary<string, object>
            {
                ["padDb"] = Math.Round(cal.PadDb(ch), 2),
                ["gainCorrectionDb"] = CalibrationWizard.GainSteps().ToDictionary(g => g.ToString(CultureInfo.InvariantCulture), g => cal.GainCorrectionDb(ch, g)),
            };
        }
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The record inside a JSON file written by <see cref="ToJson"/> or by a calibration report.</summary>
    public static string RecordFromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("record", out var r) || doc.RootElement.TryGetProperty("Record", out r)) return r.GetString();
        throw new CalibrationException("the file has no \"record\"");
    }
}
