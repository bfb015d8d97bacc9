// `preamp bringup`: the guided first power-up of a board (or of the simulator), its console and its report.
using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using PreampFirmware.Client;
using Spectre.Console;

namespace PreampFirmware.Cli;

/// <summary>The bringup command.</summary>
public static class BringupCommand
{
    /// <summary>The command; <paramref name="connect"/> opens the link from the tool's options, <paramref name="serialBaud"/> gives the baud of a serial port (0 otherwise).</summary>
    public static Command Create(Func<ParseResult, PreampLink> connect, Func<ParseResult, int> serialBaud)
    {
        var yes = new Option<bool>("--yes") { Description = "Answer every step that needs a person with \"skipped\" (on the simulator those steps are driven through SIMulation commands)" };
        var report = new Option<string>("--report") { Description = "Directory for the report: bringup.md, bringup.json and a noise spectrum PNG per input" };
        var c = new Command("bringup", "First power-up: link, identity, PGA2500 loop-back, PCM1863 control port, I2S clocks and framing, noise floor, relays, LEDs, " +
                                       "knob and buttons, phantom. Each step passes, warns or fails with what to do next; exit status 1 on any fail") { yes, report };
        c.SetAction(r =>
        {
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler cancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
            Console.CancelKeyPress += cancel;
            try
            {
                using var link = connect(r);
                var ui = new ConsoleBringupUi(!r.GetValue(yes));
                var result = new Bringup(link, ui, new BringupOptions { ReportDirectory = r.GetValue(report), Baud = serialBaud(r), Cancel = stop.Token }).Run();
                Console.WriteLine();
                Console.WriteLine("result: " + result.Result + (result.Skipped.Count > 0 ? "; skipped: " + string.Join(", ", result.Skipped) : "") + "; phantom is off");
                if (r.GetValue(report) is string dir) Console.WriteLine("report: " + Path.GetFullPath(dir));
                return result.ExitCode;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("preamp: bringup stopped; phantom was switched off (a board the tool could not reach switches it off itself within " + Bringup.PhantomLeaseSeconds + " s)");
                return 1;
            }
            catch (Exception e) when (e is PreampException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine("preamp: " + e.Message);
                return 1;
            }
            finally
            {
                Console.CancelKeyPress -= cancel;
            }
        });
        return c;
    }

    private sealed class ConsoleBringupUi : IBringupUi
    {
        public ConsoleBringupUi(bool attended)
        {
            if (attended && Console.IsInputRedirected) throw new IOException("stdin is not a terminal: use --yes (steps that need a person are then skipped and listed)");
            Attended = attended;
        }

        public bool Attended { get; }

        public void Begin(string title) => Console.WriteLine("» " + title);

        public void End(BringupStep step)
        {
            string color = step.Outcome switch { StepOutcome.Pass => "green", StepOutcome.Warn => "yellow", StepOutcome.Fail => "red", _ => "grey" };
            AnsiConsole.MarkupLine("  [" + color + "]" + step.Outcome.ToString().ToUpperInvariant() + "[/] " + Markup.Escape(step.Message));
        }

        public void Tell(string message) => Console.WriteLine("  " + message);

        public bool Confirm(string question) => AnsiConsole.Confirm("  " + Markup.Escape(question));

        public string Ask(string question)
        {
            Console.Write("  " + question + " ");
            return Console.ReadLine();
        }
    }
}
