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

    [PythonClientsFact]
    public void PyVisaPySerialAndNumpyAgainstThePreampSimProcess() => RunCheck("host_link_check.py", "all host link checks passed");

    [PythonClientsFact]
    public void ChannelControlAndPanelThroughAVisaClient() => RunCheck("channel_control_check.py", "all channel control checks passed");

    [PythonClientsFact]
    public void CalibrationOfASeed7BoardThroughTheToolAndAVisaClient() => RunCheck("calibration_check.py", "all calibration checks passed");

    [PythonClientsFact]
    public void AutoGainClipSafeAndCompensationThroughAVisaClient() => RunCheck("auto_gain_check.py", "all auto gain checks passed");

    /// <summary>
    /// Rev B from outside: a 60 s capture at 48 kHz over the pseudo-terminal that sox reads back as 48000 Hz, 2 channels,
    /// 24-bit, 60.00 s with nothing lost; tones from 20 Hz to 20 kHz within ±0.2 dB; a 30 kHz tone folded to 18 kHz at
    /// least 60 dB down; a board too slow for its rate whose DMA losses the host fills exactly.
    /// </summary>
    [PythonClientsFact]
    public void RevBRecordsFlat24Bit48kAndAccountsForEveryDroppedFrame() => RunCheck("rev_b_check.py", "all rev B checks passed");

    /// <summary>SIMulation:FAULt from PyVISA: each fault injected, reported as a board shows it, cleared; later sessions start clean.</summary>
    [PythonClientsFact]
    public void EveryFaultCanBeInjectedAndClearedFromAVisaClient() => RunCheck("fault_check.py", "all fault checks passed");

    /// <summary>
    /// The board as a desktop input: a real PulseAudio daemon sees the source `preamp` while `preamp source` runs, parec
    /// records the tone at the level the alignment predicts; capture to standard output pipes into sox as FLAC.
    /// </summary>
    [PythonClientsFact]
    public void TheBoardIsADesktopInputAndCapturesPipe() => RunCheck("desktop_audio_check.py", "all desktop audio checks passed");

    /// <summary>
    /// IEEE 488.2 status from PyVISA: *ESR? bits from their causes, *ESE/*SRE/*STB?, a failing query that answers nothing
    /// with its error queued and its bit set, MIN/MAX/DEF, ASCII errors, PON after a restart only for the sessions that saw it.
    /// </summary>
    [PythonClientsFact]
    public void StatusReportingAsAVisaScriptUsesIt() => RunCheck("status_check.py", "all status checks passed");

    /// <summary>
    /// Nothing silent, nothing stuck, from outside: socat and a half-closed socket get their answers; a capture during which
    /// the converter stopped exits 1 with the board's -240 and CONVERTER; captures over --link-errors 1e-5 (TCP and the
    /// pseudo-terminal) and through 2 s of LINK,DAMAGE run their whole length, exit 2, with every filled range a cue point
    /// and a line of take.wav.gaps.json, and sox reads them; a raw client that stops reading for 30 s finds every frame
    /// accounted for; the panel says rev B; the README's first example prints a settled meter.
    /// </summary>
    [PythonClientsFact]
    public void NothingSilentNothingStuckWithRealClients() => RunCheck("nothing_silent_check.py", "all nothing-silent checks passed");

    /// <summary>
    /// One board, every tool at once: `preamp hub` on the simulator's pseudo-terminal; the panel in headless Chromium,
    /// `preamp source` with parec, an 8 s capture, a capture paused 4 s with SIGSTOP and a PyVISA script all at the same
    /// time. The capture is whole with nothing lost, parec hears input 1 at the capture's level, the panel shows PyVISA's
    /// gain, PyVISA's queue holds only its own error, the paused capture reports exactly the blocks the hub dropped for it,
    /// and a second hub on the port exits 1 in one line naming the first. (The 30 s / 20 s: see the script.)
    /// </summary>
    [PythonClientsFact]
    public void EveryToolAtOnceThroughTheHub() => RunCheck("hub_check.py", "all hub checks passed");

    /// <summary>Runs one of tests/e2e/*.py against the built preamp tool and fails with its output.</summary>
    private static void RunCheck(string script, string success)
    {
        string dll = Tools.BuiltDll(Path.Combine("host", "Preamp.Cli"), "preamp.dll");
        string work = Directory.CreateTempSubdirectory("preamp-e2e").FullName;
        try
        {
            string output = Tools.Run(PythonClientsFactAttribute.Python, RepoPaths.Combine("tests", "e2e"), 400_000,
                script, "--preamp", "dotnet " + dll, "--workdir", work);
            Assert.Contains(success, output);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }
}
