// The link through real transports: System.IO.Ports on a pseudo-terminal, TCP sessions, and real third-party
// clients (PyVISA, pyserial, numpy) against the `preamp sim` process, as users will run them.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using PreampFirmware.Client;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>Skipped on a developer machine without Debian's python3-pyvisa-py, python3-serial, python3-numpy, sox and socat; required under CI (.ci/run installs them).</summary>
public sealed class PythonClientsFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public PythonClientsFactAttribute()
    {
        if (Available() || Environment.GetEnvironmentVariable("CI") == "true") return;
        Skip = "needs " + Python + " with pyvisa, pyvisa-py, pyserial and numpy, sox, socat and PulseAudio (apt-get install python3-pyvisa-py python3-serial python3-numpy sox socat pulseaudio pulseaudio-utils)";
    }

    public static bool Available()
    {
        if (!File.Exists(Python) || !File.Exists("/usr/bin/sox") || !File.Exists("/usr/bin/socat") || !File.Exists("/usr/bin/pulseaudio") || !File.Exists("/usr/bin/parec")) return false;
        try
        {
            using var p = Process.Start(new ProcessStartInfo(Python, "-c \"import pyvisa, pyvisa_py, serial, numpy\"") { RedirectStandardError = true, RedirectStandardOutput = true });
            p!.WaitForExit(20000);
            return p.ExitCode == 0;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(5)]
public class RealClientTests
{
    private static (SimRunner, CancellationTokenSource, Thread) StartRealTime()
    {
        var runner = new SimRunner();
        var stop = new CancellationTokenSource();
        var t = new Thread(() => runner.RunRealTime(stop.Token)) { IsBackground = true };
        t.Start();
        return (runner, stop, t);
    }

    [Fact]
    public void SystemIOPortsTalksToThePseudoTerminal()
    {
        var (runner, stop, thread) = StartRealTime();
        try
        {
            using var pty = new SimPtyServer(runner);
            Assert.StartsWith("/dev/pts/", pty.Path);
            using var link = new PreampLink(new SerialTransport(pty.Path, 921600));
            Assert.StartsWith("PreampFirmware,", link.Query("*IDN?"));
            link.Send("NOT:A:COMMAND");
            Assert.StartsWith("-113,", link.Query("SYST:ERR?"));
            Assert.Equal("0,\"No error\"", link.Query("SYST:ERR?"));
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }
    }

    [Fact]
    public void EachTcpClientHasItsOwnSessionOnTheSameBoard()
    {
        var (runner, stop, thread) = StartRealTime();
        try
        {
            using var server = new SimTcpServer(runner, 0);
            using var a = new PreampLink(new TcpTransport("127.0.0.1", server.Port));
            using var b = new PreampLink(new TcpTransport("127.0.0.1", server.Port));
            a.Command("INPut2:GAIN 42");
            a.Send("NOPE");
            Assert.Equal("42", b.Query("INP2:GAIN?"));                    // same board
            Assert.Equal("0,\"No error\"", b.Query("SYST:ERR?"));        // own error queue
            Assert.StartsWith("-113,", a.Query("SYST:ERR?"));
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }
    }

    /// <summary>
    /// A client that sends its lines and shuts down its sending side (what `echo '*IDN?' | socat - TCP:...` and Python's
    /// shutdown(SHUT_WR) do) gets every answer, and then the connection closes.
    /// </summary>
    [Fact]
    public void AHalfClosedTcpClientGetsItsAnswersThenTheConnectionCloses()
    {
        var (runner, stop, thread) = StartRealTime();
        try
        {
            using var server = new SimTcpServer(runner, 0);
            using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            s.Connect(System.Net.IPAddress.Loopback, server.Port);
            s.Send(System.Text.Encoding.ASCII.GetBytes("*IDN?\nNOT:A:COMMAND\nSYST:ERR?\n"));
            s.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            s.ReceiveTimeout = 15000;
            var got = new MemoryStream();
            var buffer = new byte[4096];
            int n;
            while ((n = s.Receive(buffer)) > 0) got.Write(buffer, 0, n);   // ends when the server closes
            var lines = System.Text.Encoding.ASCII.GetString(got.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("PreampFirmware,", lines[0]);
            Assert.StartsWith("-113,", lines[1]);
        }
        finally
        {
            stop.Cancel();
            thread.Join();
        }
    }

    [Fact]
    public void InProcessCaptureWritesTheRequestedLength()
    {
        using var link = new PreampLink(new VirtualTimeSimTransport());
        link.Command("SIM:SOUR1 SINE,1000,-40;:INP1:GAIN 30");
        string path = Path.Combine(Path.GetTempPath(), "preamp-capture-" + Guid.NewGuid().ToString("N") + ".wav");
        try
        {
            var result = Capture.Run(link, 0.5, path, 48000, new[] { 1, 2 });
            Assert.Equal(24000, result.Frames);
            Assert.Equal(44 + 24000 * 6, new FileInfo(path).Length);
            Assert.False(result.AnyLoss);
            Assert.StartsWith("nothing lost", result.LossReport);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
