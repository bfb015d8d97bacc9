// A stateful check of the whole simulated board against a small model: random sequences of what users and faults do.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CsCheck;
using PreampFirmware.Client;
using PreampFirmware.Control;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using PreampFirmware.Storage;

namespace PreampFirmware.ModelCheck;

/// <summary>One step of a sequence: what happens, through which session, on which channel, with which value.</summary>
public sealed record Step(int Kind, int Session, int Channel, int Value)
{
    /// <summary>Kinds of step.</summary>
    public const int Gain = 0, Pad = 1, Polarity = 2, Mute = 3, Phantom = 4, PhantomLock = 5, Link = 6, BadCommand = 7, Knob = 8,
                     ChannelButton = 9, PhantomHold = 10, Source = 11, StreamStart = 12, StreamStop = 13, Reset = 14, Open = 15, Close = 16,
                     Wait = 17, Fault = 18, PowerCut = 19, Save = 20, Recall = 21, AutoGain = 22, ReadErrors = 23, SelfTest = 24, ReadStatus = 25,
                     FaultRecovery = 26, ConverterStopsInATake = 27, ReaderStalls = 28, Kinds = 29;

    /// <summary>The kinds' names, as <see cref="ToString"/> prints them.</summary>
    public static readonly string[] KindNames = { "Gain", "Pad", "Polarity", "Mute", "Phantom", "PhantomLock", "Link", "BadCommand", "Knob",
        "ChannelButton", "PhantomHold", "Source", "StreamStart", "StreamStop", "Reset", "Open", "Close", "Wait", "Fault", "PowerCut",
        "Save", "Recall", "AutoGain", "ReadErrors", "SelfTest", "ReadStatus", "FaultRecovery", "ConverterStopsInATake", "ReaderStalls" };

    /// <inheritdoc />
    public override string ToString() => KindNames[Kind] + "(s" + Session + ",ch" + Channel + "," + Value + ")";
}

/// <summary>The model disagreed with the board.</summary>
public sealed class ModelViolation : Exception
{
    public ModelViolation(string message) : base(message) { }
}

/// <summary>
/// Runs a sequence of steps on a fresh simulated board, in virtual time, with up to three host sessions, and checks
/// after every step what must always hold: phantom is on only from an explicit command or a 2 s hold and never on a
/// locked channel; every gain is one the chip can take, and the chip holds the gain the firmware says; linked gains keep
/// their offset in dB; a restored state equals the record saved last, byte for byte; each session's error queue holds
/// what its own commands caused, plus device errors only from faults while it was connected, and its *ESR? the event bits
/// of those errors, with PON only when the board restarted while it was connected; a self-test that passes after a
/// fault cleared brings back the saved state without a reboot; only the stream's owner stops the stream; every frame of
/// a stream the host did not get as sent is accounted for by a cause; a converter that stops during a take is heard by
/// the take's session and named by the board's condition; a reader that stalls loses blocks only as frames the board
/// counts and announces.
/// </summary>
public sealed class BoardModelCheck
{
    /// <summary>A step: mostly commands and panel use, with faults, power cuts and long holds less often (they cost board seconds).</summary>
    public static readonly Gen<Step> Steps =
        Gen.Frequency(
            (30, Gen.Select(Gen.Int[0, Step.Link], Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 999], (k, s, c, v) => new Step(k, s, c, v))),
            (12, Gen.Select(Gen.OneOf(Step.BadCommand, Step.Knob, Step.ChannelButton, Step.Source, Step.Wait, Step.Save, Step.Recall, Step.ReadErrors,
                                      Step.ReadStatus),
                            Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 999], (k, s, c, v) => new Step(k, s, c, v))),
            (10, Gen.Select(Gen.OneOf(Step.StreamStart, Step.StreamStop, Step.Reset, Step.Open, Step.Close, Step.SelfTest),
                            Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 999], (k, s, c, v) => new Step(k, s, c, v))),
            (2, Gen.Select(Gen.OneOf(Step.PhantomHold, Step.Fault, Step.PowerCut, Step.AutoGain, Step.FaultRecovery, Step.ConverterStopsInATake, Step.ReaderStalls),
                           Gen.Int[0, 2], Gen.Int[0, 1], Gen.Int[0, 999], (k, s, c, v) => new Step(k, s, c, v))));

    /// <summary>Sequences of 40 to 80 steps.</summary>
    public static readonly Gen<Step[]> Sequences = Steps.Array[40, 80];

    private static readonly int[] GainValues = { 0, 5, 10, 12, 33, 47, 65, 70, -1, -2 };   // -1 UP, -2 DOWN
    private static readonly string[] Faults = { "GAINBUS,STUCK1", "GAINBUS,STUCK0", "ADCBUS,STUCK1", "ADCBUS,STUCK0", "AUDIO,STOP", "LOOP,SLOW", "LINK,DAMAGE" };

    private readonly SimRunner _runner = new();
    private readonly List<Client> _clients = new();
    private readonly bool[] _phantomWanted = new bool[2];
    private readonly bool[] _locked = new bool[2];
    private readonly bool[][] _presets = new bool[9][];
    private int _owner = -1;
    private int _selected;
    private int _steps;

    /// <summary>Prints each step and the gains after it (for replaying a failure).</summary>
    public bool Trace { get; init; }

    /// <summary>Steps run so far.</summary>
    public int StepsRun => _steps;

    public BoardModelCheck()
    {
        _clients.Add(new Client(_runner));
    }

    /// <summary>Runs <paramref name="steps"/>, checking after each; throws <see cref="ModelViolation"/> at the first disagreement.</summary>
    public void Run(IEnumerable<Step> steps)
    {
        foreach (var step in steps)
        {
            Do(step);
            _steps++;
            if (Trace) Console.WriteLine(step + " -> gains " + Fw.Channels.Inputs[0].GainDb + "/" + Fw.Channels.Inputs[1].GainDb + (Fw.Channels.Linked ? " linked" : "") +
                                         " auto " + Fw.Automation.AutoGainOf(0).Status + "/" + Fw.Automation.AutoGainOf(1).Status + " clipsafe " + Fw.Automation.ClipSafeOf(0).Enabled + "/" + Fw.Automation.ClipSafeOf(1).Enabled);
            Check(step);
        }
    }

    private sealed class Client
    {
        public readonly SimRunner Runner;
        public readonly SimSerialPort Port;
        public readonly StreamDecoder Decoder = new();
        public readonly List<string> Lines = new();
        public SampleTimeline Timeline = new();
        public readonly ExpectedErrors Expected = new();   // error codes its own commands caused, oldest first
        public bool HeardFault;                        // connected while a fault was active: device errors allowed
        public bool EventsFromFaults;                  // since *ESR? was last read: device errors may have set EXE or DDE
        public bool PowerOn;                           // the board restarted since *ESR? was last read
        public bool Stalled;                           // reads nothing (a client that stopped reading)

        public Client(SimRunner runner)
        {
            Runner = runner;
            Port = runner.OpenPort(out _);
            Decoder.Line += Lines.Add;
            Decoder.Block += b => Timeline.Accept(b);
        }

        public PreampFirmware.Scpi.ScpiSession Session => Runner.SessionOf(Port);

        public void Drain()
        {
            if (Stalled) return;
            var buffer = new byte[65536];
            int n;
            while ((n = Port.HostRead(buffer, 0, buffer.Length)) > 0) Decoder.Feed(buffer, 0, n);
        }
    }

    private void RunFor(double seconds)
    {
        long end = _runner.Board.NowMicroseconds + (long)(seconds * 1e6);
        while (_runner.Board.NowMicroseconds < end)
        {
            _runner.RunUntil(Math.Min(end, _runner.Board.NowMicroseconds + 10_000));
            foreach (var c in _clients) c.Drain();
        }
    }

    private string Ask(Client c, string line, double seconds = 0.05)
    {
        c.Drain();
        c.Lines.Clear();
        var bytes = Encoding.ASCII.GetBytes(line + "\n");
        c.Port.HostWrite(bytes, 0, bytes.Length);
        RunFor(seconds);
        return string.Join("\n", c.Lines);
    }

    /// <summary>Error codes a session's own commands caused, and the event bits they set (kept until *ESR? is read).</summary>
    private sealed class ExpectedErrors : List<int>
    {
        public int Events;

        public new void Add(int code)
        {
            base.Add(code);
            Events |= PreampFirmware.Scpi.StatusRegisters.EventBitOf(code);
        }
    }

    private Client Pick(int i) => _clients[i % _clients.Count];

    private Preamp Fw => _runner.Firmware;

    private void Do(Step s)
    {
        var c = Pick(s.Session);
        int ch = s.Channel & 1;
        int n = ch + 1;
        bool on = (s.Value & 1) == 1;
        switch (s.Kind)
        {
            case Step.Gain: DoGain(c, ch, GainValues[s.Value % GainValues.Length]); break;
            case Step.Pad: Ask(c, "INP" + n + ":PAD " + (on ? "ON" : "OFF")); break;
            case Step.Polarity: Ask(c, "INP" + n + ":POL " + (on ? "INV" : "NORM")); break;
            case Step.Mute: Ask(c, "INP" + n + ":MUTE " + (on ? "ON" : "OFF")); break;
            case Step.Phantom:
                Ask(c, "INP" + n + ":PHAN " + (on ? "ON" : "OFF"));
                if (on && _locked[ch]) c.Expected.Add(-221);
                else _phantomWanted[ch] = on;
                break;
            case Step.PhantomLock:
                Ask(c, "INP" + n + ":PHAN:LOCK " + (on ? "ON" : "OFF"));
                _locked[ch] = on;
                if (on) _phantomWanted[ch] = false;
                break;
            case Step.Link: Ask(c, "INP:LINK " + (on ? "ON" : "OFF")); break;
            case Step.BadCommand: Ask(c, "BOGus:HEADer " + s.Value); c.Expected.Add(-113); break;
            case Step.Knob:
                _runner.Board.TurnKnob(s.Value % 11 - 5, 30 + s.Value % 70);
                RunFor(0.6);
                break;
            case Step.ChannelButton:
                _runner.Board.PressButton(_runner.Board.ChannelButton, 100);
                RunFor(0.2);
                _selected = 1 - _selected;
                break;
            case Step.PhantomHold:
                _runner.Board.PressButton(_runner.Board.PhantomButton, 2100);
                RunFor(2.3);
                if (!_locked[_selected]) _phantomWanted[_selected] = !_phantomWanted[_selected];   // a 2 s hold toggles it where the lock allows
                break;
            case Step.Source:
                Ask(c, "SIM:SOUR" + n + " " + (s.Value % 4 == 0 ? "OFF" : "SINE," + (100 + s.Value % 900) + "," + (-80 + s.Value % 70)));
                break;
            case Step.StreamStart:
                if (_owner >= 0 && _clients[_owner] != c) { Ask(c, "STR:STAR"); c.Expected.Add(-221); break; }
                if (_owner < 0) c.Timeline = new SampleTimeline();   // a new stream: frame numbers begin again
                Ask(c, "STR:STAR", 0.1);                              // the owner's second STARt changes nothing
                _owner = _clients.IndexOf(c);
                break;
            case Step.StreamStop:
                if (_owner >= 0 && _clients[_owner] != c) { Ask(c, "STR:STOP"); c.Expected.Add(-221); break; }
                StopAndAccount(c, "STR:STOP");
                break;
            case Step.Reset:
                if (_owner >= 0 && _clients[_owner] != c) { Ask(c, "*RST"); c.Expected.Add(-221); break; }
                StopAndAccount(c, "*RST");
                _phantomWanted[0] = _phantomWanted[1] = false;
                break;
            case Step.Open:
                if (_clients.Count < 3) _clients.Add(new Client(_runner));
                RunFor(0.02);
                break;
            case Step.Close:
                if (_clients.Count < 2 || c == _clients[0]) break;
                if (_owner >= 0 && _clients[_owner] == c) _owner = -1;   // its stream goes with it
                else if (_owner > _clients.IndexOf(c)) _owner--;
                _clients.Remove(c);
                _runner.ClosePort(c.Session);
                RunFor(0.05);
                break;
            case Step.Wait: RunFor(0.01 + s.Value % 500 / 1000.0); break;
            case Step.Fault: DoFault(c, Faults[s.Value % Faults.Length]); break;
            case Step.PowerCut: DoPowerCut(s.Value % 4); break;
            case Step.Save:
                Ask(c, "*SAV " + (1 + s.Value % 8));
                _presets[1 + s.Value % 8] = (bool[])_phantomWanted.Clone();
                break;
            case Step.Recall:
            {
                int p = 1 + s.Value % 8;
                Ask(c, "*RCL " + p);
                if (_presets[p] == null) { c.Expected.Add(-200); break; }
                for (int i = 0; i < 2; i++) _phantomWanted[i] = _presets[p][i] && !_locked[i];
                break;
            }
            case Step.AutoGain:
                // Both windows short: linked, the run starts on both channels, and it must be over before the next step.
                Ask(c, "INP1:GAIN:AUTO:TIME 0.5;:INP2:GAIN:AUTO:TIME 0.5;:INP" + n + ":GAIN:AUTO", 1.0);
                break;
            case Step.ReadErrors: ReadErrors(c); break;
            case Step.ReadStatus: ReadStatus(c); break;
            case Step.FaultRecovery: DoFaultRecovery(c); break;
            case Step.ConverterStopsInATake: DoConverterStopsInATake(c); break;
            case Step.ReaderStalls: DoReaderStalls(c, 1.5 + s.Value % 3); break;
            case Step.SelfTest:
                if (_owner >= 0) { Ask(c, "*TST?"); c.Expected.Add(-221); break; }
                string result = Ask(c, "*TST?", 0.2);
                if (result == "" && c.HeardFault) break;   // the answer fell on a line the damaged link garbled
                if (result != "0") throw new ModelViolation("the self-test failed on a board without faults: " + result + "; " + Ask(c, "SYST:ERR?") + "; " + Ask(c, "SYST:ERR?"));
                break;
        }
    }

    private void DoGain(Client c, int ch, int value)
    {
        var inputs = Fw.Channels.Inputs;
        int g0 = inputs[0].GainDb, g1 = inputs[1].GainDb;
        int target = value == -1 ? GainSteps.AtIndex(GainSteps.Index(inputs[ch].GainDb) + 1)
                   : value == -2 ? GainSteps.AtIndex(GainSteps.Index(inputs[ch].GainDb) - 1) : value;
        bool linked = Fw.Channels.Linked;
        Ask(c, "INP" + (ch + 1) + ":GAIN " + (value == -1 ? "UP" : value == -2 ? "DOWN" : value.ToString()));
        if (linked && value < 0)
        {
            // A linked step: the nearest move both inputs can make in that direction, the same from either input.
            int dir = value == -1 ? 1 : -1, step = dir;
            while (Math.Abs(step) <= 65 && !(Valid(g0 + step) && Valid(g1 + step))) step += dir;
            if (Math.Abs(step) > 65) step = 0;
            Expect(g0 + step, g1 + step, "linked " + g0 + "/" + g1 + ", input " + (ch + 1) + (dir > 0 ? " UP" : " DOWN"));
            return;
        }
        if (!Valid(target)) { c.Expected.Add(-222); Expect(g0, g1, "an out-of-range gain changes nothing"); return; }
        if (!linked)
        {
            Expect(ch == 0 ? target : g0, ch == 1 ? target : g1, "INP" + (ch + 1) + ":GAIN " + target);
            return;
        }
        // Linked: both move by the same dB, as far towards the target as both can.
        int want = target - (ch == 0 ? g0 : g1);
        int d = want;
        while (d != 0 && !(Valid(g0 + d) && Valid(g1 + d))) d += want > 0 ? -1 : 1;
        if (d != want) c.Expected.Add(-221);
        Expect(g0 + d, g1 + d, "linked " + g0 + "/" + g1 + ", input " + (ch + 1) + " to " + target);
    }

    private void Expect(int g0, int g1, string what)
    {
        var inputs = Fw.Channels.Inputs;
        if (inputs[0].GainDb != g0 || inputs[1].GainDb != g1)
            throw new ModelViolation(what + ": gains " + inputs[0].GainDb + "/" + inputs[1].GainDb + ", expected " + g0 + "/" + g1);
    }

    private static bool Valid(int g) => g == 0 || (g >= 10 && g <= 65);

    private void StopAndAccount(Client c, string command)
    {
        bool wasOwner = _owner >= 0 && _clients[_owner] == c;
        Ask(c, command, 0.1);
        if (!wasOwner) return;
        _owner = -1;
        var t = c.Timeline;
        long accounted = t.ConverterLostFrames + t.LinkDroppedFrames + t.DamagedBlockFrames + t.MissingBlockFrames;
        if (t.SilencedFrames != accounted)
            throw new ModelViolation("stream: " + t.SilencedFrames + " frames silenced, causes account for " + accounted + " (" + t.Report(0) + ")");
        if (t.ConverterLostFrames > Fw.Stream.FramesLostByConverter)
            throw new ModelViolation("the host counted " + t.ConverterLostFrames + " frames lost by the converter, the board " + Fw.Stream.FramesLostByConverter);
    }

    private void DoFault(Client c, string fault)
    {
        foreach (var client in _clients) client.HeardFault = client.EventsFromFaults = true;
        Ask(c, "SIM:FAULt " + fault, 1.2);
        Ask(c, "SIM:FAULt CLEar", 1.2);
        string condition = Ask(c, "SYST:COND?");
        if (condition.Contains("GAINCHAIN") || condition.Contains("CONVERTER"))
            throw new ModelViolation("after " + fault + " cleared the board still reports " + condition);
    }

    /// <summary>The stream's owner, starting a stream on <paramref name="c"/> when none runs.</summary>
    private Client Owner(Client c)
    {
        if (_owner < 0)
        {
            c.Timeline = new SampleTimeline();
            Ask(c, "STR:STAR", 0.1);
            _owner = _clients.IndexOf(c);
        }
        return _clients[_owner];
    }

    /// <summary>
    /// The converter stops during a take: the stream goes on (its frames are digital zeros, nothing is lost on the link),
    /// so the take can be flagged only by the board's word: the owner's session must hear a -240 and the board's
    /// condition must name CONVERTER. Then the fault clears and the condition goes.
    /// </summary>
    private void DoConverterStopsInATake(Client c)
    {
        var owner = Owner(c);
        foreach (var client in _clients) client.HeardFault = client.EventsFromFaults = true;
        Ask(c, "SIM:FAULt AUDIO,STOP", 1.5);
        string condition = Ask(owner, "SYST:COND?");
        if (!condition.Contains("CONVERTER"))
            throw new ModelViolation("the converter stopped during a take, but the board's condition says " + condition);
        var heard = ReadErrors(owner);
        if (heard != null && !heard.Contains(-240))
            throw new ModelViolation("the converter stopped during a take, but the take's session heard " + string.Join(",", heard));
        // What `capture` makes of it: the same verdict the tool gives a take.
        var said = (heard ?? new List<int>()).Select(code => code + ",\"\"").ToList();
        if (Capture.Judge(said, condition) == null)
            throw new ModelViolation("the converter stopped during a take (" + string.Join(",", said) + "; " + condition + "), and capture would call the take good");
        Ask(c, "SIM:FAULt AUDIO,OFF", 1.2);
        condition = Ask(c, "SYST:COND?");
        if (condition.Contains("CONVERTER")) throw new ModelViolation("the converter runs again, but the board still reports " + condition);
    }

    /// <summary>
    /// The stream's owner reads nothing for <paramref name="seconds"/>, then reads again: blocks are lost (the board cannot
    /// hold them), but never uncounted — no sequence gap, no damaged block, and the frames the board dropped for the link
    /// announced in the headers, so every frame is placed.
    /// </summary>
    private void DoReaderStalls(Client c, double seconds)
    {
        var owner = Owner(c);
        var t = owner.Timeline;
        long missing = t.MissingBlocks, damaged = t.DamagedBlocks, dropped = t.LinkDroppedFrames;
        owner.Stalled = true;
        RunFor(seconds);
        owner.Stalled = false;
        RunFor(0.3);
        if (t.MissingBlocks != missing || t.DamagedBlocks != damaged)
            throw new ModelViolation("a reader stalled " + seconds + " s: " + (t.MissingBlocks - missing) + " blocks missing and " + (t.DamagedBlocks - damaged) + " damaged, uncounted by the board");
        if (t.LinkDroppedFrames <= dropped)
            throw new ModelViolation("a reader stalled " + seconds + " s and the board announced no frames dropped for the link (" + t.Report(0) + ")");
        long accounted = t.ConverterLostFrames + t.LinkDroppedFrames + t.DamagedBlockFrames + t.MissingBlockFrames;
        if (t.SilencedFrames != accounted)
            throw new ModelViolation("after a stalled reader: " + t.SilencedFrames + " frames silenced, causes account for " + accounted);
    }

    private void DoPowerCut(int atStep)
    {
        var owner = _owner >= 0 ? _clients[_owner] : null;
        DoGain(_clients[0], 0, Fw.Channels.Inputs[0].GainDb == 33 ? 47 : 33);   // something to save
        int cycles = _runner.Board.PowerCycles;
        _runner.Board.Flash.CutPowerAfterSteps = atStep;
        RunFor(0.5);
        _runner.Board.Flash.CutPowerAfterSteps = -1;
        if (_runner.Board.PowerCycles == cycles) return;   // the write finished in fewer steps
        var stored = Stored(ChannelSettings.StateFile, ChannelSettings.StateTag) ?? FactoryState.Value;   // nothing saved yet: defaults
        var state = EncodedState(_runner);
        if (!stored.SequenceEqual(state))
            throw new ModelViolation("after a power cut the board restored " + Convert.ToHexString(state) + " but the last record saved holds " + Convert.ToHexString(stored));
        for (int i = 0; i < 2; i++)
        {
            _locked[i] = ChannelSettings.Lock(stored, i);
            _phantomWanted[i] = ChannelSettings.Phantom(stored, i) && !_locked[i];
        }
        _selected = ChannelSettings.Selected(stored);
        _owner = -1;
        // Fresh sessions after the reboot; they were there for the boot, which reports a record the cut damaged (-240),
        // and they read PON.
        foreach (var client in _clients)
        {
            client.Expected.Clear();
            client.Expected.Events = 0;
            client.HeardFault = client.EventsFromFaults = client.PowerOn = true;
        }
        if (owner != null) owner.Timeline = new SampleTimeline();
    }

    /// <summary>
    /// A gain chain fault, a self-test that fails (the board goes to its safe state), the fault cleared, a self-test
    /// that passes: the board is back in operation, with the state the flash holds (as after a boot), and no reboot.
    /// </summary>
    private void DoFaultRecovery(Client c)
    {
        if (_owner >= 0) return;   // *TST? is refused while streaming
        foreach (var client in _clients) client.HeardFault = client.EventsFromFaults = true;
        int cycles = _runner.Board.PowerCycles;
        Ask(c, "SIM:FAULt GAINBUS,STUCK0", 0.05);
        string failed = Ask(c, "*TST?", 0.2);
        if (failed == "0") throw new ModelViolation("the self-test passed with the gain chain's MISO stuck");
        if (Fw.Channels.Ready) throw new ModelViolation("a failed self-test left the board in operation");
        Ask(c, "SIM:FAULt GAINBUS,OFF", 0.05);
        string passed = Ask(c, "*TST?", 0.2);
        if (passed != "0" && !(passed == "" && c.HeardFault)) throw new ModelViolation("the self-test failed after the fault cleared: " + passed);
        if (!Fw.Channels.Ready) throw new ModelViolation("a passing self-test did not bring the board back");
        if (_runner.Board.PowerCycles != cycles) throw new ModelViolation("the board rebooted");
        var stored = Stored(ChannelSettings.StateFile, ChannelSettings.StateTag) ?? FactoryState.Value;
        var state = EncodedState(_runner);
        if (!stored.SequenceEqual(state))
            throw new ModelViolation("after a passing self-test the board holds " + Convert.ToHexString(state) + " but the last record saved holds " + Convert.ToHexString(stored));
        for (int i = 0; i < 2; i++)
        {
            _locked[i] = ChannelSettings.Lock(stored, i);
            _phantomWanted[i] = ChannelSettings.Phantom(stored, i) && !_locked[i];
        }
        _selected = ChannelSettings.Selected(stored);
    }

    /// <summary>*ESR?: the event bits of what this session's commands caused, PON only after a restart it saw; reading clears.</summary>
    private void ReadStatus(Client c)
    {
        string answer = Ask(c, "*ESR?");
        if (!int.TryParse(answer.Split('\n').LastOrDefault(), out int esr))
        {
            if (c.HeardFault) { c.Expected.Events = 0; c.EventsFromFaults = false; c.PowerOn = false; return; }   // a garbled answer
            throw new ModelViolation("*ESR? answered '" + answer + "'");
        }
        int known = c.Expected.Events | (c.PowerOn ? PreampFirmware.Scpi.StatusRegisters.PowerOn : 0);
        int deviceBits = PreampFirmware.Scpi.StatusRegisters.ExecutionError | PreampFirmware.Scpi.StatusRegisters.DeviceDependentError;
        bool agrees = c.EventsFromFaults ? (esr & known) == known && (esr & ~deviceBits) == (known & ~deviceBits) : esr == known;
        if (!agrees)
            throw new ModelViolation("*ESR? reads " + esr + ", expected " + known + (c.EventsFromFaults ? " (and device errors)" : "") + (c.PowerOn ? "" : ": PON without a restart"));
        c.Expected.Events = 0;
        c.EventsFromFaults = false;
        c.PowerOn = false;
    }

    private static readonly Lazy<byte[]> FactoryState = new(() => EncodedState(new SimRunner()));

    private static byte[] EncodedState(SimRunner runner)
    {
        var state = new byte[ChannelSettings.PayloadBytes];
        runner.Firmware.Channels.Encode(runner.Firmware.Settings.CalibrationLocked, state);
        return state;
    }

    private byte[] Stored(string file, string tag)
    {
        var result = new RecordStore(_runner.Board.Flash).Load(file, tag, ChannelSettings.Version, out byte[] payload);
        return result == RecordStore.Loaded ? payload : null;
    }

    /// <summary>Reads the session's queue to the end and checks it; returns the codes read, or null when a garbled answer left them unknown.</summary>
    private List<int> ReadErrors(Client c)
    {
        var got = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            Ask(c, "SYST:ERR?");
            // The answer ends the last line; a stream block the damaged link garbled may have left text before it.
            var answer = c.Lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, "(0|-[0-9]+),\"[^\"]*\"$")).LastOrDefault(m => m.Success);
            if (answer == null && c.HeardFault) { Forget(c); return null; }   // the answer fell on a line the damaged link garbled
            if (answer == null) throw new ModelViolation("no answer to SYST:ERR? (" + string.Join(" | ", c.Lines) + ")");
            int code = int.Parse(answer.Groups[1].Value);
            if (code == 0) break;
            got.Add(code);
        }
        if (c.HeardFault && got.Count > 0 && got[^1] == -350) { Forget(c); return got; }   // device errors filled the queue
        var own = got.Where(code => !(c.HeardFault && code is -240 or -300 or -330)).ToList();
        var expected = c.Expected.Take(ErrorQueueCapacity).ToList();
        if (c.Expected.Count > ErrorQueueCapacity) { own = own.Take(ErrorQueueCapacity - 1).ToList(); expected = expected.Take(ErrorQueueCapacity - 1).ToList(); }
        if (!own.SequenceEqual(expected))
            throw new ModelViolation("session errors " + string.Join(",", got) + ", expected " + string.Join(",", c.Expected) + (c.HeardFault ? " (and device errors)" : ""));
        c.Expected.Clear();
        c.HeardFault = false;
        return got;
    }

    /// <summary>What is left in a queue that could not be read to the end is unknown: the harness empties it and starts again.</summary>
    private static void Forget(Client c)
    {
        c.Session.Errors.Clear();
        c.Expected.Clear();
        c.HeardFault = false;
    }

    private const int ErrorQueueCapacity = PreampFirmware.Scpi.ErrorQueue.Capacity;

    private void Check(Step step)
    {
        var inputs = Fw.Channels.Inputs;
        for (int ch = 0; ch < 2; ch++)
        {
            bool pin = _runner.Board.PhantomRelays[ch].Coil;
            if (pin && (!_phantomWanted[ch] || _locked[ch]))
                throw new ModelViolation("after " + step + ": phantom " + (ch + 1) + " is on " + (_locked[ch] ? "on a locked channel" : "without a command or a hold"));
            if (!Valid(inputs[ch].GainDb)) throw new ModelViolation("after " + step + ": gain " + inputs[ch].GainDb + " dB on input " + (ch + 1));
            int chip = SimPga2500Chain.DecodeGainDb(_runner.Board.Pga.Word(ch) & 0x3F);
            if (chip != inputs[ch].GainDb) throw new ModelViolation("after " + step + ": the chip of input " + (ch + 1) + " holds " + chip + " dB, the firmware says " + inputs[ch].GainDb);
            if (inputs[ch].PhantomLock != _locked[ch]) throw new ModelViolation("after " + step + ": phantom lock of input " + (ch + 1) + " is " + inputs[ch].PhantomLock);
            if (inputs[ch].Phantom != _phantomWanted[ch]) throw new ModelViolation("after " + step + ": phantom of input " + (ch + 1) + " is asked " + (inputs[ch].Phantom ? "on" : "off") + ", the model says " + (_phantomWanted[ch] ? "on" : "off"));
        }
        if (Fw.Channels.Selected != _selected) throw new ModelViolation("after " + step + ": input " + (Fw.Channels.Selected + 1) + " is selected, the model says " + (_selected + 1));
        bool streaming = Fw.StreamLink.IsRunning;
        if (streaming != (_owner >= 0)) throw new ModelViolation("after " + step + ": the stream is " + (streaming ? "running" : "stopped") + ", the model says " + (_owner >= 0 ? "running" : "stopped"));
        if (streaming && Fw.StreamLink.Owner != _clients[_owner].Session) throw new ModelViolation("after " + step + ": the stream belongs to another session");
        foreach (var c in _clients)
        {
            var session = c.Session;
            if (!c.HeardFault && session.Errors.Count != Math.Min(c.Expected.Count, ErrorQueueCapacity))
                throw new ModelViolation("after " + step + ": a session holds " + session.Errors.Count + " errors, its own commands caused " + c.Expected.Count);
        }
    }
}
