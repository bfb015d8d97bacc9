// The `preamp` command-line tool.
using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.IO.Ports;
using System.Linq;
using System.Threading;
using PreampFirmware.Client;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Spectre.Console;

namespace PreampFirmware.Cli;

public static class Program
{
    /// <summary>The simulator's SCPI port when no other is asked for: beside the hub's 5025 (<see cref="HubCommand.DefaultScpiPort"/>).</summary>
    public const int SimDefaultTcpPort = 5026;
    private static readonly Option<string> s_port = new("--port") { Description = "Serial device (/dev/ttyUSB0, COM3) or tcp://host:port", Recursive = true };
    private static readonly Option<int> s_baud = new("--baud") { Description = "Baud rate of a serial device (the simulator's link speed for `sim`)", DefaultValueFactory = _ => PreampFirmware.Hal.BoardRevB.HostBaud, Recursive = true };
    private static readonly Option<bool> s_sim = new("--sim") { Description = "Use a simulated board in this process", Recursive = true };

    public static int Main(string[] args)
    {
        var root = new RootCommand("preamp — control, meter, capture and calibrate a PreampFirmware board (or its simulator)");
        root.Add(s_port);
        root.Add(s_baud);
        root.Add(s_sim);
        root.Add(Ports());
        root.Add(Scpi());
        root.Add(Status());
        root.Add(Meter());
        root.Add(CaptureCommand());
        root.Add(SourceCommand());
        root.Add(UiCommand());
        root.Add(SimCommand());
        root.Add(Tour());
        root.Add(CalibrateCommand());
        root.Add(CalibrationCommand());
        root.Add(HubCommand.Create());
        root.Add(BringupCommand.Create(Connect, r => r.GetValue(s_sim) || (r.GetValue(s_port) ?? "").StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? 0 : r.GetValue(s_baud)));
        return root.Parse(args).Invoke();
    }

    /// <summary>The board's link from the options; through the hub when a `preamp hub` holds the port (named after this command).</summary>
    internal static PreampLink Connect(ParseResult r) =>
        PreampLink.Open(r.GetValue(s_port), r.GetValue(s_baud), r.GetValue(s_sim), r.CommandResult.Command.Name + " (pid " + Environment.ProcessId + ")");

    internal static Option<string> PortOption => s_port;
    internal static Option<int> BaudOption => s_baud;
    internal static Option<bool> SimOption => s_sim;

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("preamp: " + message);
        return 1;
    }

    /// <summary>Runs a command body; a device, link or file problem becomes a one-line message and exit code 1.</summary>
    internal static int Guard(Func<int> body, string prefix = "")
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is PreampException or CalibrationException or IOException or UnauthorizedAccessException
                                   or System.Net.Sockets.SocketException or System.Text.Json.JsonException or FormatException)
        {
            return Fail(prefix + e.Message);
        }
    }

    /// <summary>Parses --channels ("1,2", "2"); throws FormatException with a clear message.</summary>
    private static int[] ParseChannels(string list)
    {
        try
        {
            return list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new FormatException("--channels takes a list like 1,2");
        }
    }

    private static Command Ports()
    {
        var c = new Command("ports", "List the serial ports this computer has");
        c.SetAction(_ =>
        {
            var names = SerialPort.GetPortNames().OrderBy(n => n, StringComparer.Ordinal).ToArray();
            if (names.Length == 0) Console.WriteLine("no serial ports found");
            foreach (var n in names) Console.WriteLine(n);
            return 0;
        });
        return c;
    }

    private static Command Scpi()
    {
        var lines = new Argument<string[]>("lines") { Description = "Command lines; a line with '?' prints its answer", Arity = ArgumentArity.OneOrMore };
        var c = new Command("scpi", "Send SCPI lines and print the answers; device errors are printed and make the exit code 1") { lines };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                using var link = Connect(r);
                foreach (var line in r.GetValue(lines))
                {
                    if (line.Contains('?')) Console.WriteLine(link.Query(line));
                    else link.Send(line);
                }
                string restarted = BoardRestart.LinesUseEventRegister(r.GetValue(lines)) ? null : BoardRestart.Check(link);
                if (restarted != null) Console.Error.WriteLine("note: " + restarted);
                var errors = link.DrainErrors();
                foreach (var e in errors) Console.Error.WriteLine("error: " + e);
                return errors.Count == 0 ? 0 : 1;
            });
        });
        return c;
    }

    private static Command Status()
    {
        var c = new Command("status", "Show both channels");
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                using var link = Connect(r);
                var idn = link.Query("*IDN?");
                var table = new Table().Title(Markup.Escape(idn));
                table.AddColumns("Channel", "Gain dB", "Peak dBFS", "RMS dBFS", "Input dBu");
                for (int ch = 1; ch <= 2; ch++)
                {
                    string gain = link.Query("INPut" + ch + ":GAIN?");
                    var level = link.Query("MEASure:LEVel? " + ch).Split(',');
                    if (link.Query("INPut" + ch + ":MUTE?") == "1") level = new[] { "muted", "muted", "muted" };   // not the meter's floor of -200
                    table.AddRow(ch.ToString(CultureInfo.InvariantCulture), gain, level.ElementAtOrDefault(0) ?? "?", level.ElementAtOrDefault(1) ?? "?", level.ElementAtOrDefault(2) ?? "?");
                }
                AnsiConsole.Write(table);
                Console.WriteLine("stream: " + StreamState(link));
                string condition = link.Query("SYSTem:CONDition?");
                Console.WriteLine("board: " + BoardConditionText.Describe(condition));
                string restarted = BoardRestart.Check(link);
                if (restarted != null) Console.WriteLine("board: " + restarted);
                bool calibrated = link.Query("CALibration:STATe?") == "1";
                string alignment = link.Query("CALibration:ALIGnment?") == "SMPTE" ? "SMPTE RP155 (+4 dBu = −20 dBFS)" : "EBU R68 (0 dBu = −18 dBFS)";
                Console.WriteLine("calibration: " + (calibrated ? "loaded (" + ReferenceText(link.Query("CALibration:REFerence?")) + " reference)" : "none, nominal values") + "; alignment " + alignment);
                foreach (var e in link.DrainErrors()) Console.WriteLine("device error: " + e);
                return 0;
            });
        });
        return c;
    }

    /// <summary>CALibration:REFerence?'s "-40.00,1000" as "-40.00 dBu at 1000 Hz".</summary>
    private static string ReferenceText(string answer)
    {
        var parts = answer.Split(',');
        return parts.Length == 2 ? parts[0] + " dBu at " + parts[1] + " Hz" : answer;
    }

    /// <summary>The lowest baud rate whose link budget carries a stream at <paramref name="rate"/>.</summary>
    private static long MinimumBaud(SimRunner runner, int rate) =>
        (long)Math.Ceiling(runner.Firmware.StreamLink.BytesPerSecond(rate) * 100.0 / PreampFirmware.Streaming.StreamLink.LinkBudgetPercent) * 10;

    /// <summary>"running at 48000 S/s", "stopped; 48000 S/s (this link carries up to 48000)", or why this link cannot stream.</summary>
    private static string StreamState(PreampLink link)
    {
        string rate = link.Query("STReam:RATE?");
        string max = link.Query("STReam:RATE:MAXimum?");
        if (link.Query("STReam:ACTive?") == "1") return "running at " + rate + " S/s";
        if (max == "0") return "stopped; this link's baud rate cannot stream at any rate (the board's 4000000 baud carries 48000 S/s)";
        return "stopped; " + rate + " S/s (this link carries up to " + max + ")";
    }

    private static Command Meter()
    {
        var seconds = new Option<double>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var c = new Command("meter", "Live peak and RMS meters of both channels until stopped") { seconds };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                using var link = Connect(r);
                using var stop = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
                double limit = r.GetValue(seconds);
                if (limit > 0) stop.CancelAfter(TimeSpan.FromSeconds(limit));
                var table = new Table().AddColumns("Channel", "Peak dBFS", "RMS dBFS", "dBu", "");
                AnsiConsole.Live(table).Start(ctx =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        table.Rows.Clear();
                        for (int ch = 1; ch <= 2; ch++)
                        {
                            var v = link.Query("MEASure:LEVel? " + ch).Split(',');
                            if (link.Query("INPut" + ch + ":MUTE?") == "1")
                            {
                                table.AddRow(ch.ToString(CultureInfo.InvariantCulture), "muted", "muted", "muted", new string('·', 40));
                                continue;
                            }
                            double peak = double.Parse(v[0], CultureInfo.InvariantCulture);
                            int bar = (int)Math.Clamp((peak + 60) / 60 * 40, 0, 40);
                            string color = peak >= -0.5 ? "red" : peak >= -12 ? "yellow" : "green";
                            table.AddRow(ch.ToString(CultureInfo.InvariantCulture), v[0], v[1], v[2], "[" + color + "]" + new string('█', bar) + "[/]" + new string('·', 40 - bar));
                        }
                        ctx.Refresh();
                        stop.Token.WaitHandle.WaitOne(100);
                    }
                });
                return 0;
            });
        });
        return c;
    }

    private static Command CaptureCommand()
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of the recording", Required = true };
        var output = new Option<string>("--out") { Description = "WAV file to write (24-bit PCM)", Required = true };
        var rate = new Option<int?>("--rate") { Description = "Stream rate, S/s (default: the device's current rate)" };
        var channels = new Option<string>("--channels") { Description = "Channels to record, e.g. 1,2 or 2", DefaultValueFactory = _ => "1,2" };
        var compensate = new Option<bool>("--compensate") { Description = "Undo analog gain changes (clip safe, auto gain) in the file, referred to the lowest gain used" };
        var format = new Option<string>("--format") { Description = "wav (24-bit), or raw PCM for pipes: s24le, s32le (24 bits left-justified)", DefaultValueFactory = _ => SampleFormat.Wav };
        var c = new Command("capture", "Record the stream to a 24-bit WAV file, or to standard output with --out - ; lost or damaged frames become silence and are counted. " +
                                       "Exit code 0: every frame arrived; 2: the whole length, but some frames are silence standing in for lost ones; 1: an error, it ended early, " +
                                       "or the board reported a hardware fault during it (a converter that stopped)")
            { seconds, output, rate, channels, compensate, format };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                int[] list = ParseChannels(r.GetValue(channels));
                string fmt = r.GetValue(format);
                if (!SampleFormat.IsKnown(fmt)) return Fail("--format is wav, s24le or s32le, not " + fmt);
                string path = r.GetValue(output);
                bool toStdout = path == "-";
                // With the audio on standard output, everything said to a person goes to standard error.
                var say = toStdout ? Console.Error : Console.Out;
                var ui = toStdout ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
                using var link = Connect(r);
                using var stop = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
                using var stdout = toStdout ? Console.OpenStandardOutput() : null;
                Func<int, int, long, ISampleSink> open = (rateHz, n, frames) =>
                    toStdout ? SampleFormat.Open(fmt, stdout, rateHz, n, frames)
                             : fmt == SampleFormat.Wav ? new WavWriter(path, rateHz, n) : SampleFormat.Open(fmt, File.Create(path), rateHz, n, frames);
                CaptureResult result = null;
                ui.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("capturing " + (toStdout ? "to standard output" : path), maxValue: 1.0);
                        result = Capture.Run(link, r.GetValue(seconds), open, toStdout ? "standard output" : path, r.GetValue(rate), list, f => task.Value = f, stop.Token, r.GetValue(compensate),
                                             toStdout ? null : path);
                        task.Value = 1.0;
                    });
                say.WriteLine("wrote " + result.Path + ": " + result.Frames + " frames, " + (result.Frames / (double)result.Rate).ToString("0.000", CultureInfo.InvariantCulture)
                    + " s at " + result.Rate + " S/s, 24-bit" + (fmt == SampleFormat.Wav ? "" : " as " + fmt) + ", channels " + string.Join(",", result.Channels));
                say.WriteLine(result.LossReport);
                if (result.Filled.Count > 0)
                    say.WriteLine(toStdout ? "the " + result.Filled.Count + " filled ranges are not marked in a stream on standard output: capture to a file to get them as markers"
                                           : result.Filled.Count + " filled ranges marked" + (fmt == SampleFormat.Wav ? " as cue points in the file and" : "") + " in " + result.GapsPath);
                for (int i = 0; i < result.Channels.Length; i++)
                {
                    var (low, high) = result.GainRange[i];
                    if (low != high)
                        say.WriteLine("input " + result.Channels[i] + ": analog gain moved between " + low + " and " + high + " dB" + (result.Compensated ? "; compensated, file level referred to " + low + " dB" : " (add --compensate to undo it in the file)"));
                }
                foreach (var e in result.BoardErrors) say.WriteLine("device error during the recording: " + e);
                if (result.BoardCondition is string condition && condition != "NONE") say.WriteLine("board condition at the end: " + condition);
                if (result.BoardFault != null)
                    Fail("not a good take: " + result.BoardFault + "; the file holds what the stream carried, which is not what the inputs had");
                if (result.EndedEarly != null)
                    return Fail("the recording ended early: " + result.EndedEarly + "; the file holds the " + result.Frames + " of " + result.FramesRequested + " sample frames that came");
                if (result.BoardFault != null) return 1;
                if (result.TailSilence > 0)
                    return Fail("the recording is incomplete: its last " + result.TailSilence + " sample frames never came and are silence");
                return result.AnyLoss ? 2 : 0;
            });
        });
        return c;
    }

    private static Command UiCommand()
    {
        var listen = new Option<string>("--listen") { Description = "Address and port the page is served on (port 0 picks a free one)", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var remote = new Option<bool>("--allow-remote") { Description = "Allow an address other than loopback: anyone who reaches it can switch phantom power" };
        var tcp = new Option<int?>("--tcp") { Description = "With --sim: also serve the simulated board's SCPI on this TCP port (0 picks one)" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this long (default: until Ctrl-C)" };
        var c = new Command("ui", "Serve a control panel for the board in the browser: both inputs, meters, presets, errors") { listen, remote, tcp, seconds };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                if (!System.Net.IPEndPoint.TryParse(r.GetValue(listen), out var endpoint)) return Fail("--listen takes address:port, e.g. 127.0.0.1:8080");
                if (!System.Net.IPAddress.IsLoopback(endpoint.Address))
                {
                    if (!r.GetValue(remote)) return Fail("--listen " + endpoint + " is not loopback: add --allow-remote to serve the panel beyond this computer");
                    Console.Error.WriteLine("warning: the panel is served on " + endpoint + " without a password: anyone who reaches it can switch +48 V phantom power, which can damage a microphone that does not take it");
                }
                using var stop = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
                using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
                if (r.GetValue(seconds) is double limit && limit > 0) stop.CancelAfter(TimeSpan.FromSeconds(limit));
                // With --sim one simulated board serves the panel (and, with --tcp, SCPI clients); otherwise each (re)connection opens --port.
                SimRunner sim = r.GetValue(s_sim) ? new SimRunner() : null;
                SimTcpServer scpi = null;
                if (sim != null)
                {
                    new Thread(() => sim.RunRealTime(stop.Token)) { IsBackground = true, Name = "simulated board" }.Start();
                    if (r.GetValue(tcp) is int tcpPort)
                    {
                        scpi = new SimTcpServer(sim, tcpPort);
                        Console.WriteLine("tcp 127.0.0.1:" + scpi.Port);
                    }
                }
                else if (r.GetValue(tcp) != null) return Fail("--tcp serves the simulated board: use it with --sim");
                Func<PreampLink> connect = () => sim == null ? Connect(r) : new PreampLink(new SimPortTransport(sim));
                using var board = new PreampFirmware.Ui.BoardGateway(connect);
                var server = new PreampFirmware.Ui.UiServer(board, endpoint);
                string url = server.StartAsync().GetAwaiter().GetResult();
                Console.WriteLine("panel " + url);
                Console.WriteLine("ready (Ctrl+C stops)");
                stop.Token.WaitHandle.WaitOne();
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                scpi?.Dispose();
                return 0;
            });
        });
        return c;
    }

    private static Command SourceCommand()
    {
        var name = new Option<string>("--name") { Description = "Name of the input the sound server shows", DefaultValueFactory = _ => "preamp" };
        var rate = new Option<int?>("--rate") { Description = "Stream rate, S/s (default: the device's current rate)" };
        var channels = new Option<string>("--channels") { Description = "Channels of the input, e.g. 1,2 or 1", DefaultValueFactory = _ => "1,2" };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this long (default: until Ctrl-C)" };
        var c = new Command("source", "Make the board an audio input of the desktop (PulseAudio, or PipeWire's PulseAudio interface) while this runs; " +
                                      "every application can record from it. Ctrl-C ends it") { name, rate, channels, seconds };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                int[] list = ParseChannels(r.GetValue(channels));
                using var link = Connect(r);
                using var stop = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
                // SIGTERM and SIGHUP end it the way Ctrl-C does, so the sound server's module is always unloaded.
                using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
                using var hup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; stop.Cancel(); });
                if (r.GetValue(seconds) is double limit && limit > 0) stop.CancelAfter(TimeSpan.FromSeconds(limit));
                string inputName = r.GetValue(name);
                var result = DesktopSource.Run(link, inputName, r.GetValue(rate), list, stop.Token, module =>
                {
                    Console.WriteLine("the board is the input '" + inputName + "' of the sound server (module " + module + "), channels " + string.Join(",", list) + "; Ctrl-C ends it");
                    Console.WriteLine("raw input: gain changes made by clip safe or auto gain are in the signal (capture --compensate undoes them in files)");
                });
                Console.WriteLine("sent " + result.Frames + " sample frames; the input '" + inputName + "' is gone");
                Console.WriteLine(result.Timeline.AnyLoss ? "lost audio: " + result.Timeline.Report(0) : "nothing lost on the link: every sample frame arrived and checked out");
                if (result.DroppedForServer > 0)
                    Console.WriteLine(result.DroppedForServer + " sample frames were not taken by the sound server in time (no application was recording, or it fell behind) and were dropped here");
                if (result.Lost != null) return Fail("the input ended: " + result.Lost);
                return result.Timeline.AnyLoss ? 2 : 0;
            });
        });
        return c;
    }

    private sealed class ConsoleCalibrationUi : ICalibrationUi
    {
        private readonly bool _yes;
        private string _phase;
        private int _lastPercent = -1;

        public ConsoleCalibrationUi(bool yes) => _yes = yes;

        public bool Confirm(string instruction)
        {
            EndLine();
            if (_yes)
            {
                Console.WriteLine("» " + instruction + " [--yes]");
                return true;
            }
            if (Console.IsInputRedirected)
            {
                throw new CalibrationException("stdin is not a terminal; use --yes (the wizard asks before each step: \"" + instruction + "\")");
            }
            return AnsiConsole.Confirm(Markup.Escape(instruction) + " Continue?");
        }

        public void Progress(string phase, double fraction)
        {
            int percent = (int)Math.Round(fraction * 100);
            if (phase != _phase) { EndLine(); _phase = phase; _lastPercent = -1; }
            if (percent == _lastPercent) return;
            _lastPercent = percent;
            int filled = percent * 30 / 100;
            string bar = phase.PadRight(12) + " [" + new string('█', filled) + new string('·', 30 - filled) + "] " + percent.ToString(CultureInfo.InvariantCulture).PadLeft(3) + "%";
            if (!Console.IsOutputRedirected) Console.Write("\r" + bar);
            else if (percent % 25 == 0) Console.WriteLine(bar);
            if (percent == 100) EndLine();
        }

        public void Info(string message)
        {
            EndLine();
            Console.WriteLine(message);
        }

        private void EndLine()
        {
            if (_phase != null && !Console.IsOutputRedirected && _lastPercent >= 0) Console.WriteLine();
            _phase = null;
        }
    }

    private static Command CalibrateCommand()
    {
        var reference = new Option<double>("--ref-dbu") { Description = "Level of the reference tone at the inputs, dBu", Required = true };
        var frequency = new Option<double>("--frequency") { Description = "Frequency of the reference tone, Hz", DefaultValueFactory = _ => 1000 };
        var channels = new Option<string>("--channels") { Description = "Inputs to calibrate, e.g. 1,2", DefaultValueFactory = _ => "1,2" };
        var yes = new Option<bool>("--yes") { Description = "Answer the prompts (unattended runs, e.g. against the simulator)" };
        var report = new Option<string>("--report") { Description = "Directory for the report: a PNG per input and calibration.json" };
        var alignment = new Option<string>("--alignment") { Description = "Alignment convention to store: EBU (R68, 0 dBu = −18 dBFS) or SMPTE (RP155, +4 dBu = −20 dBFS)", DefaultValueFactory = _ => "EBU" };
        var c = new Command("calibrate", "Calibrate the pad and every gain step with a reference tone, store it on the board, verify it") { reference, frequency, channels, yes, report, alignment };
        c.SetAction(r =>
        {
            return Guard(() =>
            {
                int[] list = ParseChannels(r.GetValue(channels));
                using var link = Connect(r);
                var options = new CalibrationOptions
                {
                    ReferenceDbu = r.GetValue(reference),
                    FrequencyHz = r.GetValue(frequency),
                    Channels = list,
                    Alignment = r.GetValue(alignment).ToUpperInvariant(),
                    ReportDirectory = r.GetValue(report),
                };
                var result = new CalibrationWizard(link, new ConsoleCalibrationUi(r.GetValue(yes)), options).Run();
                var table = new Table().AddColumns("Input", "Pad (dB)", "Worst error before (dB)", "Worst error after (dB)");
                foreach (var (name, input) in result.Inputs)
                {
                    table.AddRow(name, input.PadDb.ToString("0.00", CultureInfo.InvariantCulture),
                        input.Steps.Max(s => Math.Abs(s.ErrorBeforeDb)).ToString("0.00", CultureInfo.InvariantCulture), input.Steps.Max(s => Math.Abs(s.ErrorAfterDb)).ToString("0.000", CultureInfo.InvariantCulture));
                }
                AnsiConsole.Write(table);
                Console.WriteLine("alignment: " + (options.Alignment == "SMPTE" ? "SMPTE RP155 (+4 dBu = −20 dBFS, 0 dBFS = +24 dBu)" : "EBU R68 (0 dBu = −18 dBFS, 0 dBFS = +18 dBu)"));
                if (options.ReportDirectory != null) Console.WriteLine("report: " + Path.GetFullPath(options.ReportDirectory));
                return 0;
            }, "calibration failed: ");
        });
        return c;
    }

    private static Command CalibrationCommand()
    {
        var c = new Command("calibration", "Move calibrations between boards and backups");
        var exportFile = new Argument<string>("file") { Description = "JSON file to write" };
        var export = new Command("export", "Write the board's calibration to a JSON file") { exportFile };
        export.SetAction(r =>
        {
            return Guard(() =>
            {
                using var link = Connect(r);
                var cal = CalibrationData.Decode(link.Query("CALibration:DATA?"));
                File.WriteAllText(r.GetValue(exportFile), CalibrationData.ToJson(cal, link.Query("*IDN?")));
                Console.WriteLine("wrote " + r.GetValue(exportFile) + (cal.IsValid ? "" : " (the board holds no calibration: nominal values)"));
                return 0;
            });
        });
        var importFile = new Argument<string>("file") { Description = "JSON file written by export or by calibrate --report" };
        var import = new Command("import", "Load a calibration from a JSON file into the board and store it") { importFile };
        import.SetAction(r =>
        {
            return Guard(() =>
            {
                string record = CalibrationData.RecordFromJson(File.ReadAllText(r.GetValue(importFile)));
                CalibrationData.Decode(record);
                using var link = Connect(r);
                link.Send("STReam:STOP");
                link.DiscardAnswers();
                link.Command("CALibration:DATA \"" + record + "\"");
                link.Command("CALibration:STORe");
                Console.WriteLine("calibration imported and stored; CALibration:STATe? = " + link.Query("CALibration:STATe?"));
                return 0;
            });
        });
        c.Add(export);
        c.Add(import);
        return c;
    }

    private static Command Tour()
    {
        var c = new Command("tour", "Boot the firmware on a simulated board and show what it does: self-test, gain, metering, a 2 s capture");
        c.SetAction(r =>
        {
            using var link = new PreampLink(new InProcessSimTransport());
            AnsiConsole.MarkupLine("[bold]PreampFirmware on a simulated rev B board[/]");
            Console.WriteLine("*IDN?  " + link.Query("*IDN?"));
            Console.WriteLine("*TST?  " + link.Query("*TST?") + "   (0 = PGA2500 chain answered, PCM1863 runs on the I2S clocks)");
            Console.WriteLine("a −40 dBu 1 kHz tone on input 1, −30 dBu 250 Hz on input 2; gains 30 dB and 20 dB");
            link.Command("SIMulation:SOURce1 SINE,1000,-40;:SIMulation:SOURce2 SINE,250,-30;:INPut1:GAIN 30;:INPut2:GAIN 20");
            Thread.Sleep(500);
            var table = new Table().AddColumns("Channel", "Gain dB", "Peak dBFS", "RMS dBFS", "Input dBu");
            for (int ch = 1; ch <= 2; ch++)
            {
                var v = link.Query("MEASure:LEVel? " + ch).Split(',');
                table.AddRow(ch.ToString(CultureInfo.InvariantCulture), link.Query("INPut" + ch + ":GAIN?"), v[0], v[1], v[2]);
            }
            AnsiConsole.Write(table);
            Console.WriteLine("an unknown command, then the error queue:");
            link.Send("INPut1:VOLUME 3");
            Console.WriteLine("  SYSTem:ERRor?  " + link.Query("SYSTem:ERRor?"));
            Console.WriteLine("  SYSTem:ERRor?  " + link.Query("SYSTem:ERRor?"));
            Console.WriteLine("  STReam:RATE 96000 at 4 000 000 baud:");
            link.Send("STReam:RATE 96000");
            Console.WriteLine("  SYSTem:ERRor?  " + link.Query("SYSTem:ERRor?"));
            var path = Path.Combine(Environment.CurrentDirectory, "tour.wav");
            var result = Capture.Run(link, 2.0, path, 48000, new[] { 1, 2 });
            Console.WriteLine("captured " + result.Frames + " frames at " + result.Rate + " S/s, 24-bit, to " + path);
            Console.WriteLine(result.LossReport);
            Console.WriteLine("STReam:STATistics?  " + link.Query("STReam:STATistics?") + "   (frames sent, dropped on the device, frames read per second, of which DMA, link)");
            Console.WriteLine();
            Console.WriteLine("Next: `preamp sim --tcp 5026 --pty` serves this board to PyVISA, pyserial and `preamp --port tcp://127.0.0.1:5026 …`.");
            return 0;
        });
        return c;
    }

    private static Command SimCommand()
    {
        var tcp = new Option<int?>("--tcp") { Description = "Serve SCPI on 127.0.0.1:PORT (0 picks a free port; 5026 when neither --tcp, --pty nor --panel is given: 5025, the instrument convention, is the hub's)" };
        var pty = new Option<bool>("--pty") { Description = "Serve on a pseudo-terminal and print its /dev/pts path" };
        var flash = new Option<string>("--flash") { Description = "Keep the simulated flash in this file across runs" };
        var errors = new Option<int?>("--errors") { Description = "Build the board with manufacturing errors drawn from this seed" };
        var linkErrors = new Option<double>("--link-errors") { Description = "Bit error rate applied to device-to-host bytes" };
        var seconds = new Option<double>("--seconds") { Description = "Exit after this many seconds (default: until Ctrl+C)" };
        var panel = new Option<bool>("--panel") { Description = "Show the front panel in the terminal, with keys for the knob and buttons" };
        var blockCost = new Option<int>("--block-cost-us") { Description = "Processor time per converter block, µs (default 0, a PC's speed): above the block period (21333 µs at 48 kHz) the sample loop falls behind, the DMA drops buffers, and the board counts and announces them" };
        var fault = new Option<string[]>("--fault") { Description = "Boot the board with a fault in place, PART,HOW as SIMulation:FAULt takes it (e.g. ADCBUS,MODE1); repeat for several", AllowMultipleArgumentsPerToken = false };
        var c = new Command("sim", "Run the firmware on the simulated board, paced to real time, and serve it to real tools") { tcp, pty, flash, errors, linkErrors, seconds, panel, blockCost, fault };
        c.SetAction(r =>
        {
            double ber = r.GetValue(linkErrors);
            if (ber is < 0 or >= 0.5) return Fail("--link-errors is a bit error rate between 0 and 0.5");
            int baud = r.GetValue(s_baud);
            if (baud < 1200 || baud > 12_000_000) return Fail("--baud must be between 1200 and 12000000");
            int cost = r.GetValue(blockCost);
            if (cost is < 0 or > 1_000_000) return Fail("--block-cost-us must be between 0 and 1000000");
            var options = new SimBoardOptions
            {
                FlashPath = r.GetValue(flash),
                Errors = r.GetValue(errors) is int seed ? BoardErrors.FromSeed(seed) : null,
            };
            SimRunner runner;
            try { runner = new SimRunner(options, faults: r.GetValue(fault)); }
            catch (System.IO.InvalidDataException e) { return Fail(r.GetValue(flash) + ": " + e.Message); }
            catch (ArgumentException e) { return Fail("--fault " + e.Message); }
            runner.Board.Host.Baud = baud;
            runner.BlockServiceMicroseconds = cost;
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            double limit = r.GetValue(seconds);
            if (limit > 0) stop.CancelAfter(TimeSpan.FromSeconds(limit));

            SimTcpServer tcpServer = null;
            SimPtyServer ptyServer = null;
            try
            {
                Console.WriteLine("PreampFirmware simulator: " + runner.Firmware.Hosts.Identity + ", link " + baud + " baud" + (ber > 0 ? ", bit error rate " + ber.ToString("G3", CultureInfo.InvariantCulture) : "") +
                                  (cost > 0 ? ", " + cost + " µs per converter block" : ""));
                Console.WriteLine("self-test: " + (runner.Firmware.SelfTest.Result == 0 ? "passed" : "FAILED (" + runner.Firmware.SelfTest.Result + ")"));
                if (runner.Faults.List() != "NONE") Console.WriteLine("faults: " + runner.Faults.List());
                int maxRate = runner.Firmware.StreamLink.MaxRate(runner.Board.Host);
                Console.WriteLine(maxRate == 0 ? "streaming: " + baud + " baud cannot stream at any rate (16000 S/s needs at least " + MinimumBaud(runner, 16000) + " baud; the board's 4000000 carries 48000 S/s)"
                                               : "streaming: up to " + maxRate + " S/s at " + baud + " baud");
                int? requestedTcp = r.GetValue(tcp);
                if (requestedTcp == null && !r.GetValue(pty) && !r.GetValue(panel))
                {
                    requestedTcp = SimDefaultTcpPort;   // nothing asked for: beside the hub's 5025, never on it
                }
                if (requestedTcp is int tcpPort)
                {
                    tcpServer = new SimTcpServer(runner, tcpPort, ber, baud);
                    Console.WriteLine("tcp 127.0.0.1:" + tcpServer.Port);
                }
                if (r.GetValue(pty))
                {
                    ptyServer = new SimPtyServer(runner, ber, baud);
                    Console.WriteLine("pty " + ptyServer.Path);
                }
                Console.WriteLine("ready (Ctrl+C stops)");
                Console.Out.Flush();
                using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
                if (r.GetValue(panel))
                {
                    var board = new Thread(() => runner.RunRealTime(stop.Token)) { IsBackground = true, Name = "simulated board" };
                    board.Start();
                    PanelView.Run(runner, stop);
                    stop.Cancel();
                    board.Join();
                }
                else
                {
                    runner.RunRealTime(stop.Token);
                }
                // A clean stop writes pending settings at once (a real power cut would lose the last 250 ms of changes).
                lock (runner.Gate) runner.Firmware.Settings.SaveNow();
                return 0;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or PlatformNotSupportedException)
            {
                return Fail(e.Message);
            }
            finally
            {
                tcpServer?.Dispose();
                ptyServer?.Dispose();
            }
        });
        return c;
    }
}
