// The one path from the page to the board: polls its state, meters its stream, carries commands, reconnects.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using PreampFirmware.Client;

namespace PreampFirmware.Ui;

/// <summary>One input as the board reports it; <see cref="AutoTarget"/> is auto gain's peak target, dBFS (the meter marks it).</summary>
public sealed record InputState(int Gain, bool Pad, bool Polarity, bool Mute, bool Phantom, bool Lock, bool Settled, string Auto, bool ClipSafe, double AutoTarget);

/// <summary>The board as the page shows it; every value is what the board answered, never what was asked.</summary>
public sealed record BoardState(bool Connected, string Message, string Identity, InputState[] Inputs, bool Linked, string Conditions,
                                bool Calibrated, int Rate, bool Metering, long FramesLost, long BlocksDamaged, long Version)
{
    /// <summary>When the panel goes through a `preamp hub`: the hub, the board as it sees it, and the hub's other clients, in one line; else empty.</summary>
    public string Hub { get; init; } = "";
}

/// <summary>Peak and RMS of each input over the last moment, dBFS (RMS re full-scale DC, as MEASure:LEVel? gives it).</summary>
public sealed record MeterReading(double[] PeakDbfs, double[] RmsDbfs, bool[] Over);

/// <summary>
/// Owns the link to the board and serialises everything on it: a poll of the whole state every
/// <see cref="PollMs"/> (one SCPI line, one answer), the stream that feeds the meters (when no other connection streams;
/// otherwise the poll reads MEASure:LEVel?), the device errors that reach this connection, and the page's commands,
/// each checked before it is sent and answered with the board's own error when the board refuses it. A board that stops
/// answering is reported and reconnected.
/// </summary>
public sealed class BoardGateway : IDisposable
{
    /// <summary>How often the state is read, ms (changes made elsewhere show within two polls).</summary>
    public const int PollMs = 40;
    /// <summary>How often the meters are published, ms.</summary>
    public const int MeterMs = 40;
    /// <summary>Peak at or above which a meter shows CLIP, dBFS.</summary>
    public const double OverDbfs = -0.5;

    private readonly Func<PreampLink> _connect;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _poller;
    private PreampLink _link;
    private BoardState _state = new(false, "connecting…", "", new InputState[0], false, "", false, 0, false, 0, 0, 0);
    private long _version;
    private bool _streaming;
    private SampleTimeline _timeline = new();
    private readonly object _meterGate = new();
    private readonly double[] _peak = new double[2];
    private readonly double[] _sumSquares = new double[2];
    private int _meterFrames;
    private MeterReading _meter = new(new[] { -200.0, -200.0 }, new[] { -200.0, -200.0 }, new[] { false, false });
    private double[] _polledLevel;

    /// <summary>A gateway that opens its link with <paramref name="connect"/> (again after a loss).</summary>
    public BoardGateway(Func<PreampLink> connect)
    {
        _connect = connect;
        _poller = new Thread(PollLoop) { IsBackground = true, Name = "ui board poll" };
        _poller.Start();
    }

    /// <summary>The state last read.</summary>
    public BoardState State => Volatile.Read(ref _state);

    /// <summary>The meters last computed.</summary>
    public MeterReading Meter => Volatile.Read(ref _meter);

    /// <summary>Raised with each device error that reaches this connection ("code,text").</summary>
    public event Action<string> DeviceError;

    /// <summary>Raised after each poll whose state differs from the one before.</summary>
    public event Action<BoardState> StateChanged;

    private void PollLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                lock (_gate)
                {
                    if (_link == null) Open();
                    Poll();
                }
            }
            catch (Exception e) when (e is PreampException or System.IO.IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or FormatException)
            {
                Lose(e.Message);
                Console.Error.WriteLine("panel: " + e.Message);
                _stop.Token.WaitHandle.WaitOne(1000);   // then try again
                continue;
            }
            _stop.Token.WaitHandle.WaitOne(PollMs);
        }
    }

    private void Open()
    {
        _link = _connect();
        _link.Timeout = TimeSpan.FromSeconds(1);
        _link.BlockReceived += OnBlock;
        _link.Send("*CLS");
        _timeline = new SampleTimeline { JoinsRunningStream = _link.Hub != null };   // beside other consumers of a hub, meters start where they join
        _timeline.Samples += OnSamples;
        // Meters from the stream when this connection can own it; another connection's stream leaves it to MEASure:LEVel?.
        _link.Send("STReam:STARt");
        var errors = _link.DrainErrors();
        _streaming = errors.Count == 0;
    }

    private void Lose(string why)
    {
        lock (_gate)
        {
            if (_link != null)
            {
                if (_link.BoardAway) why = "the board went away; the hub opens it again when it is back";
                _link.BlockReceived -= OnBlock;
                try { _link.Dispose(); } catch (Exception) { }
                _link = null;
            }
            _streaming = false;
            Publish(_state with { Connected = false, Message = "the board does not answer (" + why + "); reconnecting…" });
        }
    }

    private void Poll()
    {
        string identity = _state.Identity.Length > 0 && _state.Connected ? _state.Identity : _link.Query("*IDN?");
        bool metering = _streaming;
        var answers = PanelQuery.SplitAnswers(_link.Query(metering ? PanelQuery.WhileStreaming : PanelQuery.WithLevels));
        var f = answers[0].Split(',');
        if (f.Length != PreampFirmware.Host.StateQuery.Fields || answers.Length != (metering ? 2 : 4))
            throw new FormatException("a short answer to the state query (" + f.Length + " fields, " + answers.Length + " answers)");
        var inputs = new InputState[2];
        for (int ch = 0; ch < 2; ch++)
        {
            int at = 9 * ch;
            inputs[ch] = new InputState(int.Parse(f[at], CultureInfo.InvariantCulture), f[at + 1] == "1", f[at + 2] == "1", f[at + 3] == "1", f[at + 4] == "1",
                                        f[at + 5] == "1", f[at + 6] == "1", f[at + 7], f[at + 8] == "1", Number(f[23 + ch]));
        }
        string error = answers[1];
        if (error.Length > 0 && !error.StartsWith("0,", StringComparison.Ordinal)) DeviceError?.Invoke(error);
        if (_streaming && f[22] != "1") _streaming = false;   // the board stopped it: meter from MEASure:LEVel? from now on
        if (!metering)
        {
            var l1 = answers[2].Split(',');
            var l2 = answers[3].Split(',');
            _polledLevel = new[] { Number(l1[0]), Number(l2[0]), Number(l1[1]), Number(l2[1]) };
        }
        long lost, damaged;
        lock (_meterGate)
        {
            lost = _timeline.SilencedFrames;
            damaged = _timeline.DamagedBlocks;
        }
        string conditions = PreampFirmware.Host.BoardCondition.Names(int.Parse(f[19], CultureInfo.InvariantCulture));
        Publish(new BoardState(true, "", identity, inputs, f[18] == "1", conditions, f[20] == "1", int.Parse(f[21], CultureInfo.InvariantCulture),
                               _streaming, lost, damaged, 0) { Hub = HubLine() });
        if (!_streaming && _polledLevel != null)
        {
            var p = _polledLevel;
            Volatile.Write(ref _meter, new MeterReading(new[] { p[0], p[1] }, new[] { p[2], p[3] }, new[] { p[0] >= OverDbfs, p[1] >= OverDbfs }));
        }
    }

    private string _hubLine = "";
    private long _hubReadAt;

    /// <summary>The hub's status in a line, read from its rendezvous file at most once a second.</summary>
    private string HubLine()
    {
        if (_link?.Hub == null) return "";
        long now = Environment.TickCount64;
        if (_hubReadAt != 0 && now - _hubReadAt < 1000) return _hubLine;
        _hubReadAt = now;
        string json = HubRendezvous.ReadStatus(_link.Hub.Device);
        try { _hubLine = json == null ? "through preamp hub (pid " + _link.Hub.Pid + ")" : HubStatusText.Summary(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException) { }
        return _hubLine;
    }

    private static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private void Publish(BoardState next)
    {
        var before = _state;
        bool same = before.Connected == next.Connected && before.Message == next.Message && before.Linked == next.Linked && before.Conditions == next.Conditions &&
                    before.Calibrated == next.Calibrated && before.Rate == next.Rate && before.Metering == next.Metering && before.FramesLost == next.FramesLost &&
                    before.BlocksDamaged == next.BlocksDamaged && before.Identity == next.Identity && before.Hub == next.Hub && before.Inputs.SequenceEqual(next.Inputs);
        if (same) return;
        next = next with { Version = ++_version };
        Volatile.Write(ref _state, next);
        StateChanged?.Invoke(next);
    }

    private void OnBlock(SampleBlock block)
    {
        lock (_meterGate) _timeline.Accept(block);
    }

    private void OnSamples(int[] ch1, int[] ch2, int n)
    {
        // Called under _meterGate by the timeline.
        for (int i = 0; i < n; i++)
        {
            double a = Math.Abs((double)ch1[i]), b = Math.Abs((double)ch2[i]);
            if (a > _peak[0]) _peak[0] = a;
            if (b > _peak[1]) _peak[1] = b;
            _sumSquares[0] += a * a;
            _sumSquares[1] += b * b;
        }
        _meterFrames += n;
        int rate = _state.Rate > 0 ? _state.Rate : 48000;
        if (_meterFrames < rate * MeterMs / 1000) return;
        const double fullScale = 8388608.0;
        var peak = new double[2];
        var rms = new double[2];
        for (int ch = 0; ch < 2; ch++)
        {
            peak[ch] = Db(_peak[ch] / fullScale);
            rms[ch] = Db(Math.Sqrt(_sumSquares[ch] / _meterFrames) / fullScale);
            _peak[ch] = 0;
            _sumSquares[ch] = 0;
        }
        _meterFrames = 0;
        Volatile.Write(ref _meter, new MeterReading(peak, rms, new[] { peak[0] >= OverDbfs, peak[1] >= OverDbfs }));
    }

    private static double Db(double fraction) => fraction <= 0 ? -200 : Math.Round(20 * Math.Log10(fraction), 2);

    /// <summary>
    /// Sends a command the page asked for, already checked, and returns null or the board's refusal ("-221,…"). The next
    /// poll shows what the board did.
    /// </summary>
    public string Apply(string scpi)
    {
        lock (_gate)
        {
            if (_link == null) return "the board is not connected";
            try
            {
                _link.Send(scpi);
                var errors = _link.DrainErrors();
                Poll();
                return errors.Count == 0 ? null : string.Join("; ", errors);
            }
            catch (Exception e) when (e is PreampException or System.IO.IOException)
            {
                Lose(e.Message);
                return "the board does not answer: " + e.Message;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _poller.Join(3000);
        lock (_gate)
        {
            if (_link == null) return;
            try { _link.Send("STReam:STOP"); } catch (Exception) { }
            _link.Dispose();
            _link = null;
        }
    }
}
