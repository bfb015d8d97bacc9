// A connection to a preamp: SCPI questions and answers, and the sample stream, over any byte transport.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;
using System.Threading;

namespace PreampFirmware.Client;

/// <summary>Raised when the device does not answer in time or reports errors.</summary>
public sealed class PreampException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PreampException(string message) : base(message) { }
}

/// <summary>
/// SCPI over a byte transport, with the stream demultiplexed: a reader thread feeds a <see cref="StreamDecoder"/>,
/// text lines become answers, stream frames are raised on <see cref="BlockReceived"/>.
/// </summary>
public sealed class PreampLink : IDisposable
{
    private readonly IByteTransport _transport;
    private readonly StreamDecoder _decoder = new();
    private readonly BlockingCollection<string> _lines = new();
    private readonly Thread _reader;
    private readonly object _writeLock = new();
    private volatile bool _closing;
    private Exception _readFailure;

    /// <summary>Starts reading from <paramref name="transport"/>.</summary>
    public PreampLink(IByteTransport transport)
    {
        _transport = transport;
        _decoder.Line += l =>
        {
            if (l.StartsWith(HubNotice.Prefix, StringComparison.Ordinal)) OnHubNotice(l);
            else _lines.Add(l);
        };
        _decoder.Block += b => BlockReceived?.Invoke(b);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "preamp link reader" };
        _reader.Start();
    }

    /// <summary>
    /// Opens a link from the tool's options: a serial device, tcp://host:port, or an in-process simulator. A port that a
    /// running `preamp hub` holds is reached through the hub (its own session there, named <paramref name="clientName"/>).
    /// </summary>
    public static PreampLink Open(string port, int baud, bool sim, string clientName = null)
    {
        if (sim) return new PreampLink(new InProcessSimTransport());
        if (string.IsNullOrEmpty(port)) throw new PreampException("no device: give --port <serial device | tcp://host:port> or --sim");
        if (HubRendezvous.Find(port) is HubInfo hub) return ThroughHub(hub, clientName);
        return new PreampLink(OpenTransport(port, baud));
    }

    /// <summary>The transport to a serial device or tcp://host:port itself, never through a hub.</summary>
    public static IByteTransport OpenTransport(string port, int baud)
    {
        if (port.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = port.Substring(6);
            int colon = rest.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int tcpPort)
                || tcpPort is < 1 or > 65535)
                throw new PreampException("expected tcp://host:port with a port from 1 to 65535, got " + port);
            return new TcpTransport(rest.Substring(0, colon), tcpPort);
        }
        if (baud <= 0) throw new PreampException("--baud must be a positive number of bits per second, got " + baud);
        return new SerialTransport(port, baud);
    }

    /// <summary>A link to the hub <paramref name="hub"/>: it names this client and asks for the hub's notices (the board gone, back).</summary>
    public static PreampLink ThroughHub(HubInfo hub, string clientName = null)
    {
        var link = new PreampLink(new TcpTransport("127.0.0.1", hub.ScpiPort)) { Hub = hub };
        link.Send(HubNotice.Subscribe);
        string name = HubNotice.SessionName(clientName ?? "preamp") ;
        link.Send("SYSTem:SESSion:NAME \"" + name + "\"");
        return link;
    }

    /// <summary>The hub this link goes through, or null when it holds the board's link itself.</summary>
    public HubInfo Hub { get; private set; }

    /// <summary>True while the hub says the board is gone (it reconnects when the board returns).</summary>
    public bool BoardAway { get; private set; }

    /// <summary>Raised (on the reader thread) with each notice the hub sends: "board gone: …", "board back".</summary>
    public event Action<string> HubNoticeReceived;

    private void OnHubNotice(string line)
    {
        string text = line.Substring(HubNotice.Prefix.Length);
        if (text.StartsWith(HubNotice.Gone, StringComparison.Ordinal)) BoardAway = true;
        if (text.StartsWith(HubNotice.Back, StringComparison.Ordinal)) BoardAway = false;
        HubNoticeReceived?.Invoke(text);
    }

    /// <summary>Waits <paramref name="milliseconds"/> of the board's time (wall time on a real board, board time on a virtual one).</summary>
    public void Pause(int milliseconds) => _transport.Pause(milliseconds);

    /// <summary>The transport underneath.</summary>
    public IByteTransport Transport => _transport;

    /// <summary>Stream frames as they arrive (on the reader thread).</summary>
    public event Action<SampleBlock> BlockReceived;

    /// <summary>The decoder (its counters of damaged bytes and headers).</summary>
    public StreamDecoder Decoder => _decoder;

    /// <summary>How long a query waits for its answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    private void ReadLoop()
    {
        var buffer = new byte[8192];
        try
        {
            while (!_closing)
            {
                int n = _transport.Read(buffer, 0, buffer.Length);
                if (n > 0) _decoder.Feed(buffer, 0, n);
            }
        }
        catch (Exception e) when (!_closing)
        {
            _readFailure = e;
            _lines.CompleteAdding();
        }
        catch (Exception)
        {
        }
    }

    /// <summary>Sends one line (a LF is added).</summary>
    public void Send(string line)
    {
        var bytes = Encoding.ASCII.GetBytes(line + "\n");
        lock (_writeLock) _transport.Write(bytes, 0, bytes.Length);
    }

    /// <summary>Drops answers nobody asked for (after a timeout or a stream stop).</summary>
    public void DiscardAnswers()
    {
        while (_lines.TryTake(out _)) { }
    }

    /// <summary>Sends a line and returns the answer line.</summary>
    public string Query(string line)
    {
        Send(line);
        return ReadAnswer(line);
    }

    /// <summary>Waits for the next answer line.</summary>
    public string ReadAnswer(string forWhat)
    {
        try
        {
            if (_lines.TryTake(out var answer, Timeout)) return answer;
        }
        catch (InvalidOperationException)
        {
        }
        if (_readFailure != null) throw new PreampException(_transport.Description + ": " + _readFailure.Message);
        if (BoardAway) throw new PreampException("no answer to \"" + forWhat + "\": the board is away (the hub opens it again when it is back)");
        throw new PreampException("no answer to \"" + forWhat + "\" from " + _transport.Description + " within " + Timeout.TotalSeconds + " s");
    }

    /// <summary>Reads the error queue until it is empty; returns what it held.</summary>
    public List<string> DrainErrors()
    {
        var errors = new List<string>();
        for (int i = 0; i < 64; i++)
        {
            string e = Query("SYSTem:ERRor?");
            if (e.StartsWith("0,", StringComparison.Ordinal)) break;
            errors.Add(e);
        }
        return errors;
    }

    /// <summary>Sends set commands and throws if the device queued an error for them.</summary>
    public void Command(string line)
    {
        Send(line);
        var errors = DrainErrors();
        if (errors.Count > 0) throw new PreampException("\"" + line + "\" failed: " + string.Join("; ", errors));
    }

    /// <summary>Closes the transport.</summary>
    public void Dispose()
    {
        _closing = true;
        _transport.Dispose();
        _reader.Join(1000);
    }
}
