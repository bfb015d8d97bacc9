// `preamp hub`: owns the board's one link and serves it to every tool at once, each client with its own session.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>
/// A hub between the board's link and any number of local clients (up to <see cref="MaxClients"/>) on a SCPI raw
/// socket. Each client gets a sub-session of its own on the board (<c>SYSTem:SESSion:OPEN n</c>; its lines go out as
/// <c>@n LINE</c>, the answers come back as <c>@n ANSWER</c>), so its error queue, status registers, *OPC? and the device
/// errors it hears are the board's own, exactly. The stream the board sends is fanned out to the clients that take it
/// (the board says which: SYSTem:SESSion:LIST?, asked right behind every line that may start or stop it, so the list
/// changes between the same two blocks the board's did). When the link fails, every client that asked is told, the
/// hub opens the port again until the board is back, re-opens each client's session (the board gives PON to those it
/// lost in a restart), starts the stream again for those that took it, and <see cref="StreamSplice"/> renumbers it so a
/// consumer's file marks the gap.
/// </summary>
public sealed class HubServer : IDisposable
{
    /// <summary>Most clients at once (the board's sub-session numbers).</summary>
    public const int MaxClients = PreampFirmware.Host.SubSessions.Most;

    /// <summary>How often the hub asks the board for its state (restart, conditions, sessions), ms.</summary>
    public const int HeartbeatMs = 1000;

    /// <summary>How often the hub tries the port again while the board is away, ms.</summary>
    public const int ReconnectMs = 500;

    private const string Heartbeat = "*ESR?;:SYSTem:SESSion:LIST?;:SYSTem:CONDition?";
    private const string ListQuery = "SYSTem:SESSion:LIST?";

    private readonly Func<IByteTransport> _open;
    private readonly TcpListener _listener;
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    private readonly HubClient[] _clients = new HubClient[MaxClients + 1];
    private readonly StreamSplice _splice = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = new();
    private IByteTransport _board;
    private bool _firstHeartbeat;
    private string _boardMessage = "connecting";
    private string _condition = "";
    private DateTime _since = DateTime.UtcNow;
    private int _outages, _restarts;

    /// <summary>A hub that opens the board with <paramref name="openBoard"/> and serves 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    public HubServer(Func<IByteTransport> openBoard, int port)
    {
        _open = openBoard;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    /// <summary>The SCPI port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Largest stream backlog a client may have before blocks are dropped for it, bytes (about 1 s at 48 kHz stereo).</summary>
    public int ClientQueueBytes { get; set; } = 300_000;

    /// <summary>True while the board's link is up.</summary>
    public bool BoardConnected { get { lock (_gate) return _board != null; } }

    /// <summary>Raised (on a hub thread) when the board or the clients changed: write the status out.</summary>
    public event Action Changed;

    /// <summary>Raised with what the hub says to a person (board gone, back, restarted).</summary>
    public event Action<string> Said;

    /// <summary>The clients connected now.</summary>
    public HubClient[] Clients { get { lock (_gate) return _clients.Where(c => c != null).ToArray(); } }

    /// <summary>Starts serving: the board's link, the clients, the heartbeat.</summary>
    public void Start()
    {
        Spawn(BoardLoop, "hub board link");
        Spawn(AcceptLoop, "hub accept");
        Spawn(HeartbeatLoop, "hub heartbeat");
    }

    private void Spawn(ThreadStart body, string name)
    {
        var t = new Thread(body) { IsBackground = true, Name = name };
        _threads.Add(t);
        t.Start();
    }

    // ---- the board's link ----

    private void BoardLoop()
    {
        var buffer = new byte[16384];
        while (!_stop.IsCancellationRequested)
        {
            IByteTransport board;
            try
            {
                board = _open();
            }
            catch (Exception e) when (e is PreampException or System.IO.IOException or UnauthorizedAccessException or SocketException or InvalidOperationException)
            {
                SetMessage(Reason(e));
                _stop.Token.WaitHandle.WaitOne(ReconnectMs);
                continue;
            }
            var decoder = new StreamDecoder();
            decoder.Line += OnBoardLine;
            decoder.BlockData += OnBoardBlock;
            Connected(board);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int n = board.Read(buffer, 0, buffer.Length);
                    if (n > 0) decoder.Feed(buffer, 0, n);
                }
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                Lost(Reason(e));
            }
            catch (Exception)
            {
            }
        }
    }

    private static string Reason(Exception e) => e.Message.Length > 0 ? e.Message : e.GetType().Name;

    private void SetMessage(string message)
    {
        bool changed;
        lock (_gate)
        {
            changed = _boardMessage != message;
            _boardMessage = message;
        }
        if (changed) Changed?.Invoke();
    }

    private void Connected(IByteTransport board)
    {
        bool again;
        lock (_gate)
        {
            again = _outages > 0;
            _board = board;
            _firstHeartbeat = true;
            _boardMessage = "connected";
            _since = DateTime.UtcNow;
        }
        Reopen();
        if (again)
        {
            Notify(HubNotice.Back);
            Said?.Invoke("the board is back on " + board.Description);
        }
        Changed?.Invoke();
    }

    /// <summary>
    /// Gives every client its session on the board again and the stream to those that took it: a session the board
    /// still has keeps its queue; one it lost in a restart comes back with PON (the board's rule for an address it
    /// does not know).
    /// </summary>
    private void Reopen()
    {
        foreach (var c in Clients)
        {
            // A client that came while the board was away never had a session: it opens afresh, without PON.
            string open = c.Opened ? "" : "SYSTem:SESSion:OPEN " + c.Number + "\n";
            c.Opened |= SendToBoard(Encoding.ASCII.GetBytes(open + "@" + c.Number + " SYSTem:SESSion:NAME \"" + HubNotice.SessionName(c.Name) + "\"\n"));
            if (c.Takes) SendToBoard(Encoding.ASCII.GetBytes("@" + c.Number + " STReam:STARt\n"));
        }
        AskBoard(ListQuery);
    }

    private void Lost(string why)
    {
        IByteTransport board;
        lock (_gate)
        {
            board = _board;
            _board = null;
            _outages++;
            _boardMessage = "gone: " + why;
            _since = DateTime.UtcNow;
            _splice.Break();
        }
        try { board?.Dispose(); } catch (Exception) { }
        Notify(HubNotice.Gone + ": " + why);
        Said?.Invoke("the board went away (" + why + "); waiting for it to come back");
        Changed?.Invoke();
    }

    private void Notify(string text)
    {
        foreach (var c in Clients)
        {
            if (c.Notices) c.Answer(HubNotice.Prefix + text);
        }
    }

    private void OnBoardLine(string line)
    {
        if (line.StartsWith('@'))
        {
            int space = line.IndexOf(' ');
            if (space > 1 && int.TryParse(line.AsSpan(1, space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= MaxClients)
            {
                HubClient c;
                lock (_gate) c = _clients[n];
                c?.Answer(line.Substring(space + 1));
            }
            return;
        }
        // The hub's own answers, told apart by their shape (so an answer a damaged link lost never shifts the next ones):
        // the heartbeat's three answers are joined by ';', a session list has none (names cannot hold one).
        if (line.Contains(';')) OnHeartbeat(line);
        else if (line == "NONE" || (line.Length > 0 && char.IsAsciiDigit(line[0]))) OnList(line);
    }

    private void OnBoardBlock(byte[] bytes, int count)
    {
        IByteTransport board;
        lock (_gate) board = _board;
        double now = board?.Seconds ?? WallClock.Seconds;
        byte[] outBytes = _splice.Process(bytes, count, now);
        int frames = bytes[20] | (bytes[21] << 8);
        foreach (var c in Clients)
        {
            if (c.Takes) c.Block(outBytes, count, frames);
        }
    }

    /// <summary>Writes to the board; false when it is away.</summary>
    private bool SendToBoard(byte[] bytes)
    {
        lock (_writeGate)
        {
            IByteTransport board;
            lock (_gate) board = _board;
            if (board == null) return false;
            try
            {
                board.Write(bytes, 0, bytes.Length);
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException or InvalidOperationException or SocketException or TimeoutException or ObjectDisposedException)
            {
                return false;   // the reader sees the link fail and says so
            }
        }
    }

    private void AskBoard(string query) => SendToBoard(Encoding.ASCII.GetBytes(query + "\n"));

    /// <summary>The board's list of sub-sessions: names, and who takes the stream.</summary>
    private void OnList(string answer)
    {
        var takes = new bool[MaxClients + 1];
        var names = new string[MaxClients + 1];
        if (answer != "NONE")
        {
            var f = answer.Split(',');
            if (f.Length % 3 != 0) return;   // damaged: the next heartbeat asks again
            for (int i = 0; i + 2 < f.Length; i += 3)
            {
                if (!int.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaxClients ||
                    f[i + 2] is not ("0" or "1") || f[i + 1].Length < 2 || f[i + 1][0] != '"' || f[i + 1][^1] != '"') return;
                names[n] = f[i + 1].Trim('"');
                takes[n] = f[i + 2] == "1";
            }
        }
        bool changed = false, anyone = false;
        lock (_gate)
        {
            for (int n = 1; n <= MaxClients; n++)
            {
                var c = _clients[n];
                if (c == null) continue;
                if (c.Takes != takes[n] || (names[n] != null && c.Name != names[n])) changed = true;
                c.Takes = takes[n];
                if (names[n] != null) c.Name = names[n];
                anyone |= c.Takes;
            }
            if (!anyone && _board != null) _splice.Reset();
        }
        if (changed) Changed?.Invoke();
    }

    private void HeartbeatLoop()
    {
        while (!_stop.Token.WaitHandle.WaitOne(HeartbeatMs)) AskBoard(Heartbeat);
    }

    /// <summary>The heartbeat's answer: the hub's own *ESR? (PON: the board restarted), the session list, the conditions.</summary>
    private void OnHeartbeat(string answer)
    {
        var parts = answer.Split(';');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int esr)) return;
        bool first;
        lock (_gate)
        {
            first = _firstHeartbeat;
            _firstHeartbeat = false;
            _condition = parts[2];
        }
        if ((esr & 128) != 0 && !first)
        {
            lock (_gate)
            {
                _restarts++;
                _splice.Break();
            }
            Notify("board restarted");
            Said?.Invoke("the board restarted; its clients' sessions are open again");
            Reopen();
        }
        else
        {
            OnList(parts[1]);
        }
        Changed?.Invoke();
    }

    // ---- the clients ----

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try { tcp = _listener.AcceptTcpClient(); }
            catch (Exception) { return; }
            HubClient client = null;
            lock (_gate)
            {
                for (int n = 1; n <= MaxClients && client == null; n++)
                {
                    if (_clients[n] == null) _clients[n] = client = new HubClient(n, tcp, ClientQueueBytes);
                }
            }
            if (client == null)
            {
                var full = Encoding.ASCII.GetBytes(HubNotice.Prefix + "full: " + MaxClients + " clients at most\n");
                try { tcp.GetStream().Write(full, 0, full.Length); } catch (Exception) { }
                tcp.Close();
                continue;
            }
            client.Opened = SendToBoard(Encoding.ASCII.GetBytes("SYSTem:SESSion:OPEN " + client.Number + "\n@" + client.Number + " SYSTem:SESSion:NAME \"" +
                                                                HubNotice.SessionName(client.Name) + "\"\n"));
            AskBoard(ListQuery);
            var reader = new Thread(() => ReadClient(client)) { IsBackground = true, Name = "hub client " + client.Number + " reader" };
            reader.Start();
            Changed?.Invoke();
        }
    }

    private void ReadClient(HubClient client)
    {
        var buffer = new byte[4096];
        var line = new List<byte>();
        bool afterCr = false, firstLine = true;
        try
        {
            while (true)
            {
                int n = client.Stream.Read(buffer, 0, buffer.Length);
                if (n <= 0) break;
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[i];
                    bool wasCr = afterCr;
                    afterCr = b == 0x0D;
                    if (b == 0x0A && wasCr) continue;
                    if (b == 0x0A || b == 0x0D)
                    {
                        if (firstLine && LooksLikeHttp(line.ToArray()))
                        {
                            // A web page can make the browser send a request here (port 5025 is not on browsers' blocked list),
                            // whose body would be SCPI lines: switching phantom on from another site. Nothing of it reaches the board.
                            Said?.Invoke("refused a client that sent an HTTP request (a web page?); nothing of it reached the board");
                            goto closed;
                        }
                        firstLine = false;
                        FromClient(client, line.ToArray());
                        line.Clear();
                    }
                    else if (line.Count < 1024)
                    {
                        line.Add(b);   // a longer line is cut here; the board refuses it as too long anyway
                    }
                }
            }
        }
        catch (Exception e) when (e is System.IO.IOException or ObjectDisposedException or SocketException)
        {
        }
        closed:
        // Every complete line it sent has gone to the board; its session closes behind them.
        lock (_gate) _clients[client.Number] = null;
        SendToBoard(Encoding.ASCII.GetBytes("SYSTem:SESSion:CLOSe " + client.Number + "\n"));
        AskBoard(ListQuery);
        client.Close();
        if (client.BlocksDropped > 0)
            Said?.Invoke("client " + client.Number + " (" + client.Name + ") left; " + client.BlocksDropped + " blocks (" + client.FramesDropped + " frames) were dropped for it: it did not read them in time");
        Changed?.Invoke();
    }

    /// <summary>True for an HTTP request line ("POST / HTTP/1.1"): no SCPI line looks like one.</summary>
    public static bool LooksLikeHttp(byte[] line) =>
        System.Text.RegularExpressions.Regex.IsMatch(Encoding.Latin1.GetString(line), @"^[A-Z]+ \S+ HTTP/\d(\.\d)?$");

    private void FromClient(HubClient client, byte[] line)
    {
        string text = Encoding.Latin1.GetString(line);
        if (text.StartsWith(HubNotice.Prefix, StringComparison.Ordinal))
        {
            if (text == HubNotice.Subscribe)
            {
                client.Notices = true;
                lock (_gate) if (_board == null) client.Answer(HubNotice.Prefix + HubNotice.Gone + ": " + _boardMessage);
            }
            return;
        }
        var bytes = new byte[line.Length + 5];
        int at = Encoding.ASCII.GetBytes("@" + client.Number + " ", 0, ("@" + client.Number + " ").Length, bytes, 0);
        Array.Copy(line, 0, bytes, at, line.Length);
        bytes[at + line.Length] = 0x0A;
        Array.Resize(ref bytes, at + line.Length + 1);
        // A line that may start or stop the stream (STReam…, *RST, *TST?) is followed by the board's list of who takes it.
        string upper = text.ToUpperInvariant();
        bool stream = upper.Contains("STR", StringComparison.Ordinal) || upper.Contains("RST", StringComparison.Ordinal) || upper.Contains("TST", StringComparison.Ordinal);
        lock (_writeGate)
        {
            if (!SendToBoard(bytes))
            {
                client.LinesLost++;
                return;
            }
            if (stream) AskBoard(ListQuery);
        }
    }

    // ---- status ----

    /// <summary>The hub's state as JSON: what `preamp hub --status` and the panel show.</summary>
    public string StatusJson(string device)
    {
        lock (_gate)
        {
            var status = new
            {
                pid = Environment.ProcessId,
                scpiPort = Port,
                device,
                board = new { connected = _board != null, state = _boardMessage, since = _since.ToString("o", CultureInfo.InvariantCulture), condition = _condition, outages = _outages, restarts = _restarts, gapFrames = _splice.GapFrames },
                clients = _clients.Where(c => c != null).Select(c => new
                {
                    number = c.Number, name = c.Name, remote = c.Remote, stream = c.Takes, blocksSent = c.BlocksSent, blocksDropped = c.BlocksDropped, framesDropped = c.FramesDropped, linesLost = c.LinesLost,
                }).ToArray(),
            };
            return System.Text.Json.JsonSerializer.Serialize(status, new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); } catch (Exception) { }
        IByteTransport board;
        lock (_gate)
        {
            board = _board;
            _board = null;
        }
        foreach (var c in Clients) c.Close();
        try { board?.Dispose(); } catch (Exception) { }
        foreach (var t in _threads) t.Join(2000);
    }
}
