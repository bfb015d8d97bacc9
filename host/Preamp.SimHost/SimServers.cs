// Serves the simulated board to real tools: SCPI raw sockets on TCP, and a pseudo-terminal that serial tools open.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using PreampFirmware.Scpi;
using PreampFirmware.Sim;

namespace PreampFirmware.SimHost;

/// <summary>Moves bytes between one client and one paced host port of the simulated board.</summary>
internal static class Pump
{
    /// <summary>
    /// Hands <paramref name="count"/> bytes to the port no faster than its receive buffer takes them (flow control):
    /// the client's further bytes wait in the socket, and TCP holds the client back. Returns false when stopped.
    /// </summary>
    public static bool ClientToPort(SimSerialPort port, byte[] buffer, int count, CancellationToken stop)
    {
        int at = 0;
        while (at < count)
        {
            if (stop.IsCancellationRequested) return false;
            int room = port.HostRoom;
            if (room == 0) { Thread.Sleep(1); continue; }
            int n = Math.Min(room, count - at);
            port.HostWrite(buffer, at, n);
            at += n;
        }
        return true;
    }

    /// <summary>Copies port → client until <paramref name="stop"/>; returns when the client write fails.</summary>
    public static void PortToClient(SimSerialPort port, Action<byte[], int> write, CancellationToken stop)
    {
        var buffer = new byte[16384];
        while (!stop.IsCancellationRequested)
        {
            int n = port.HostRead(buffer, 0, buffer.Length);
            if (n == 0) { Thread.Sleep(1); continue; }
            write(buffer, n);
        }
    }
}

/// <summary>
/// The SCPI raw-socket server (the instrument convention is port 5025): every client gets its own session,
/// error queue and paced link on the same board, with flow control (a client that sends faster than the board reads
/// is held back by TCP, and loses nothing). A client that hangs up has every complete line it sent carried out; one
/// that only shuts down its sending side also gets the answers, then the connection closes.
/// </summary>
public sealed class SimTcpServer : IDisposable
{
    private readonly SimRunner _runner;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly double _linkErrors;
    private readonly int? _baud;
    private int _clients;

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public SimTcpServer(SimRunner runner, int port, double linkErrorRate = 0, int? baud = null)
    {
        _runner = runner;
        _baud = baud;
        _linkErrors = linkErrorRate;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = "sim tcp accept" }.Start();
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = _listener.AcceptTcpClient(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            int id = Interlocked.Increment(ref _clients);
            new Thread(() => Serve(client, id)) { IsBackground = true, Name = "sim tcp client " + id }.Start();
        }
    }

    private void Serve(TcpClient client, int id)
    {
        client.NoDelay = true;
        var port = _runner.OpenPort(out ScpiSession session, _baud);
        if (_linkErrors > 0) port.SetLinkErrors(_linkErrors, 1000 + id);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var stream = client.GetStream();
        var writer = new Thread(() =>
        {
            try { Pump.PortToClient(port, (b, n) => stream.Write(b, 0, n), done.Token); }
            catch (Exception) { done.Cancel(); }
        }) { IsBackground = true };
        writer.Start();
        var buffer = new byte[4096];
        bool halfClosed = false;
        try
        {
            while (!done.IsCancellationRequested)
            {
                int n = stream.Read(buffer, 0, buffer.Length);
                if (n <= 0) { halfClosed = true; break; }
                if (!Pump.ClientToPort(port, buffer, n, done.Token)) break;
            }
        }
        catch (Exception)
        {
        }
        _runner.ClosePort(session);
        // A client that only shut down its sending side (echo '*IDN?' | socat -, shutdown(SHUT_WR)) still reads: its
        // lines are carried out and their answers sent before the connection closes.
        if (halfClosed) WaitForLastAnswers(port, done.Token);
        done.Cancel();
        writer.Join(1000);
        client.Dispose();
    }

    /// <summary>Longest wait for the answers of a client that stopped sending, s (a stalled reader gets no more).</summary>
    public const double LastAnswersSeconds = 10;

    /// <summary>Waits until the session of <paramref name="port"/> has run every line it got and every byte it wrote has gone to the client.</summary>
    private void WaitForLastAnswers(SimSerialPort port, CancellationToken stop)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && watch.Elapsed.TotalSeconds < LastAnswersSeconds)
        {
            if (_runner.SessionOf(port) == null && port.HostUnread == 0) return;
            Thread.Sleep(2);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}

/// <summary>
/// A pseudo-terminal whose slave side (/dev/pts/N) behaves like the board's serial port: raw mode, bytes paced
/// at the board's baud rate, no flow control (the board wires only TX and RX), so a host that sends faster than the
/// board reads overruns its receive buffer, which the board reports (-363). The slave stays open here too, so
/// clients may come and go.
/// </summary>
public sealed class SimPtyServer : IDisposable
{
    private readonly SimRunner _runner;
    private readonly int _master;
    private readonly int _slave;
    private readonly FileStream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly SimSerialPort _port;
    private readonly ScpiSession _session;

    [DllImport("libc", SetLastError = true)] private static extern int openpty(out int master, out int slave, IntPtr name, IntPtr termp, IntPtr winp);
    [DllImport("libc", SetLastError = true)] private static extern IntPtr ttyname(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int tcgetattr(int fd, byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int tcsetattr(int fd, int actions, byte[] termios);
    [DllImport("libc")] private static extern void cfmakeraw(byte[] termios);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);

    /// <summary>Opens a pseudo-terminal served by a new session of <paramref name="runner"/>.</summary>
    public SimPtyServer(SimRunner runner, double linkErrorRate = 0, int? baud = null)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) throw new PlatformNotSupportedException("--pty needs Linux or macOS");
        _runner = runner;
        if (openpty(out _master, out _slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero) != 0)
            throw new IOException("openpty failed: errno " + Marshal.GetLastWin32Error());
        var termios = new byte[256];
        if (tcgetattr(_slave, termios) == 0)
        {
            cfmakeraw(termios);
            tcsetattr(_slave, 0, termios);
        }
        Path = Marshal.PtrToStringAnsi(ttyname(_slave));
        _stream = new FileStream(new SafeFileHandle((IntPtr)_master, ownsHandle: true), FileAccess.ReadWrite, 1, isAsync: false);
        _port = runner.OpenPort(out _session, baud);
        if (linkErrorRate > 0) _port.SetLinkErrors(linkErrorRate, 77);
        new Thread(ReadLoop) { IsBackground = true, Name = "sim pty read" }.Start();
        new Thread(() =>
        {
            try { Pump.PortToClient(_port, (b, n) => { _stream.Write(b, 0, n); _stream.Flush(); }, _stop.Token); }
            catch (Exception) { }
        }) { IsBackground = true, Name = "sim pty write" }.Start();
    }

    /// <summary>The device path serial tools open, e.g. /dev/pts/4.</summary>
    public string Path { get; }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try { n = _stream.Read(buffer, 0, buffer.Length); }
            catch (Exception) { return; }
            if (n <= 0) { Thread.Sleep(5); continue; }
            _port.HostWrite(buffer, 0, n);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _runner.ClosePort(_session);
        close(_slave);
        _stream.Dispose();
    }
}
