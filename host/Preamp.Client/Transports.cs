// Byte transports to a preamp: a serial port, a TCP socket (the simulator's SCPI port), or an in-process simulator.
using System;
using System.IO;
using System.IO.Ports;
using System.Net.Sockets;
using System.Threading;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;

namespace PreampFirmware.Client;

/// <summary>A duplex byte link. <see cref="Read"/> waits briefly and returns 0 when nothing came.</summary>
public interface IByteTransport : IDisposable
{
    /// <summary>Reads what has arrived, waiting up to about 50 ms; 0 when nothing did.</summary>
    int Read(byte[] buffer, int offset, int count);
    /// <summary>Sends bytes.</summary>
    void Write(byte[] buffer, int offset, int count);
    /// <summary>What this link is, for messages.</summary>
    string Description { get; }
    /// <summary>Waits <paramref name="milliseconds"/> of the board's time (the wall clock's for a real board).</summary>
    void Pause(int milliseconds) => Thread.Sleep(milliseconds);
    /// <summary>The board's time in seconds from an arbitrary origin (the wall clock's for a real board): what a capture's timers count.</summary>
    double Seconds => WallClock.Seconds;
}

/// <summary>The wall clock, in seconds since this process first asked.</summary>
public static class WallClock
{
    private static readonly System.Diagnostics.Stopwatch s_watch = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Seconds since the first use.</summary>
    public static double Seconds => s_watch.Elapsed.TotalSeconds;
}

/// <summary>A serial port (the board's USB-UART bridge, or a pseudo-terminal).</summary>
public sealed class SerialTransport : IByteTransport
{
    private readonly SerialPort _port;

    /// <summary>Opens <paramref name="name"/> at <paramref name="baud"/>, 8N1.</summary>
    public SerialTransport(string name, int baud)
    {
        if (!OperatingSystem.IsWindows() && !File.Exists(name))
        {
            throw new IOException(name + ": no such device (is the board plugged in? `preamp ports` lists the serial ports)");
        }
        if (!OperatingSystem.IsWindows() && UnixTerminal.Check(name) is string problem) throw new IOException(name + ": " + problem);
        _port = new SerialPort(name, baud, Parity.None, 8, StopBits.One) { ReadTimeout = 50, WriteTimeout = 2000, Handshake = Handshake.None };
        try
        {
            _port.Open();
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException(name + ": permission denied (on Linux, add yourself to the dialout group), or another program has it open");
        }
        Description = name + " at " + baud + " baud";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count)
    {
        try { return _port.Read(buffer, offset, count); }
        catch (TimeoutException) { return 0; }
    }

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count) => _port.Write(buffer, offset, count);

    /// <inheritdoc />
    public void Dispose() => _port.Dispose();
}

/// <summary>Whether a path on Linux or macOS is a terminal device a serial port can be opened on.</summary>
internal static class UnixTerminal
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [System.Runtime.InteropServices.DllImport("libc")] private static extern int isatty(int fd);
    [System.Runtime.InteropServices.DllImport("libc")] private static extern int close(int fd);

    /// <summary>Null when <paramref name="path"/> opens as a terminal; otherwise what is wrong, in words.</summary>
    public static string Check(string path)
    {
        const int ReadWrite = 2;
        int noCtty = OperatingSystem.IsMacOS() ? 0x20000 : 0x100;
        int noBlock = OperatingSystem.IsMacOS() ? 0x4 : 0x800;   // do not wait for a modem's carrier
        int fd = open(path, ReadWrite | noCtty | noBlock);
        if (fd < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return errno == 13 ? "permission denied (on Linux, add yourself to the dialout group)" : null;   // EACCES; others: let the serial port say
        }
        try
        {
            return isatty(fd) == 1 ? null : "not a serial port (a terminal device such as /dev/ttyACM0 or /dev/ttyUSB0 is; `preamp ports` lists them)";
        }
        finally
        {
            close(fd);
        }
    }
}

/// <summary>A TCP connection (the simulator serves SCPI on a raw socket, as instruments do on port 5025).</summary>
public sealed class TcpTransport : IByteTransport
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public TcpTransport(string host, int port)
    {
        _client = new TcpClient { NoDelay = true };
        try
        {
            _client.Connect(host, port);
        }
        catch (SocketException e)
        {
            _client.Dispose();
            throw new PreampException("cannot reach tcp://" + host + ":" + port + ": " + e.Message);
        }
        _stream = _client.GetStream();
        _stream.ReadTimeout = 50;
        Description = "tcp://" + host + ":" + port;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            int n = _stream.Read(buffer, offset, count);
            if (n == 0) throw new IOException("the connection was closed");
            return n;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            return 0;
        }
    }

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count) => _stream.Write(buffer, offset, count);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>A host link into a simulated board some other code runs (a panel's reconnections, a test): closing it closes only the link.</summary>
public sealed class SimPortTransport : IByteTransport
{
    private readonly SimRunner _runner;
    private readonly SimSerialPort _port;
    private readonly ScpiSession _session;

    /// <summary>Opens a host port on <paramref name="runner"/>.</summary>
    public SimPortTransport(SimRunner runner)
    {
        _runner = runner;
        _port = runner.OpenPort(out _session);
    }

    /// <inheritdoc />
    public string Description => "simulated board (in process)";

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count)
    {
        for (int i = 0; i < 50; i++)
        {
            int n = _port.HostRead(buffer, offset, count);
            if (n > 0) return n;
            Thread.Sleep(1);
        }
        return 0;
    }

    /// <summary>Sends with flow control: no faster than the board's receive buffer takes the bytes.</summary>
    public void Write(byte[] buffer, int offset, int count)
    {
        while (count > 0)
        {
            int room = _port.HostRoom;
            if (room == 0) { Thread.Sleep(1); continue; }
            int n = Math.Min(room, count);
            _port.HostWrite(buffer, offset, n);
            offset += n;
            count -= n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _runner.ClosePort(_session);
}

/// <summary>A simulated board in this process, running in real time on its own thread.</summary>
public sealed class InProcessSimTransport : IByteTransport
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly SimPortTransport _link;

    /// <summary>Starts a simulated board; <paramref name="speed"/> &gt; 1 runs it faster than real time.</summary>
    public InProcessSimTransport(SimBoardOptions options = null, double speed = 1.0)
    {
        Runner = new SimRunner(options);
        _link = new SimPortTransport(Runner);
        _thread = new Thread(() => Runner.RunRealTime(_stop.Token, speed)) { IsBackground = true, Name = "simulated board" };
        _thread.Start();
    }

    /// <summary>The board and firmware.</summary>
    public SimRunner Runner { get; }

    /// <inheritdoc />
    public string Description => _link.Description;

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count) => _link.Read(buffer, offset, count);

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count) => _link.Write(buffer, offset, count);

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _link.Dispose();
    }
}

/// <summary>
/// A simulated board in this process in virtual time: the link's reader moves the board on 5 ms per read, as fast as the
/// computer runs, and <see cref="Pause"/> waits board time, not wall time. What the host sees depends on board time
/// only, so tests through the host library do not depend on how busy the machine is.
/// </summary>
public sealed class VirtualTimeSimTransport : IByteTransport
{
    private readonly SimSerialPort _port;
    private readonly ScpiSession _session;

    /// <summary>A host link into <paramref name="runner"/> (a new simulated board when null).</summary>
    public VirtualTimeSimTransport(SimRunner runner = null, SimBoardOptions options = null)
    {
        Runner = runner ?? new SimRunner(options);
        _port = Runner.OpenPort(out _session);
    }

    /// <summary>The board and firmware.</summary>
    public SimRunner Runner { get; }

    /// <summary>Called under the board's lock after each 5 ms step (a test's hand on the board).</summary>
    public Action<SimRunner> Step { get; set; }

    /// <inheritdoc />
    public string Description => "simulated board (virtual time)";

    /// <summary>The board's time, s: a capture's timers run on it, so they see what the board did, however fast the computer runs.</summary>
    public double Seconds => Runner.Board.NowMicroseconds / 1e6;   // a 64-bit read is whole on the PCs this runs on

    /// <inheritdoc />
    public int Read(byte[] buffer, int offset, int count)
    {
        Advance();
        return _port.HostRead(buffer, offset, count);
    }

    private void Advance()
    {
        lock (Runner.Gate)
        {
            Runner.RunFor(0.005);
            Step?.Invoke(Runner);
        }
    }

    /// <inheritdoc />
    public void Pause(int milliseconds)
    {
        long until = Runner.Board.NowMicroseconds + milliseconds * 1000L;
        while (Runner.Board.NowMicroseconds < until) Advance();
    }

    /// <inheritdoc />
    public void Write(byte[] buffer, int offset, int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, _port.HostRoom);
            if (n == 0) { Advance(); continue; }
            _port.HostWrite(buffer, offset, n);
            offset += n;
            count -= n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Runner.ClosePort(_session);
}
