// `preamp sim --panel`: the simulated board's front panel in the terminal, with keys for the knob and buttons.
using System;
using System.Globalization;
using System.Text;
using System.Threading;
using PreampFirmware.Sim;
using PreampFirmware.SimHost;
using Spectre.Console;

namespace PreampFirmware.Cli;

/// <summary>Draws rings, LEDs, meters and the selected channel from the simulated board, and turns keys into panel actions.</summary>
public static class PanelView
{
    private const string Help =
        "[grey]←/→ knob   ↑/↓ knob fast   space knob push (mute)   c CHANNEL   l hold CHANNEL (link)   p hold 48V   o short 48V\n" +
        "t cycle a test tone on the selected input (off, −50 dBu, −30 dBu, −10 dBu, noise)   q quit[/]";

    /// <summary>Runs until q, Ctrl+C or <paramref name="stop"/>.</summary>
    public static void Run(SimRunner runner, CancellationTokenSource stop)
    {
        if (Console.IsInputRedirected)
        {
            Console.Error.WriteLine("preamp: --panel needs an interactive terminal");
            return;
        }
        var board = runner.Board;
        int tone = 0;
        AnsiConsole.Live(Render(runner)).AutoClear(false).Start(ctx =>
        {
            while (!stop.IsCancellationRequested)
            {
                while (Console.KeyAvailable)
                {
                    var key = Console.ReadKey(true);
                    lock (runner.Gate)
                    {
                        switch (key.Key)
                        {
                            case ConsoleKey.RightArrow: board.TurnKnob(1, 100); break;
                            case ConsoleKey.LeftArrow: board.TurnKnob(-1, 100); break;
                            case ConsoleKey.UpArrow: board.TurnKnob(5, 15); break;
                            case ConsoleKey.DownArrow: board.TurnKnob(-5, 15); break;
                            case ConsoleKey.Spacebar: board.PressButton(board.EncoderSwitch, 120); break;
                            case ConsoleKey.C: board.PressButton(board.ChannelButton, 120); break;
                            case ConsoleKey.L: board.PressButton(board.ChannelButton, 2300); break;
                            case ConsoleKey.P: board.PressButton(board.PhantomButton, 2300); break;
                            case ConsoleKey.O: board.PressButton(board.PhantomButton, 200); break;
                            case ConsoleKey.T:
                                tone = (tone + 1) % 5;
                                var s = board.Sources[runner.Firmware.Channels.Selected];
                                s.Kind = tone == 0 ? SourceKind.Off : tone == 4 ? SourceKind.Noise : SourceKind.Sine;
                                s.FrequencyHz = 1000;
                                s.Dbu = tone switch { 1 => -50, 2 => -30, 3 => -10, _ => -40 };
                                break;
                            case ConsoleKey.Q: stop.Cancel(); break;
                        }
                    }
                }
                ctx.UpdateTarget(Render(runner));
                stop.Token.WaitHandle.WaitOne(50);
            }
        });
    }

    private static Spectre.Console.Rendering.IRenderable Render(SimRunner runner)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]PreampFirmware — board rev B (simulated)[/]");
        table.AddColumns("", "Input 1", "Input 2");
        lock (runner.Gate)
        {
            var fw = runner.Firmware;
            var leds = runner.Board.Leds;
            string Ring(int ch)
            {
                var sb = new StringBuilder();
                int mask = leds.Ring(ch);
                for (int i = 0; i < 16; i++) sb.Append((mask & (1 << i)) != 0 ? "[orange1]●[/]" : "[grey]○[/]");
                return sb.ToString();
            }
            string Led(bool on, string name, string color) => on ? "[" + color + "]● " + name + "[/]" : "[grey]○ " + name + "[/]";
            string Meter(int ch)
            {
                double peak = fw.Meter.PeakDbfs(ch);
                double rms = fw.Meter.RmsDbfs(ch);
                int bar = (int)Math.Clamp((peak + 60) / 60 * 24, 0, 24);
                string color = peak >= -0.5 ? "red" : peak >= -12 ? "yellow" : "green";
                return "[" + color + "]" + new string('█', bar) + "[/]" + new string('·', 24 - bar) + " " +
                       peak.ToString("0.0", CultureInfo.InvariantCulture) + " pk " + rms.ToString("0.0", CultureInfo.InvariantCulture) + " rms dBFS";
            }
            table.AddRow("gain", fw.Channels.Inputs[0].GainDb + " dB" + (fw.Channels.Linked ? "  [aqua]LINK[/]" : ""), fw.Channels.Inputs[1].GainDb + " dB" + (fw.Channels.Linked ? "  [aqua]LINK[/]" : ""));
            table.AddRow("ring", Ring(0), Ring(1));
            table.AddRow("LEDs",
                Led(leds.PhantomLed(0), "48V", "red") + "  " + Led(leds.PadLed(0), "PAD", "yellow") + "  " + Led(leds.PolarityLed(0), "Ø", "yellow") + "  " + Led(leds.SignalLed(0), "SIG", "green") + "  " + Led(leds.ClipLed(0), "CLIP", "red") + "  " + Led(leds.SelectedLed(0), "SEL", "aqua"),
                Led(leds.PhantomLed(1), "48V", "red") + "  " + Led(leds.PadLed(1), "PAD", "yellow") + "  " + Led(leds.PolarityLed(1), "Ø", "yellow") + "  " + Led(leds.SignalLed(1), "SIG", "green") + "  " + Led(leds.ClipLed(1), "CLIP", "red") + "  " + Led(leds.SelectedLed(1), "SEL", "aqua"));
            table.AddRow("meter", Meter(0), Meter(1));
            table.AddRow("input", Source(runner.Board.Sources[0]) + (fw.Channels.Inputs[0].Mute ? "  [red]MUTE[/]" : ""), Source(runner.Board.Sources[1]) + (fw.Channels.Inputs[1].Mute ? "  [red]MUTE[/]" : ""));
            table.AddRow("relays", Relays(runner.Board, 0), Relays(runner.Board, 1));
        }
        return new Rows(table, new Markup(Help));
    }

    private static string Source(SimSource s) => s.Kind switch
    {
        SourceKind.Sine => s.FrequencyHz.ToString("0", CultureInfo.InvariantCulture) + " Hz " + s.Dbu.ToString("0", CultureInfo.InvariantCulture) + " dBu",
        SourceKind.Noise => "noise " + s.Dbu.ToString("0", CultureInfo.InvariantCulture) + " dBu",
        _ => "nothing connected",
    };

    private static string Relays(SimBoard b, int ch) =>
        "phantom " + (b.PhantomRelays[ch].Contact ? "closed" : "open") + ", pad " + (b.PadRelays[ch].Contact ? "closed" : "open") + ", polarity " + (b.PolarityRelays[ch].Contact ? "closed" : "open");
}
