// The firmware running on the simulated board: the loop the ESP32 app runs, in virtual time.
using System;
using System.Linq;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;

namespace PreampFirmware.SimHost;

/// <summary>
/// Owns a <see cref="SimBoard"/> and the <see cref="Preamp"/> firmware on it, and runs the app's loop in board
/// time: every <see cref="TickMicroseconds"/> the loop wakes, reads the converter blocks that are due and runs the control tick,
/// and stream blocks go out whenever the paced link has room (as the board's writer thread does when
/// SerialPort.Write returns). Thread-safe entry points lock the runner; clients on other threads only touch the
/// serial ports, which lock themselves.
/// </summary>
public sealed class SimRunner
{
    /// <summary>Period of the app's loop and its control tick, µs (Program.TickMicroseconds: one 10 ms step of the ESP32's scheduler).</summary>
    public const long TickMicroseconds = 10_000;

    /// <summary>Converter blocks one pass of the loop reads at most before it ticks (Program.MaxBlocksPerPass).</summary>
    public const int MaxBlocksPerPass = 2;

    private readonly object _gate = new();
    private long _nextTickUs;
    private readonly List<ScpiSession> _sessions = new();

    /// <summary>
    /// Time from opening the buses to the firmware's boot after a warm reset, µs: the app builds every part and its
    /// command table in between ([verify] on the ESP32; tens of milliseconds of interpreted start-up).
    /// </summary>
    public const long FirmwareStartMicroseconds = 20_000;

    /// <summary>
    /// Builds the board, switches on <paramref name="faults"/> ("PART,HOW", as SIMulation:FAULt takes them) so the board
    /// boots with them in place, boots the firmware on it and opens the board's own UART as the first session.
    /// </summary>
    public SimRunner(SimBoardOptions options = null, string serial = "SIM00001", IEnumerable<string> faults = null)
    {
        Board = new SimBoard(options);
        _serial = serial;
        Faults = new SimFaults(this);
        foreach (var fault in faults ?? Array.Empty<string>())
        {
            var parts = fault.Split(',');
            string problem = parts.Length == 2 ? Faults.Set(parts[0].Trim(), parts[1].Trim()) : "a fault is PART,HOW, e.g. ADCBUS,MODE1";
            if (problem != null) throw new ArgumentException(fault + ": " + problem);
        }
        StartFirmware(new[] { Board.Host }, 0);
    }

    private readonly string _serial;
    private Streaming.SampleStream _stream;   // the firmware's, held here so that modelling the writer asks it nothing more
    private Streaming.StreamLink _link;
    private int _blockLength;

    /// <summary>
    /// The app's start: opens the buses, builds the firmware (which writes the chains' safe words first), lets
    /// <paramref name="startUs"/> of board time pass, attaches a session to each host link (they are there from power-on,
    /// so they hear the boot), boots.
    /// </summary>
    private void StartFirmware(IEnumerable<SimSerialPort> ports, long startUs)
    {
        Board.OpenBuses();
        Firmware = new Preamp(Board.Io);
        if (startUs > 0) Board.AdvanceBy(startUs);
        _stream = Firmware.Stream;
        _link = Firmware.StreamLink;
        _blockLength = _stream.BlockLength;
        Firmware.Hosts.Identity = "PreampFirmware,PA2-REVB (simulated)," + _serial + ",0.2.0";
        SimCommands.Register(this, Firmware.Hosts.Commands);
        _sessions.Clear();
        foreach (var port in ports) Attach(port);
        MainSession = _sessions[0];
        Firmware.Boot();
        _nextTickUs = Board.NowMicroseconds;
    }

    /// <summary>
    /// Power cut and back (what a cut during a flash write does): the board's volatile parts reset and the firmware boots
    /// again from what the flash holds. Host links stay connected (the USB-UART bridge is powered from USB); each gets a
    /// fresh session, as after a real reset.
    /// </summary>
    public void PowerCycle()
    {
        lock (_gate)
        {
            var ports = _sessions.Select(s => (SimSerialPort)s.Port).ToList();
            var closing = _closing.Select(s => s.Port).ToHashSet();
            _closing.Clear();
            Board.PowerCycle();
            StartFirmware(ports, 0);
            _closing.AddRange(_sessions.Where(s => closing.Contains(s.Port)));
        }
    }

    /// <summary>
    /// A warm reset: the ESP32 restarts while the chips keep what they latched (<see cref="SimBoard.ResetProcessor"/>), and
    /// the app starts again, taking <see cref="FirmwareStartMicroseconds"/> from opening the buses to its boot. Host links
    /// stay connected, each with a fresh session.
    /// </summary>
    public void WarmReset()
    {
        lock (_gate)
        {
            var ports = _sessions.Select(s => (SimSerialPort)s.Port).ToList();
            var closing = _closing.Select(s => s.Port).ToHashSet();
            _closing.Clear();
            Board.ResetProcessor();
            StartFirmware(ports, FirmwareStartMicroseconds);
            _closing.AddRange(_sessions.Where(s => closing.Contains(s.Port)));
        }
    }

    /// <summary>The simulated board.</summary>
    public SimBoard Board { get; }

    /// <summary>The firmware (a new one after each <see cref="PowerCycle"/>).</summary>
    public Preamp Firmware { get; private set; }

    /// <summary>Faults injected from SIMulation:FAULt.</summary>
    public SimFaults Faults { get; }

    /// <summary>Session on the board's UART.</summary>
    public ScpiSession MainSession { get; private set; }

    /// <summary>
    /// Processor time each block's service takes, µs (0: instant, a PC's speed). Above the block period (5.3 ms at
    /// 48 kHz) the sample loop falls behind and the DMA drops buffers, which the firmware counts from its clock and
    /// announces: what a board too slow for its rate does.
    /// </summary>
    public long BlockServiceMicroseconds { get; set; }

    /// <summary>
    /// Processor time each control tick takes, µs (0: instant). A tick that takes longer than the DMA ring's slack
    /// (16 buffers, 85 ms at 48 kHz) makes the DMA drop buffers too.
    /// </summary>
    public long TickServiceMicroseconds { get; set; }

    /// <summary>
    /// Called after each call into the firmware with what it was and the board time it began: a model of the device's
    /// processor (the work counter) may advance the board's time here by what the call cost, as a slower processor would.
    /// </summary>
    public Action<FirmwareCall, long> Called { get; set; }

    /// <summary>
    /// Called with true before the runner looks at the firmware's state to model the board (is a stream block waiting for
    /// the link?) and with false after: that looking is the simulator's, not work the device does.
    /// </summary>
    public Action<bool> Modelling { get; set; }

    private int ReadyBlocks()
    {
        Modelling?.Invoke(true);
        int n = _stream.ReadyBlocks;
        Modelling?.Invoke(false);
        return n;
    }

    private SimSerialPort LinkPort()
    {
        Modelling?.Invoke(true);
        var port = _link.Port as SimSerialPort;
        Modelling?.Invoke(false);
        return port;
    }

    /// <summary>The session open now on <paramref name="port"/> (a new one after each power cycle), or null.</summary>
    public ScpiSession SessionOf(SimSerialPort port)
    {
        lock (_gate) return _sessions.FirstOrDefault(s => s.Port == port);
    }

    /// <summary>Lock held while the board runs; take it to touch the board or firmware from another thread.</summary>
    public object Gate => _gate;

    /// <summary>Opens a session on a new paced host port (one per TCP client or pseudo-terminal).</summary>
    public SimSerialPort OpenPort(out ScpiSession session, int? baud = null)
    {
        lock (_gate)
        {
            var port = Board.OpenHostPort(baud ?? Board.Host.Baud);
            session = Attach(port);
            return port;
        }
    }

    /// <summary>
    /// Closes a session opened with <see cref="OpenPort"/> once the firmware has taken every byte its client sent (a
    /// real instrument carries out every complete line it received, even from a client that hung up at once).
    /// </summary>
    public void ClosePort(ScpiSession session)
    {
        lock (_gate)
        {
            var current = _sessions.FirstOrDefault(s => s.Port == session.Port);   // the same link's session after a power cycle
            if (current != null && !_closing.Contains(current)) _closing.Add(current);
            CloseDrained();
        }
    }

    /// <summary>Sessions whose client has gone, kept until their input is processed.</summary>
    public int SessionsClosing { get { lock (_gate) return _closing.Count; } }

    private readonly List<ScpiSession> _closing = new();

    private void CloseDrained()
    {
        for (int i = _closing.Count - 1; i >= 0; i--)
        {
            var session = _closing[i];
            if (session.Port is SimSerialPort port && port.InputPending > 0) continue;
            Firmware.DetachHost(session);
            _sessions.Remove(session);
            _closing.RemoveAt(i);
        }
    }

    private ScpiSession Attach(SimSerialPort port)
    {
        var s = Firmware.AttachHost(port);
        _sessions.Add(s);
        return s;
    }

    /// <summary>Runs firmware and board until board time <paramref name="timeUs"/>.</summary>
    public void RunUntil(long timeUs)
    {
        lock (_gate)
        {
            while (Board.NowMicroseconds < timeUs)
            {
                long next = Math.Min(timeUs, Math.Min(_nextTickUs, LinkRoomUs()));
                Board.AdvanceTo(next);
                FeedLink();
                if (Board.NowMicroseconds >= _nextTickUs)
                {
                    // One pass of the app's loop: the blocks that are due (a few at most), then the control tick.
                    for (int i = 0; i < MaxBlocksPerPass && Board.NowMicroseconds >= Firmware.NextBlockDueMicroseconds; i++)
                    {
                        long read = Board.NowMicroseconds;
                        Firmware.ServiceAudio();
                        Called?.Invoke(FirmwareCall.Block, read);
                        if (BlockServiceMicroseconds > 0)
                        {
                            Board.AdvanceBy(BlockServiceMicroseconds);   // busy: the next block is looked at only now
                        }
                        FeedLink();
                    }
                    if (ReadyBlocks() == 0)
                    {
                        // The writer thread wakes on the same 10 ms steps; finding nothing to send costs it a call.
                        long polled = Board.NowMicroseconds;
                        Firmware.ServiceStreamOutput(1);
                        Called?.Invoke(FirmwareCall.StreamOutput, polled);
                    }
                    var sentBefore = _sessions.Select(s => (s.Port as SimSerialPort)?.TransmitDoneUs ?? 0).ToArray();
                    long began = Board.NowMicroseconds;
                    Firmware.Tick(began);
                    Called?.Invoke(FirmwareCall.Tick, began);
                    _nextTickUs += TickMicroseconds;
                    if (TickServiceMicroseconds > 0)
                    {
                        Board.AdvanceBy(TickServiceMicroseconds);
                    }
                    WaitForAnswers(sentBefore);
                    if (_closing.Count > 0) CloseDrained();
                    if (Board.Flash.PowerCut) PowerCycle();
                    if (_nextTickUs < began)
                    {
                        _nextTickUs = began + TickMicroseconds;   // a pass that ran long is not made up for with a burst
                    }
                }
            }
        }
    }

    /// <summary>
    /// The board's UART write returns only when its bytes are out (nanoFramework waits for the transmit to finish), so
    /// a tick that answered waits for its answers to leave the line: the board's time moves on meanwhile, as it does
    /// for a real control loop blocked in SerialPort.Write. Answers are therefore never dropped; a host that sends
    /// faster than they can leave fills the receive buffer instead, and that overrun is reported (-363).
    /// </summary>
    private void WaitForAnswers(double[] sentBefore)
    {
        double until = 0;
        for (int i = 0; i < sentBefore.Length && i < _sessions.Count; i++)
        {
            if (_sessions[i].Port is not SimSerialPort port) continue;
            double done = port.TransmitDoneUs;
            if (done > sentBefore[i]) until = Math.Max(until, done - port.TransmitFifoUs);
        }
        if (until > Board.NowMicroseconds) Board.AdvanceTo((long)Math.Ceiling(until));
    }

    /// <summary>Runs for <paramref name="seconds"/> of board time.</summary>
    public void RunFor(double seconds) => RunUntil(Board.NowMicroseconds + (long)(seconds * 1e6));

    /// <summary>When the stream owner's link next has room for a waiting block (the writer thread's wake-up), or long.MaxValue.</summary>
    private long LinkRoomUs()
    {
        if (ReadyBlocks() == 0 || LinkPort() is not SimSerialPort port) return long.MaxValue;
        return Math.Max(Board.NowMicroseconds + 1, port.RoomForUs(_blockLength));
    }

    private void FeedLink()
    {
        if (ReadyBlocks() == 0) return;
        if (LinkPort() is SimSerialPort port && port.TransmitBacklog < _blockLength)
        {
            long began = Board.NowMicroseconds;
            Firmware.ServiceStreamOutput(1);
            Called?.Invoke(FirmwareCall.StreamOutput, began);
        }
    }

    /// <summary>Runs in step with the wall clock until <paramref name="stop"/> is cancelled (the simulator's main loop).</summary>
    public void RunRealTime(CancellationToken stop, double speed = 1.0)
    {
        var wall = Stopwatch.StartNew();
        long origin = Board.NowMicroseconds;
        while (!stop.IsCancellationRequested)
        {
            long target = origin + (long)(wall.Elapsed.TotalMilliseconds * 1000 * speed);
            RunUntil(target);
            Thread.Sleep(1);
        }
    }
}

/// <summary>The calls the app's loops make into the firmware.</summary>
public enum FirmwareCall
{
    /// <summary><see cref="Preamp.ServiceAudio"/>: a converter block read.</summary>
    Block,
    /// <summary><see cref="Preamp.Tick"/>: the control tick.</summary>
    Tick,
    /// <summary><see cref="Preamp.ServiceStreamOutput"/>: the writer thread's block to the link.</summary>
    StreamOutput,
}
