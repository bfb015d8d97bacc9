// `preamp hub`: one process owns the board's link; every other tool, the panel and SCPI scripts go through it.
using System;
using System.CommandLine;
using System.Threading;
using PreampFirmware.Client;

namespace PreampFirmware.Cli;

/// <summary>The hub command: serve the board on a SCPI socket to many clients, optionally as the desktop's audio input.</summary>
public static class HubCommand
{
    /// <summary>The hub's SCPI port when --tcp is not given: the SCPI raw-socket convention.</summary>
    public const int DefaultScpiPort = 5025;

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var tcp = new Option<int?>("--tcp") { Description = "Serve SCPI on 127.0.0.1:PORT (default 5025; 0 picks a free port)" };
        var source = new Option<bool>("--source") { Description = "Also make the board the desktop's audio input 'preamp' (as `preamp source` does) for as long as the hub runs" };
        var status = new Option<bool>("--status") { Description = "Show the hub that holds --port: the board's state and the hub's clients, then exit" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this long (default: until Ctrl-C or SIGTERM)" };
        var c = new Command("hub", "Own the board's link and serve it to every tool at once: a SCPI socket where each client has its own session, " +
                                   "the stream fanned out to each consumer; `ui`, `source`, `capture`, `meter`, `status`, `scpi` and `calibrate` given the same --port go through it")
            { tcp, source, status, seconds };
        c.SetAction(r => Program.Guard(() =>
        {
            string port = r.GetValue(Program.PortOption);
            bool sim = r.GetValue(Program.SimOption);
            if (string.IsNullOrEmpty(port) && !sim) return Program.Fail("hub: give --port <serial device | tcp://host:port> (or --sim)");
            if (sim) port ??= "sim";
            if (r.GetValue(status)) return ShowStatus(port);
            return Run(port, sim, r.GetValue(Program.BaudOption), r.GetValue(tcp) ?? DefaultScpiPort, r.GetValue(source), r.GetValue(seconds));
        }));
        return c;
    }

    private static int ShowStatus(string port)
    {
        var hub = HubRendezvous.Find(port);
        string json = hub == null ? null : HubRendezvous.ReadStatus(port);
        if (json == null) return Program.Fail("no preamp hub holds " + port + " (" + HubRendezvous.LockPath(port) + " is not locked)");
        foreach (var line in HubStatusText.Lines(json)) Console.WriteLine(line);
        return 0;
    }

    private static int Run(string port, bool sim, int baud, int scpiPort, bool source, double? seconds)
    {
        using var hubLock = HubLock.Take(port);
        if (baud <= 0) return Program.Fail("--baud must be a positive number of bits per second, got " + baud);
        Func<IByteTransport> open;
        if (sim) open = () => new InProcessSimTransport();
        else if (port.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase)) open = () => PreampLink.OpenTransport(port, baud);   // the simulator's socket (several sessions there, but one link here)
        else
        {
            // A real board comes back on its device path; a pseudo-terminal's number goes to the next program that asks for
            // one, so the hub never opens a pty path a second time (it could be someone else's terminal).
            bool opened = false;
            open = () =>
            {
                if (opened && port.StartsWith("/dev/pts/", StringComparison.Ordinal))
                    throw new System.IO.IOException("a pseudo-terminal does not come back: start the hub again on the simulator's new one");
                var t = new ExclusiveSerialTransport(port, baud);
                opened = true;
                return t;
            };
        }
        HubServer server;
        try
        {
            server = new HubServer(open, scpiPort);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return Program.Fail("127.0.0.1:" + scpiPort + " cannot be served (" + e.Message + "): another program (a `preamp sim`?) uses it; give the hub another one with --tcp N");
        }
        using (server)
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var hup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; stop.Cancel(); });
            if (seconds is double limit && limit > 0) stop.CancelAfter(TimeSpan.FromSeconds(limit));
            object publishGate = new();
            void Publish()
            {
                lock (publishGate)
                {
                    try { hubLock.Publish(server.StatusJson(port)); }
                    catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException) { Console.Error.WriteLine("hub: cannot write its status: " + e.Message); }
                }
            }
            Publish();
            server.Changed += Publish;
            server.Said += text => Console.WriteLine("hub: " + text);
            server.Start();
            Console.WriteLine("hub: " + port + " is served on tcp 127.0.0.1:" + server.Port + " (TCPIP::127.0.0.1::" + server.Port + "::SOCKET), one session per client");
            Console.WriteLine("hub: tools given --port " + port + " go through it; its lock and status: " + HubRendezvous.LockPath(port) + ", " + HubRendezvous.InfoPath(port));
            Console.WriteLine("ready (Ctrl+C stops)");
            Console.Out.Flush();
            Thread sourceThread = null;
            if (source)
            {
                sourceThread = new Thread(() => RunSource(port, server.Port, stop.Token)) { IsBackground = true, Name = "hub desktop source" };
                sourceThread.Start();
            }
            while (!stop.Token.WaitHandle.WaitOne(1000)) Publish();
            sourceThread?.Join(5000);
        }
        return 0;
    }

    /// <summary>The desktop source through the hub's own socket, started again if it ends while the hub runs.</summary>
    private static void RunSource(string port, int scpiPort, CancellationToken stop)
    {
        var hub = new HubInfo(Environment.ProcessId, scpiPort, port);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var link = PreampLink.ThroughHub(hub, "source (hub pid " + Environment.ProcessId + ")");
                var result = DesktopSource.Run(link, "preamp", null, new[] { 1, 2 }, stop,
                    module => Console.WriteLine("hub: the board is the desktop's input 'preamp' (module " + module + ")"));
                Console.WriteLine("hub: the input 'preamp' ended: " + (result.Lost ?? "stopped") + "; " +
                                  (result.Timeline.AnyLoss ? "lost audio: " + result.Timeline.Report(0) : "nothing lost"));
            }
            catch (Exception e) when (e is PreampException or System.IO.IOException or System.Net.Sockets.SocketException or FormatException)
            {
                Console.WriteLine("hub: the desktop input is not available: " + e.Message);
            }
            stop.WaitHandle.WaitOne(2000);
        }
    }
}
