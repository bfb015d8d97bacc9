// `preamp hub` in process: a simulated board paced to real time behind a HubServer, clients on its socket.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using PreampFirmware.Client;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>A board link that can be pulled out: reads fail and bytes the board sends are lost (in the USB bridge) until it is back.</summary>
internal sealed class Plug
{
    private readonly SimPortTransport _port;
    private volatile bool _out;
    private Thread _bridge;

    public Plug(SimRunner runner) => _port = new SimPortTransport(runner);

    public IByteTransport Open()
    {
        if (_out) throw new IOException("no such device");
        return new Socket(this);
    }

    public void Pull()
    {
        _out = true;
        var buffer = new byte[65536];
        _bridge = new Thread(() => { while (_out) _port.Read(buffer, 0, buffer.Length); }) { IsBackground = true };
        _bridge.Start();
    }

    public void PutBack()
    {
        _out = false;
        _bridge.Join();
    }

    private sealed class Socket : IByteTransport
    {
        private readonly Plug _plug;
        public Socket(Plug plug) => _plug = plug;
        public string Description => "plugged simulated board";
        public int Read(byte[] buffer, int offset, int count) => _plug._out ? throw new IOException("the device was removed") : _plug._port.Read(buffer, offset, count);
        public void Write(byte[] buffer, int offset, int count) { if (!_plug._out) _plug._port.Write(buffer, offset, count); }
        public void Dispose() { }
    }
}

[Trait(RealTime.Category, RealTime.Name), TakesSeconds(12)]
public sealed class HubTests : IDisposable
{
    private readonly SimRunner _runner = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _board;
    private readonly Plug _plug;
    private readonly HubServer _hub;
    private readonly List<PreampLink> _links = new();

    public HubTests()
    {
        _board = new Thread(() => _runner.RunRealTime(_stop.Token)) { IsBackground = true };
        _board.Start();
        _plug = new Plug(_runner);
        _hub = new HubServer(_plug.Open, 0);
        _hub.Start();
        Until(() => _hub.BoardConnected, "the hub connects");
    }

    public void Dispose()
    {
        foreach (var l in _links) l.Dispose();
        _hub.Dispose();
        _stop.Cancel();
        _board.Join();
    }

    private PreampLink Client(string name)
    {
        var link = PreampLink.ThroughHub(new HubInfo(Environment.ProcessId, _hub.Port, "test"), name);
        _links.Add(link);
        Assert.Equal("1", link.Query("*OPC?"));
        return link;
    }

    private static void Until(Func<bool> condition, string what, double seconds = 10)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, "timed out waiting until " + what);
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void TwoClientsHaveTheirOwnErrorQueuesAndAnIdleOneHearsADeviceError()
    {
        var script = Client("script");
        var idle = Client("panel");
        script.Send("INPut2:VOLUME 3");
        script.Send("*OPC");
        Assert.Equal("-113,\"Undefined header;INPut2:VOLUME\"", script.Query("SYSTem:ERRor?"));
        Assert.Equal("33", script.Query("*ESR?"));
        Assert.Equal("0,\"No error\"", idle.Query("SYSTem:ERRor?"));
        Assert.Equal("0", idle.Query("*ESR?"));
        script.Send("SIMulation:FAULt GAINBUS,STUCK1");                       // the gain chain stops answering: a device error
        Until(() => script.Query("SYSTem:ERRor:COUNt?") != "0", "the script's session hears the fault");
        Assert.StartsWith("-240,", idle.Query("SYSTem:ERRor?"));               // idle all along, it heard it too
        var later = Client("later");
        Assert.Equal("0,\"No error\"", later.Query("SYSTem:ERRor?"));         // connected afterwards: a condition, not an event
        Assert.Contains("GAINCHAIN", later.Query("SYSTem:CONDition?"));
    }

    [Fact]
    public void AStalledConsumerLosesWholeBlocksCountedExactlyAndTheOthersNothing()
    {
        _hub.ClientQueueBytes = 40_000;                                         // about 0.13 s of the stream
        using var stalled = new TcpClient { ReceiveBufferSize = 8192 };
        stalled.Connect("127.0.0.1", _hub.Port);
        var raw = stalled.GetStream();
        raw.Write(Encoding.ASCII.GetBytes("STReam:STARt\n"));                   // it starts the stream, then reads nothing
        var reader = Client("capture");
        var timeline = new SampleTimeline { JoinsRunningStream = reader.Query("STReam:ACTive?") == "1" };
        Assert.True(timeline.JoinsRunningStream);
        reader.BlockReceived += b => { lock (timeline) timeline.Accept(b); };
        reader.Command("STReam:STARt");
        Thread.Sleep(2000);
        var mine = _hub.Clients.Single(c => !c.Name.StartsWith("capture"));
        Assert.True(mine.BlocksDropped > 10, "blocks dropped for the stalled client: " + mine.BlocksDropped);

        // It reads again: its decoder finds exactly the blocks the hub dropped for it.
        var decoder = new StreamDecoder();
        var own = new SampleTimeline();
        decoder.Block += own.Accept;
        var buffer = new byte[65536];
        raw.ReadTimeout = 300;
        var until = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < until) decoder.Feed(buffer, 0, raw.Read(buffer, 0, buffer.Length));
        raw.Write(Encoding.ASCII.GetBytes("STReam:STOP\n"));
        try { while (true) decoder.Feed(buffer, 0, raw.Read(buffer, 0, buffer.Length)); }
        catch (IOException) { }                                                 // quiet for 300 ms: everything sent has come
        Assert.Equal(mine.BlocksDropped, own.MissingBlocks);
        Assert.Equal(mine.FramesDropped, own.MissingBlockFrames);
        Assert.Equal(0, own.DamagedBlocks);
        lock (timeline)
        {
            Assert.True(timeline.BlocksReceived > 100, "the other consumer got " + timeline.BlocksReceived + " blocks");
            Assert.False(timeline.AnyLoss, "the other consumer lost nothing: " + timeline.Report());
        }
        Assert.Equal(0, _hub.Clients.Single(c => c.Name.StartsWith("capture")).BlocksDropped);
    }

    [Fact]
    public void WhatChangesTheStreamForEveryoneIsRefusedNamingTheOtherConsumers()
    {
        var capture = Client("capture (pid 4711)");
        var panel = Client("ui (pid 4712)");
        capture.Command("STReam:STARt");
        panel.Command("STReam:STARt");
        var script = Client("script");
        script.Send("STReam:RATE 44100");
        Assert.Equal("-221,\"Settings conflict;the stream also feeds capture (pid 4711), ui (pid 4712): a new rate would change it for them\"", script.Query("SYSTem:ERRor?"));
        capture.Send("*RST");
        Assert.Equal("-221,\"Settings conflict;the stream also feeds ui (pid 4712): *RST would stop it for them\"", capture.Query("SYSTem:ERRor?"));
        Until(() => _hub.Clients.Count(c => c.Takes) == 2, "the hub knows both consumers");
        capture.Command("STReam:STOP");
        Until(() => _hub.Clients.Count(c => c.Takes) == 1, "one consumer left");
        Assert.Equal("1", script.Query("STReam:ACTive?"));                    // the panel still meters
    }

    [Fact]
    public void TheBoardGoingAwayIsToldToEveryClientAndACaptureMarksTheGap()
    {
        var idle = Client("idle");
        var capture = Client("capture");
        string said = null;
        idle.HubNoticeReceived += n => said ??= n;
        CaptureResult result = null;
        var run = new Thread(() => result = Capture.Run(capture, 3.0, (r, n, f) => new NullSink(), "test", null, new[] { 1, 2 }));
        run.Start();
        Thread.Sleep(1200);
        _plug.Pull();
        Until(() => idle.BoardAway && capture.BoardAway, "every client is told");
        Assert.StartsWith("board gone: the device was removed", said);
        idle.Timeout = TimeSpan.FromSeconds(0.3);
        Assert.Contains("the board is away", Assert.Throws<PreampException>(() => idle.Query("*IDN?")).Message);
        idle.Timeout = TimeSpan.FromSeconds(3);
        var newcomer = PreampLink.ThroughHub(new HubInfo(Environment.ProcessId, _hub.Port, "test"), "newcomer");   // comes while the board is away
        _links.Add(newcomer);
        Thread.Sleep(1000);
        _plug.PutBack();
        Until(() => !idle.BoardAway, "the board is back");
        Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the capture ends");
        Assert.Null(result.EndedEarly);
        Assert.Equal(3 * 48000, result.Frames);
        Assert.Equal(0, result.TailSilence);
        long marked = result.Filled.Sum(f => f.Frames);
        Assert.True(marked > 0.5 * 48000 && marked < 3 * 48000, "the gap is marked: " + marked + " frames in " + result.Filled.Count + " ranges");
        Assert.Equal("0", idle.Query("*ESR?"));                                // the board kept its sessions: nothing restarted
        Assert.Equal("0", newcomer.Query("*ESR?"));                            // opened afresh once the board was back: no PON
        Assert.Equal("0,\"No error\"", newcomer.Query("SYSTem:ERRor?"));
    }

    [Fact]
    public void ARestartTheHubDetectsGivesPowerOnToEveryClientAndTheStreamGoesOn()
    {
        var idle = Client("idle");
        var capture = Client("capture");
        CaptureResult result = null;
        var run = new Thread(() => result = Capture.Run(capture, 3.0, (r, n, f) => new NullSink(), "test", null, new[] { 1, 2 }));
        run.Start();
        Thread.Sleep(1200);
        _runner.PowerCycle();
        Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the capture ends");
        Assert.Null(result.EndedEarly);
        Assert.Equal(3 * 48000, result.Frames);
        Assert.True(result.Filled.Count > 0, "the restart's gap is marked");
        Assert.Equal("128", idle.Query("*ESR?"));                              // PON: it was connected when the board restarted
        Assert.Equal("0", Client("later").Query("*ESR?"));
    }

    [Fact]
    public void AWebPagesRequestToTheScpiPortReachesNothing()
    {
        var script = Client("script");
        using var page = new TcpClient();
        page.Connect("127.0.0.1", _hub.Port);
        // What a browser sends for a cross-site form post with a text/plain body to http://127.0.0.1:5025/.
        page.GetStream().Write(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: 127.0.0.1:5025\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\n\r\nINP1:GAIN 40\nINP1:PHAN ON\n"));
        page.GetStream().ReadTimeout = 5000;
        Assert.Equal(0, page.GetStream().Read(new byte[16], 0, 16));           // closed at once
        Thread.Sleep(200);
        Assert.Equal("0", script.Query("INPut1:GAIN?"));
        Assert.Equal("0", script.Query("INPut1:PHANtom?"));
        Assert.Equal("1", script.Query("*OPC?"));
    }

    [Fact]
    public void TheRendezvousLeadsEveryToolToTheHubAndASecondHubIsRefusedInOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("preamp-hub-rdv").FullName;
        Environment.SetEnvironmentVariable("PREAMP_HUB_DIR", dir);
        try
        {
            const string port = "/dev/preamp-test-board";
            Assert.Null(HubRendezvous.Find(port));
            using (var held = HubLock.Take(port))
            {
                held.Publish(_hub.StatusJson(port));
                Assert.Equal(new HubInfo(Environment.ProcessId, _hub.Port, port), HubRendezvous.Find(port));
                using var link = PreampLink.Open(port, 4_000_000, false, "status (pid 1)");
                Assert.NotNull(link.Hub);
                Assert.StartsWith("PreampFirmware", link.Query("*IDN?"));
                var e = Assert.Throws<PreampException>(() => HubLock.Take(port));
                Assert.DoesNotContain('\n', e.Message);
                Assert.Contains("pid " + Environment.ProcessId, e.Message);
                Assert.Contains("127.0.0.1:" + _hub.Port, e.Message);
                Until(() => HubStatusText.Lines(_hub.StatusJson(port)).Any(l => l.Contains("status (pid 1)")), "the hub lists the client");
            }
            Assert.Null(HubRendezvous.Find(port));                               // the lock went with the hub: tools open the port themselves again
            Assert.Throws<IOException>(() => PreampLink.Open(port, 4_000_000, false));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PREAMP_HUB_DIR", null);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TheHubHoldsASerialPortWithAFlockAndAUucpLockFileThatOtherProgramsMeet()
    {
        using var pty = new SimPtyServer(_runner);
        string lck = ExclusiveSerialTransport.UucpPath(pty.Path);
        File.WriteAllText(lck, "         1\n");                                  // minicom or cu (any live process) holds it by lock file
        Assert.Contains("held by process 1", Assert.Throws<IOException>(() => new ExclusiveSerialTransport(pty.Path, 4_000_000)).Message);
        File.Delete(lck);
        using (var held = new ExclusiveSerialTransport(pty.Path, 4_000_000))
        {
            Assert.Equal(lck, held.UucpLockFile);
            Assert.Equal(Environment.ProcessId.ToString().PadLeft(10) + "\n", File.ReadAllText(lck));   // HDB UUCP: the holder's pid
            var e = Assert.Throws<IOException>(() => new ExclusiveSerialTransport(pty.Path, 4_000_000));
            Assert.Contains("exclusive lock", e.Message);
        }
        Assert.False(File.Exists(lck));                                          // released with the port
        using var again = new ExclusiveSerialTransport(pty.Path, 4_000_000);     // and free to take again
    }

    private sealed class NullSink : ISampleSink
    {
        public void Write(int[][] channels, int offset, int count) { }
        public void Dispose() { }
    }
}
