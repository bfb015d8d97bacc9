// `preamp bringup`: a new board's first power-up, step by step, each step ending pass, warn or fail with what to do next.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PreampFirmware.Control;

namespace PreampFirmware.Client;

/// <summary>How a step ended.</summary>
public enum StepOutcome
{
    /// <summary>The board does what it should here.</summary>
    Pass,
    /// <summary>It works, but something is not as documented, or could not be checked: read the message.</summary>
    Warn,
    /// <summary>Something is wired or configured wrong: the message names the fix.</summary>
    Fail,
    /// <summary>The step needs a person and nobody answered (--yes on a real board).</summary>
    Skipped,
}

/// <summary>One step of a bring-up and how it ended.</summary>
public sealed class BringupStep
{
    /// <summary>Short name (link, identity, gain-chain, ...).</summary>
    public string Id { get; init; }
    /// <summary>What the step checks, for a person.</summary>
    public string Title { get; init; }
    /// <summary>How it ended.</summary>
    public StepOutcome Outcome { get; set; } = StepOutcome.Pass;
    /// <summary>What was found, and on a warn or fail what to do.</summary>
    public string Message { get; set; } = "";
    /// <summary>Readings and details.</summary>
    public List<string> Details { get; } = new();
    /// <summary>Files the step wrote (spectra), relative to the report directory.</summary>
    public List<string> Files { get; } = new();
    /// <summary>How long it took, s (wall time).</summary>
    public double Seconds { get; set; }
}

/// <summary>The whole run.</summary>
public sealed class BringupReport
{
    /// <summary>*IDN? of the board ("" when the link failed).</summary>
    public string Device { get; set; } = "";
    /// <summary>The link: port and baud.</summary>
    public string Link { get; set; } = "";
    /// <summary>True when the board is the simulator (steps that need a person are driven through SIMulation commands).</summary>
    public bool Simulator { get; set; }
    /// <summary>When it ran (UTC, ISO 8601).</summary>
    public string Date { get; set; } = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture);
    /// <summary>The steps, in order.</summary>
    public List<BringupStep> Steps { get; } = new();
    /// <summary>The noise-floor step's spectra by input number (not serialised: the report writer draws them).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Dictionary<int, NoiseSpectrum> Spectra { get; } = new();
    /// <summary>The expected noise floor of a terminated input at 0 dB, dBFS RMS.</summary>
    public double ExpectedNoiseDbfs { get; set; } = Bringup.ExpectedNoiseDbfs;
    /// <summary>Fail when any step failed, else warn when any warned, else pass.</summary>
    public string Result => Steps.Any(s => s.Outcome == StepOutcome.Fail) ? "fail" : Steps.Any(s => s.Outcome == StepOutcome.Warn) ? "warn" : "pass";
    /// <summary>The steps skipped because nobody was there to answer.</summary>
    public List<string> Skipped => Steps.Where(s => s.Outcome == StepOutcome.Skipped).Select(s => s.Id).ToList();
    /// <summary>1 when a step failed, else 0.</summary>
    public int ExitCode => Steps.Any(s => s.Outcome == StepOutcome.Fail) ? 1 : 0;
}

/// <summary>How the bring-up talks to the person at the bench.</summary>
public interface IBringupUi
{
    /// <summary>False with --yes: every step that needs a person is skipped (on the simulator, driven instead).</summary>
    bool Attended { get; }
    /// <summary>A step begins.</summary>
    void Begin(string title);
    /// <summary>A step ended.</summary>
    void End(BringupStep step);
    /// <summary>Tells the person something (an instruction with no answer, or progress).</summary>
    void Tell(string message);
    /// <summary>A yes/no question (only asked when <see cref="Attended"/>).</summary>
    bool Confirm(string question);
    /// <summary>A question answered with text, e.g. meter readings (only asked when <see cref="Attended"/>); null for no answer.</summary>
    string Ask(string question);
}

/// <summary>Options of a bring-up run.</summary>
public sealed class BringupOptions
{
    /// <summary>Directory for the report (Markdown, JSON, spectra), or null.</summary>
    public string ReportDirectory { get; init; }
    /// <summary>Baud rate of a serial link (for the link step's message); 0 for TCP or an in-process simulator.</summary>
    public int Baud { get; init; }
    /// <summary>How long the person has to turn the knob or press a button, ms of board time.</summary>
    public int PanelTimeoutMs { get; init; } = 15000;
    /// <summary>Stopped by Ctrl-C.</summary>
    public CancellationToken Cancel { get; init; }
    /// <summary>Only these steps (by id) besides the link, or null for all of them.</summary>
    public string[] Only { get; init; }
}

/// <summary>Runs the bring-up sequence over a link.</summary>
public sealed class Bringup
{
    /// <summary>PCM1863 SNR, dB (SLAS831D §7.5: 110 dB typical, differential, its PGA at 0 dB; 97 dB minimum).</summary>
    public const double ConverterSnrDb = 110;
    /// <summary>PGA2500 equivalent input noise, dBu (−128 dBu at 30 dB of gain, 150 Ω source; domain-facts §1.1).</summary>
    public const double PreampEinDbu = -128;
    /// <summary>
    /// Expected noise of a terminated input at 0 dB, dBFS RMS (unweighted, the whole band): the converter's 110 dB below a
    /// full-scale sine (−3.01 dBFS RMS) is −113.0 dBFS; the PGA2500's EIN at 0 dB (−128 dBu, with 0 dBFS = +14.7 dBu:
    /// −145.7 dBFS) adds 0.002 dB. The simulator's analog chain reproduces it (docs/PERFORMANCE.md, noise.dynamic_range_db:
    /// −113.03 dBFS). The PGA2500's own output noise at 0 dB is not in the references: the first boards settle it.
    /// </summary>
    public static readonly double ExpectedNoiseDbfs =
        10 * Math.Log10(Math.Pow(10, (Calibration.FullScaleSineRmsDbfs - ConverterSnrDb) / 10) +
                        Math.Pow(10, (PreampEinDbu - Calibration.FullScaleSineDbu + Calibration.FullScaleSineRmsDbfs) / 10));
    /// <summary>Noise up to this far above the expected figure passes, dB (part spread, a terminating plug's own noise).</summary>
    public const double NoisePassMarginDb = 3;
    /// <summary>Noise up to this far above warns; more fails, dB.</summary>
    public const double NoiseFailMarginDb = 10;
    /// <summary>Phantom at the pins, volts: IEC 61938 P48 is 48 V ± 4 V.</summary>
    public const double PhantomVolts = 48, PhantomToleranceVolts = 4;
    /// <summary>Lease of phantom during its check, s: the board switches it off this long after the last renewal.</summary>
    public const int PhantomLeaseSeconds = 5;
    /// <summary>The tool renews the lease this often while it waits, s.</summary>
    public const double PhantomRenewSeconds = 1;
    /// <summary>Frames captured for each input's noise floor (1 s at 48 kHz).</summary>
    public const int NoiseFrames = 48000;
    /// <summary>LEDs the front panel has (DIAGnostic:LED 1..44).</summary>
    public const int Leds = 44;

    private readonly PreampLink _link;
    private readonly IBringupUi _ui;
    private readonly BringupOptions _o;
    private readonly BringupReport _report = new();
    private bool _sim;
    private bool _safeState;
    private bool _linkLost;
    private double _lastRenewal;

    /// <summary>A bring-up of the board on <paramref name="link"/>.</summary>
    public Bringup(PreampLink link, IBringupUi ui, BringupOptions options)
    {
        _link = link;
        _ui = ui;
        _o = options ?? new BringupOptions();
    }

    /// <summary>The steps in order: id and title.</summary>
    public static readonly (string Id, string Title)[] Steps =
    {
        ("link", "Link and baud"),
        ("identity", "Identity (*IDN?)"),
        ("gain-chain", "PGA2500 chain loop-back"),
        ("control-port", "PCM1863 control-port framing"),
        ("clocks", "I2S clocks and rate"),
        ("sample-framing", "I2S sample framing"),
        ("noise-floor", "Noise floor of each input at 0 dB, inputs terminated"),
        ("relays", "Relays: pad and polarity of each input"),
        ("leds", "LEDs, one at a time"),
        ("panel", "Knob and buttons"),
        ("phantom", "Phantom power at pins 2 and 3"),
    };

    /// <summary>Runs every step, writes the report when asked, and returns it. Phantom is off at the end whatever happens.</summary>
    public BringupReport Run()
    {
        _report.Link = _link.Transport.Description + (_o.Baud > 0 && !_link.Transport.Description.Contains("baud", StringComparison.Ordinal) ? " at " + _o.Baud + " baud" : "");
        try
        {
            foreach (var (id, body) in new (string, Action<BringupStep>)[]
                     {
                         ("link", Link), ("identity", Identity), ("gain-chain", GainChain), ("control-port", ControlPort), ("clocks", Clocks),
                         ("sample-framing", SampleFraming), ("noise-floor", NoiseFloor), ("relays", Relays), ("leds", LedsStep), ("panel", Panel), ("phantom", Phantom),
                     })
            {
                if (Do(id, body) == StepOutcome.Fail && (id == "link" || _linkLost)) break;   // nothing more can be asked
            }
        }
        catch (OperationCanceledException)
        {
            PhantomOff();
            Finish();   // what ran so far, on file
            throw;
        }
        finally
        {
            PhantomOff();
        }
        return Finish();
    }

    private BringupReport Finish()
    {
        if (_o.ReportDirectory != null) BringupReportWriter.Write(_report, _o.ReportDirectory);
        return _report;
    }

    /// <summary>Steps that need the board in operation: after a failed self-test it stays in its safe state and they cannot run.</summary>
    private static readonly string[] NeedOperation = { "noise-floor", "relays", "leds", "panel", "phantom" };

    private StepOutcome Do(string id, Action<BringupStep> body)
    {
        if (id != "link" && _o.Only != null && !_o.Only.Contains(id)) return StepOutcome.Pass;
        var step = new BringupStep { Id = id, Title = Steps.First(s => s.Id == id).Title };
        _o.Cancel.ThrowIfCancellationRequested();
        _ui.Begin(step.Title);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (_safeState && NeedOperation.Contains(id))
            {
                Set(step, StepOutcome.Fail, "not run: the self-test failed, so the board stays in its safe state (muted, phantom off, relays open); fix what the failing step above names, then run `preamp bringup` again");
            }
            else
            {
                body(step);
            }
        }
        catch (Exception e) when (e is PreampException or System.IO.IOException or InvalidOperationException)
        {
            _linkLost = e is not PreampException || e.Message.StartsWith("no answer", StringComparison.Ordinal) || e.Message.StartsWith(_link.Transport.Description + ":", StringComparison.Ordinal);
            step.Outcome = StepOutcome.Fail;
            step.Message = _linkLost
                ? "the board stopped answering during this step (" + e.Message + "): check the cable and the board's power, then run `preamp bringup` again"
                : "the board refused what this step asked (" + e.Message + "): see the steps above; `preamp scpi \"SYSTem:CONDition?\"` names what is wrong";
        }
        step.Seconds = watch.Elapsed.TotalSeconds;
        _report.Steps.Add(step);
        _ui.End(step);
        return step.Outcome;
    }

    private static string F(double v, string format = "0.0") => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Set(BringupStep s, StepOutcome outcome, string message)
    {
        s.Outcome = outcome;
        s.Message = message;
    }

    /// <summary>
    /// A query that a board with older firmware may not know: its answer, or null (the -113 read) when it answers
    /// "Undefined header". The error query goes on a line of its own: a command error skips the rest of its line.
    /// </summary>
    private string QueryNew(string query)
    {
        _link.DrainErrors();
        _link.Send(query);
        _link.Send("SYSTem:ERRor?");
        string first = _link.ReadAnswer(query);
        if (System.Text.RegularExpressions.Regex.IsMatch(first, "^-?[0-9]+,\""))
        {
            if (first.StartsWith("-113,", StringComparison.Ordinal)) return null;
            throw new PreampException(query + " failed: " + first);
        }
        _link.ReadAnswer("SYSTem:ERRor?");
        return first;
    }

    private const string TooOld = "firmware too old for this check (the board answers -113 \"Undefined header\" to ";

    // --- the steps -------------------------------------------------------------------------------------------

    private void Link(BringupStep s)
    {
        string idn;
        try
        {
            _link.Send("*CLS");
            idn = _link.Query("*IDN?");
        }
        catch (PreampException e)
        {
            Set(s, StepOutcome.Fail, "no answer to *IDN? (" + e.Message + "): check that the board is powered and flashed, the port (`preamp ports`; " +
                                     "the CH343P shows as /dev/ttyACM* on Linux), and the baud rate: the board's link runs at 4000000 (--baud)");
            return;
        }
        _report.Device = idn;
        _sim = idn.Contains("(simulated)", StringComparison.Ordinal);
        _report.Simulator = _sim;
        int max = int.Parse(_link.Query("STReam:RATE:MAXimum?"), CultureInfo.InvariantCulture);
        string overruns = _link.Query("SYSTem:COMMunicate:OVERruns?");
        s.Details.Add("link: " + _report.Link);
        s.Details.Add("STReam:RATE:MAXimum? " + max + " S/s; receive overruns " + overruns);
        if (max < 48000)
        {
            Set(s, StepOutcome.Warn, "the board answers, but this link carries only " + max + " S/s of stream: the board's link runs at 4000000 baud; " +
                                     "open it at that rate (--baud 4000000) to record at 48 kHz");
            return;
        }
        Set(s, StepOutcome.Pass, "the board answers over " + _report.Link + "; the link carries the stream at " + max + " S/s");
    }

    private void Identity(BringupStep s)
    {
        var f = _report.Device.Split(',');
        s.Details.Add("*IDN? " + _report.Device);
        if (f.Length != 4 || f[0] != "PreampFirmware")
        {
            Set(s, StepOutcome.Fail, "the device answers \"" + _report.Device + "\", not PreampFirmware's identity: is this the preamp's port? Flash PreampApp (README, Flashing a board)");
            return;
        }
        Set(s, StepOutcome.Pass, "model " + f[1] + ", serial " + f[2] + ", firmware " + f[3] + (_sim ? " (the simulator: steps that need a person are driven through SIMulation commands)" : ""));
    }

    private List<string> _selfTestErrors = new();

    private void GainChain(BringupStep s)
    {
        _link.DrainErrors();
        string result = _link.Query("*TST?");
        _selfTestErrors = _link.DrainErrors();
        s.Details.Add("*TST? " + result);
        _safeState = result != "0";
        s.Details.AddRange(_selfTestErrors.Select(e => "error: " + e));
        int bits = int.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) ? b : -1;
        if (bits < 0)
        {
            Set(s, StepOutcome.Fail, "*TST? answered \"" + result + "\": update the firmware");
            return;
        }
        if ((bits & 1) == 0)
        {
            Set(s, StepOutcome.Pass, "both PGA2500s answer: the 32-bit pattern came back on GPIO 13 (SDO through U18)" +
                                     ((bits & 2) != 0 ? "; the converter part of the self-test failed: see the next steps" : ""));
            return;
        }
        string what = string.Join("; ", _selfTestErrors.Where(e => e.Contains("PGA2500", StringComparison.Ordinal)));
        string fix = what.Contains("stuck low", StringComparison.Ordinal)
            ? "MISO (GPIO 13) stays low: nothing drives the chain's SDO (R40 pulls it low while a PGA2500 leaves SDO Hi-Z, as it does while CS is high). " +
              "Check that CS (GPIO 10) reaches both PGA2500s, +5 V on VA+ and -5 V on VA- (the chips' logic runs from VA+), the second chip's SDO to U18's 1A, " +
              "U18 (SN74LVC3G34) on 3.3 V with its 1Y to GPIO 13, and the first chip's SDO to the second's SDI"
            : what.Contains("stuck high", StringComparison.Ordinal)
            ? "MISO (GPIO 13) stays high: the chain shifts out ones. Check that MOSI (GPIO 11) reaches the first PGA2500's SDI (a break, or a short to 3.3 V), " +
              "SCLK (GPIO 12), and that PGA_SDO_5V or SPI1_MISO is not shorted to a supply"
            : "the pattern came back wrong: check the daisy chain's order (input 1's chip first: its SDO to input 2's SDI), SCLK (GPIO 12) and MOSI (GPIO 11) wiring, and the chips' supplies";
        Set(s, StepOutcome.Fail, "the PGA2500 chain's loop-back failed (" + (what.Length > 0 ? what : "*TST? " + result) + "): " + fix +
                                 ". The board stays in its safe state (muted, phantom off) until a *TST? passes");
    }

    private void ControlPort(BringupStep s)
    {
        string answer = QueryNew("DIAGnostic:ADC:PORT?");
        if (answer == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "DIAGnostic:ADC:PORT?): update the firmware to see which SPI framing the PCM1863 answers in");
            return;
        }
        s.Details.Add("DIAGnostic:ADC:PORT? " + answer);
        var f = answer.Split(',');
        if (f[0] == "NONE")
        {
            Set(s, StepOutcome.Fail, "the PCM1863 answered in none of the four SPI framings (mode 0/1, R/W in the LSB/MSB): " + string.Join(",", f.Skip(1)) +
                                     ". Check MD0 strapped high (SPI control), MD1/MS on ADC_CS (GPIO 48, 10 k pull-up), MC on GPIO 14, MOSI on GPIO 21, MISO on GPIO 47, " +
                                     "and DVDD/IOVDD on 3.3 V; the board stays in its safe state");
            return;
        }
        if (f.Length < 3)
        {
            Set(s, StepOutcome.Fail, "DIAGnostic:ADC:PORT? answered \"" + answer + "\": update the firmware");
            return;
        }
        string framing = "SPI mode " + f[0] + ", R/W in the address byte's " + f[1];
        if (f[2] == "DOCUMENTED")
        {
            Set(s, StepOutcome.Pass, "the PCM1863 answers in the framing the driver documents (" + framing + ")");
            return;
        }
        Set(s, StepOutcome.Warn, "the PCM1863 answers in " + framing + ", not the framing the driver documents (mode 0, R/W in the LSB): the firmware found it, " +
                                 "uses it and remembers it; report it (with the chip's date code) so the driver's default can follow the part");
    }

    private void Clocks(BringupStep s)
    {
        string answer;
        try
        {
            answer = QueryNew("DIAGnostic:ADC:CLOCk?");
        }
        catch (PreampException e) when (e.Message.Contains("failed: -240,", StringComparison.Ordinal))
        {
            Set(s, StepOutcome.Fail, "the clocks cannot be read: the PCM1863's control port answers in no framing (" + e.Message + "); fix what the control-port step names first");
            return;
        }
        if (answer == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "DIAGnostic:ADC:CLOCk?): update the firmware to see the clocks the PCM1863 detects");
            return;
        }
        s.Details.Add("DIAGnostic:ADC:CLOCk? " + answer);
        var f = answer.Split(',');
        string rate = _link.Query("STReam:RATE?");
        string status = f.Length > 2 ? " (CLK_STATUS 75h = " + f[2] + "h)" : "";
        if (f[0] == "RUN")
        {
            if (f.Length > 1 && f[1] != rate)
            {
                Set(s, StepOutcome.Fail, "the PCM1863 runs at " + f[1] + " S/s but the stream is set to " + rate + " S/s" + status + ": LRCK (GPIO 5) is not at the rate the ESP32 was asked for; check the I2S set-up and BCK = 64 x fS");
                return;
            }
            Set(s, StepOutcome.Pass, "BCK and LRCK reach the PCM1863 and it runs at " + (f.Length > 1 ? f[1] : rate) + " S/s" + status);
            return;
        }
        if (f[0] == "HALTED")
        {
            Set(s, StepOutcome.Fail, "the PCM1863 sees no I2S clocks" + status + ": BCK (GPIO 4, 3.072 MHz at 48 kHz) and LRCK (GPIO 5, 48 kHz) do not reach its BCK and LRCK pins. " +
                                     "Check them with a scope at the chip, the traces, and that the firmware started the I2S receiver (*TST? errors name it)");
            return;
        }
        Set(s, StepOutcome.Fail, "the PCM1863 reports a clock error" + status + ": BCK is not 64 x LRCK or LRCK is off-rate; check GPIO 4 and 5 with a scope (hardware/bringup.md, BCK and LRCK)");
    }

    /// <summary>The state the framing check and the noise floor want: phantom off, 0 dB, relays open, inputs quiet.</summary>
    private void Quiet()
    {
        _link.Send("STReam:STOP");
        _link.Pause(50);
        _link.DiscardAnswers();
        _link.DrainErrors();
        _link.Send("INPut:LINK OFF");
        for (int ch = 1; ch <= 2; ch++) _link.Send("INPut" + ch + ":PHANtom OFF;PAD OFF;POLarity NORM;MUTE OFF;GAIN 0");
        if (_ui.Attended && !_sim) _ui.Confirm("Plug a terminating plug (150 ohm across pins 2 and 3) or nothing into both inputs: the next steps measure the quiet inputs. Ready?");
        WaitSettled(5000);
        _link.DrainErrors();
    }

    private void WaitSettled(int timeoutMs)
    {
        for (int waited = 0; _link.Query("INPut1:PHANtom:SETTled?") != "1" || _link.Query("INPut2:PHANtom:SETTled?") != "1"; waited += 50)
        {
            if (waited >= timeoutMs) throw new PreampException("the relays did not settle within " + timeoutMs / 1000 + " s");
            _link.Pause(50);
            _o.Cancel.ThrowIfCancellationRequested();
        }
    }

    private void SampleFraming(BringupStep s)
    {
        Quiet();
        _link.Send("DIAGnostic:ADC:FRAMing:CHECk");
        string answer = QueryNew("DIAGnostic:ADC:FRAMing?");
        if (answer == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "DIAGnostic:ADC:FRAMing?): update the firmware to have the sample framing checked and corrected");
            return;
        }
        for (int waited = 0; answer == "UNCHECKED" && waited < 2000; waited += 100)
        {
            _link.Pause(100);
            answer = _link.Query("DIAGnostic:ADC:FRAMing?");
        }
        s.Details.Add("DIAGnostic:ADC:FRAMing? " + answer);
        switch (answer)
        {
            case "NORMAL":
                Set(s, StepOutcome.Pass, "samples arrive as 24-bit I2S, MSB first, in place");
                break;
            case "BYTESWAP":
            case "BITREV":
                Set(s, StepOutcome.Warn, "samples arrive " + (answer == "BYTESWAP" ? "byte-swapped" : "bit-reversed") + " (nanoFramework's I2S native leaves the slot " +
                                         "configuration to chance): the board flags it in every stream header and the host corrects it bit-exactly; nothing to rewire");
                break;
            case "SHIFT":
                Set(s, StepOutcome.Fail, "samples arrive shifted: bits are lost and the board will not stream. The ESP32's I2S slot alignment does not match the " +
                                         "PCM1863's I2S format (MSB one BCK after the LRCK edge): update nanoFramework/the firmware to the build that sets the slot " +
                                         "alignment, or check DOUT (GPIO 6) against BCK with a scope (hardware/bringup.md, DOUT)");
                break;
            case "LOUD":
                Set(s, StepOutcome.Warn, "the inputs were too loud to decide: terminate both inputs (150 ohm or nothing plugged in, phantom off) and run again; " +
                                         "the board checks again at the next stream start");
                break;
            default:
                Set(s, StepOutcome.Warn, "no framing check has run (" + answer + "): run `preamp bringup` again with the inputs terminated");
                break;
        }
    }

    private void NoiseFloor(BringupStep s)
    {
        int max = int.Parse(_link.Query("STReam:RATE:MAXimum?"), CultureInfo.InvariantCulture);
        int rate = Math.Min(48000, max);
        if (rate <= 0)
        {
            Set(s, StepOutcome.Fail, "this link cannot carry the stream the noise floor is measured from: open it at 4000000 baud");
            return;
        }
        _link.Command("STReam:RATE " + rate.ToString(CultureInfo.InvariantCulture));
        int[][] samples;
        using (var collector = new StreamCollector(_link))
        {
            _link.DrainErrors();
            // Armed before the stream starts, and waited for in the board's time (Pause), so a simulated board in virtual
            // time runs while the tool waits and no block goes by before the collector listens.
            collector.Begin((int)((long)NoiseFrames * rate / 48000), b => b.Gain1 == 0 && b.Gain2 == 0 && (b.RelayBits & 0xFF) == 0);
            _link.Send("STReam:STARt");
            try
            {
                double until = _link.Transport.Seconds + 10;
                while (!collector.Done && _link.Transport.Seconds < until)
                {
                    _link.Pause(20);
                    _o.Cancel.ThrowIfCancellationRequested();
                }
                samples = collector.Wait(TimeSpan.Zero);
            }
            finally
            {
                _link.Send("STReam:STOP");
                _link.Pause(30);
                _link.DiscardAnswers();
            }
        }
        if (samples == null)
        {
            Set(s, StepOutcome.Fail, "no clean stream within 10 s (" + string.Join("; ", _link.DrainErrors()) + "): the converter does not deliver samples; see the clock and framing steps");
            return;
        }
        double expected = ExpectedNoiseDbfs;
        var outcome = StepOutcome.Pass;
        var notes = new List<string>();
        if (!_sim && !_ui.Attended) s.Details.Add("--yes: nobody confirmed the inputs are terminated; measured with whatever is plugged in");
        for (int ch = 1; ch <= 2; ch++)
        {
            var spectrum = NoiseSpectrum.Of(samples[ch - 1], rate);
            _report.Spectra[ch] = spectrum;
            if (_o.ReportDirectory != null) s.Files.Add(BringupReportWriter.SpectrumFile(ch));
            double over = spectrum.RmsDbfs - expected;
            string reading = "input " + ch + ": " + F(spectrum.RmsDbfs, "0.00") + " dBFS RMS (" + (over >= 0 ? "+" : "") + F(over, "0.00") + " dB against the expected " + F(expected, "0.00") + "); " + spectrum.HumText();
            s.Details.Add(reading);
            if (over > NoiseFailMarginDb)
            {
                outcome = StepOutcome.Fail;
                notes.Add("input " + ch + " is " + F(over) + " dB noisier than it should be" + (spectrum.MainsHz != 0 ? ", with " + spectrum.MainsHz + " Hz mains hum" : "") +
                          ": check the terminating plug, the input's ground (pin 1 to the chassis at the XLR), the PGA2500's supplies (+/-5 V ripple) and the layout rules of hardware/README.md");
            }
            else if (over > NoisePassMarginDb || spectrum.MainsHz != 0)
            {
                if (outcome == StepOutcome.Pass) outcome = StepOutcome.Warn;
                notes.Add("input " + ch + " is " + F(over) + " dB over the expected floor" + (spectrum.MainsHz != 0 ? "; " + spectrum.HumText() +
                          ": a ground loop or mains coupling. Power the board and the computer from one outlet, try a USB isolator, keep the mains transformer away from the inputs" : ""));
            }
            else if (over < -6)
            {
                if (outcome == StepOutcome.Pass) outcome = StepOutcome.Warn;
                notes.Add("input " + ch + " is " + F(-over) + " dB quieter than the converter alone can be: the samples may not come from the converter (check the framing step)");
            }
        }
        Set(s, outcome, outcome == StepOutcome.Pass
            ? "both inputs are at the expected floor (" + F(expected, "0.0") + " dBFS RMS: the PCM1863's 110 dB SNR with the PGA2500's -128 dBu EIN at 0 dB) and no mains hum stands out"
            : string.Join("; ", notes));
    }

    private void Relays(BringupStep s)
    {
        var outcome = StepOutcome.Pass;
        var problems = new List<string>();
        foreach (int ch in new[] { 1, 2 })
        {
            foreach (var (name, command, index) in new[] { ("pad", "PAD ON", 1), ("polarity", "POLarity INV", 2) })
            {
                string p = "INPut" + ch + ":";
                _link.Command(p + command);
                WaitSettled(2000);
                if (_sim)
                {
                    bool closed = _link.Query("SIMulation:RELay? " + ch).Split(',')[index] == "1";
                    s.Details.Add("input " + ch + " " + name + " relay: contact " + (closed ? "closed" : "OPEN") + " (SIMulation:RELay?)");
                    if (!closed) { outcome = StepOutcome.Fail; problems.Add("input " + ch + "'s " + name + " relay did not close"); }
                }
                else if (_ui.Attended)
                {
                    bool heard = _ui.Confirm("Input " + ch + "'s " + name.ToUpperInvariant() + " relay has just switched on (its LED lit). Did you hear it click?");
                    s.Details.Add("input " + ch + " " + name + " relay: " + (heard ? "click heard" : "NO click"));
                    if (!heard)
                    {
                        outcome = StepOutcome.Fail;
                        problems.Add("input " + ch + "'s " + name + " relay did not click: it is driven by PGA2500 GPO" + index +
                                     " of input " + ch + "'s chip through the ULN2003A; check the relay's coil supply, the driver's input and output, and the relay's orientation");
                    }
                }
                _link.Command(p + command.Split(' ')[0] + (name == "pad" ? " OFF" : " NORM"));
                WaitSettled(2000);
            }
        }
        if (!_sim && !_ui.Attended)
        {
            Set(s, StepOutcome.Skipped, "skipped (--yes): each relay was switched, nobody listened for the click");
            return;
        }
        Set(s, outcome, outcome == StepOutcome.Pass ? "the pad and polarity relays of both inputs switch" + (_sim ? " (contacts read through SIMulation:RELay?)" : "") : string.Join("; ", problems));
    }

    private static int ExpectedLed(int led, out int statusBits, out int channel)
    {
        channel = (led - 1) / 22;
        int n = (led - 1) % 22;
        statusBits = n >= 16 ? 1 << (n - 16) : 0;
        return n < 16 ? 1 << n : 0;
    }

    private static readonly string[] StatusNames = { "48V", "PAD", "POLARITY", "SIGNAL", "CLIP", "SELECTED" };

    private static string LedName(int led)
    {
        int n = (led - 1) % 22;
        return "input " + ((led - 1) / 22 + 1) + " " + (n < 16 ? "ring LED " + (n + 1) : StatusNames[n - 16]);
    }

    private void LedsStep(BringupStep s)
    {
        if (QueryNew("DIAGnostic:PANel?") == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "DIAGnostic:LED): update the firmware");
            return;
        }
        if (!_sim && !_ui.Attended)
        {
            Set(s, StepOutcome.Skipped, "skipped (--yes): nobody watched the LEDs");
            return;
        }
        if (!_sim) _ui.Tell("Watch the front panel: each LED lights alone, in order: input 1's ring from LED 1 to 16, then 48V, PAD, POLARITY, SIGNAL, CLIP, SELECTED; then input 2 the same.");
        var wrong = new List<string>();
        try
        {
            for (int led = 1; led <= Leds; led++)
            {
                _o.Cancel.ThrowIfCancellationRequested();
                _link.Command("DIAGnostic:LED " + led);
                _link.Pause(_sim ? 30 : 300);
                if (!_sim) continue;
                int ring = ExpectedLed(led, out int status, out int channel);
                string want = string.Join(",", new[] { channel == 0 ? ring : 0, channel == 0 ? status : 0, channel == 1 ? ring : 0, channel == 1 ? status : 0 }
                    .Select((v, i) => v.ToString(i % 2 == 0 ? "X4" : "X2", CultureInfo.InvariantCulture)));
                string seen = _link.Query("SIMulation:LED?");
                if (seen != want) wrong.Add(LedName(led) + ": lit " + seen + ", expected " + want);
            }
        }
        finally
        {
            _link.Send("DIAGnostic:LED 0");
        }
        if (_sim)
        {
            s.Details.Add("each of the 44 LEDs read back alone through SIMulation:LED?");
            Set(s, wrong.Count == 0 ? StepOutcome.Pass : StepOutcome.Fail, wrong.Count == 0 ? "all 44 LEDs light, one at a time, in order" : "LEDs wrong: " + string.Join("; ", wrong));
            return;
        }
        bool ok = _ui.Confirm("Did every LED light, one at a time, in that order?");
        Set(s, ok ? StepOutcome.Pass : StepOutcome.Fail, ok ? "all 44 LEDs light, one at a time, in order (confirmed)"
            : "an LED stayed dark or lit out of order: the LEDs hang on six 74HC595s (LED_LATCH GPIO 9, SCLK GPIO 12, SER GPIO 11): a dark group of eight is one register " +
              "(its supply or the chain's QH' to the next SER), one dark LED its resistor or orientation, LEDs out of order the chain's order (hardware/pinmap.md)");
    }

    private int[] PanelCounts() => _link.Query("DIAGnostic:PANel?").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private void Panel(BringupStep s)
    {
        if (QueryNew("DIAGnostic:PANel?") == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "DIAGnostic:PANel?): update the firmware");
            return;
        }
        if (!_sim && !_ui.Attended)
        {
            Set(s, StepOutcome.Skipped, "skipped (--yes): nobody turned the knob or pressed the buttons");
            return;
        }
        var saved = new[] { 1, 2 }.Select(ch => (Gain: _link.Query("INPut" + ch + ":GAIN?"), Mute: _link.Query("INPut" + ch + ":MUTE?"))).ToArray();
        var controls = new (string Name, string Ask, string Sim, string Fix)[]
        {
            ("knob", "Turn the knob a few detents", "SIMulation:KNOB 3,100", "no detent seen: check the encoder's A and B on GPIO 1 and 2 (the pulse counter) and its common to ground"),
            ("knob push", "Press the knob once (a short press)", "SIMulation:BUTTon KNOB,150", "no press seen: check ENC_SW on GPIO 38 (active low, internal pull-up) and the switch's common to ground"),
            ("CHANNEL", "Press CHANNEL once", "SIMulation:BUTTon CHANnel,150", "no press seen: check BTN_CHANNEL on GPIO 39 (active low; MTCK, a GPIO while the debugger uses USB)"),
            ("48V", "Press 48V briefly (a short press does nothing; do not hold it)", "SIMulation:BUTTon PHANtom,150", "no press seen: check BTN_48V on GPIO 40 (active low; MTDO)"),
        };
        var problems = new List<string>();
        try
        {
            for (int i = 0; i < controls.Length; i++)
            {
                var c = controls[i];
                int before = PanelCounts()[i];
                if (_sim) _link.Command(c.Sim);
                else _ui.Tell(c.Ask + " (within " + _o.PanelTimeoutMs / 1000 + " s)...");
                bool seen = false;
                for (int waited = 0; waited < _o.PanelTimeoutMs && !seen; waited += 100)
                {
                    _link.Pause(100);
                    _o.Cancel.ThrowIfCancellationRequested();
                    seen = PanelCounts()[i] > before;
                }
                s.Details.Add(c.Name + ": " + (seen ? "seen" : "NOT seen within " + _o.PanelTimeoutMs / 1000 + " s"));
                if (!seen) problems.Add(c.Name + ": " + c.Fix);
            }
        }
        finally
        {
            for (int ch = 1; ch <= 2; ch++) _link.Send("INPut" + ch + ":GAIN " + saved[ch - 1].Gain + ";MUTE " + (saved[ch - 1].Mute == "1" ? "ON" : "OFF"));
        }
        Set(s, problems.Count == 0 ? StepOutcome.Pass : StepOutcome.Fail, problems.Count == 0 ? "the knob turns and the knob, CHANNEL and 48V buttons press" + (_sim ? " (driven through SIMulation:KNOB and :BUTTon)" : "") : string.Join("; ", problems));
    }

    private void Phantom(BringupStep s)
    {
        if (QueryNew("INPut1:PHANtom:TEST?") == null)
        {
            Set(s, StepOutcome.Warn, TooOld + "INPut1:PHANtom:TEST?): update the firmware; phantom is not switched on without the lease that turns it off by itself");
            return;
        }
        if (!_sim && !_ui.Attended)
        {
            Set(s, StepOutcome.Skipped, "skipped (--yes): phantom is switched on only after a person confirms nothing but a phantom-safe load is plugged in, and it needs a meter");
            return;
        }
        var outcome = StepOutcome.Pass;
        var problems = new List<string>();
        foreach (int ch in new[] { 1, 2 })
        {
            string p = "INPut" + ch + ":";
            if (_link.Query(p + "PHANtom:LOCK?") == "1")
            {
                if (outcome == StepOutcome.Pass) outcome = StepOutcome.Warn;
                problems.Add("input " + ch + "'s phantom is locked (a ribbon microphone?): not checked; " + p + "PHANtom:LOCK OFF to check it");
                continue;
            }
            if (!_sim && !_ui.Confirm("Input " + ch + ": is nothing plugged in but a phantom-safe load (nothing, a phantom tester, or a condenser microphone)? " +
                                      "+48 V can damage a ribbon microphone and unbalanced gear."))
            {
                if (outcome == StepOutcome.Pass) outcome = StepOutcome.Warn;
                problems.Add("input " + ch + ": not checked (the input was not free)");
                continue;
            }
            _link.Command(p + "PHANtom:TEST " + PhantomLeaseSeconds);
            _lastRenewal = _link.Transport.Seconds;
            try
            {
                // Mute, relay, the soft start's ramp: the sequencer says when it has settled.
                for (int waited = 0; _link.Query(p + "PHANtom:SETTled?") != "1"; waited += 100)
                {
                    if (waited > 5000) throw new PreampException("phantom on input " + ch + " did not settle within 5 s");
                    WaitRenewing(ch, 100);
                }
                string reading = _sim ? _link.Query("SIMulation:PHANtom:VOLTage? " + ch)
                    : AskRenewing(ch, "Input " + ch + " has phantom on. Measure pin 2 and pin 3 against pin 1 (DC volts) and type both readings, e.g. \"47.9 48.1\":");
                var volts = (reading ?? "").Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries)
                    .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : double.NaN).ToArray();
                s.Details.Add("input " + ch + ": pin 2 " + (volts.Length > 0 ? F(volts[0], "0.00") : "?") + " V, pin 3 " + (volts.Length > 1 ? F(volts[1], "0.00") : "?") + " V" + (_sim ? " (SIMulation:PHANtom:VOLTage?)" : " (meter)"));
                if (volts.Length != 2 || volts.Any(double.IsNaN))
                {
                    outcome = StepOutcome.Fail;
                    problems.Add("input " + ch + ": no readings (\"" + reading + "\"): run again and type two numbers");
                }
                else if (volts.Any(v => Math.Abs(v - PhantomVolts) > PhantomToleranceVolts))
                {
                    outcome = StepOutcome.Fail;
                    problems.Add("input " + ch + ": pins 2/3 read " + F(volts[0], "0.0") + "/" + F(volts[1], "0.0") + " V, outside 48 V +/- 4 V (IEC 61938 P48): " +
                                 (volts.All(v => v < 1) ? "no phantom at all: check the phantom relay (driver on GPIO " + (ch == 1 ? 17 : 18) + "), its coil and the 48 V supply" :
                                  "check the 48 V supply and its soft start (hardware/notes/phantom-soft-start.md), the 6.81 k feed resistors and anything plugged in drawing current"));
                }
                else if (Math.Abs(volts[0] - volts[1]) > 0.5)
                {
                    if (outcome == StepOutcome.Pass) outcome = StepOutcome.Warn;
                    problems.Add("input " + ch + ": pins 2 and 3 differ by " + F(Math.Abs(volts[0] - volts[1]), "0.00") + " V: the feed resistors are not matched (0.1 % parts), which turns phantom switching into a thump");
                }
            }
            finally
            {
                _link.Send(p + "PHANtom OFF");
            }
            for (int waited = 0; _link.Query(p + "PHANtom:SETTled?") != "1" && waited < 5000; waited += 100) _link.Pause(100);
            if (_sim && _link.Query("SIMulation:RELay? " + ch).Split(',')[0] != "0")
            {
                outcome = StepOutcome.Fail;
                problems.Add("input " + ch + "'s phantom relay is still closed after PHANtom OFF");
            }
        }
        Set(s, outcome, outcome == StepOutcome.Pass ? "both inputs read 48 V +/- 4 V on pins 2 and 3 (IEC 61938 P48); phantom is off again" : string.Join("; ", problems));
    }

    private void Renew(int ch)
    {
        if (_link.Transport.Seconds - _lastRenewal < PhantomRenewSeconds) return;
        _link.Send("INPut" + ch + ":PHANtom:TEST " + PhantomLeaseSeconds);
        _lastRenewal = _link.Transport.Seconds;
    }

    private void WaitRenewing(int ch, int ms)
    {
        _link.Pause(ms);
        Renew(ch);
        _o.Cancel.ThrowIfCancellationRequested();
    }

    /// <summary>Asks the person while the phantom lease is renewed; Ctrl-C ends the wait (and the lease runs out on the board).</summary>
    private string AskRenewing(int ch, string question)
    {
        var answer = Task.Run(() => _ui.Ask(question));
        while (!answer.IsCompleted) WaitRenewing(ch, 50);
        return answer.Result;
    }

    /// <summary>Phantom off on both inputs, whatever happened (a board that is gone turns it off by itself when the lease runs out).</summary>
    private void PhantomOff()
    {
        try
        {
            _link.Send("INPut1:PHANtom OFF;:INPut2:PHANtom OFF");
        }
        catch (Exception e) when (e is PreampException or System.IO.IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
