// The SPI open glitch: opening a device clocks two bytes with its CS asserted. After a warm reset the PGA2500 chain
// latches chip 1's old word into chip 2 and the LED chain its shifted contents; the firmware writes both at once.
using System.Collections.Generic;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SpiOpenGlitchTests
{
    [Fact]
    public void AWarmResetNeverLetsInputTwoHoldInputOnesRelaysOrGain()
    {
        var runner = new SimRunner();
        var h = new Host(runner: runner);
        var board = runner.Board;
        h.Ask("INP1:GAIN 40;:INP1:PAD ON;:INP1:POL INV");
        h.Run(1.0);                                                   // relays sequenced, the state saved
        Assert.True(board.PadRelays[0].Contact && board.PolarityRelays[0].Contact);
        Assert.Equal(40, board.Pga.GainDb(0));
        Assert.False(board.Leds.Dark);
        ushort word1 = board.Pga.Word(0);
        Assert.NotEqual(word1, board.Pga.Word(1));

        var gains = new List<(long At, ushort Word2)>();
        board.Pga.Latched += () => gains.Add((board.NowMicroseconds, board.Pga.Word(1)));
        var leds = new List<(long At, bool Dark)>();
        board.Leds.Latched += () => leds.Add((board.NowMicroseconds, board.Leds.Dark));
        bool input2Relay = false;
        board.PadRelays[1].ContactChanged += on => input2Relay |= on;
        board.PolarityRelays[1].ContactChanged += on => input2Relay |= on;

        runner.WarmReset();                                           // the chips keep their words, the firmware starts again
        h.Run(1.0);

        // The glitch is there: opening the bus latched chip 1's old word into chip 2 and junk into the LEDs...
        Assert.Equal(word1, gains[0].Word2);
        Assert.False(leds[0].Dark);
        // ...and the firmware's first writes replaced both before any board time passed (nothing held them).
        Assert.Equal(gains[0].At, gains[1].At);
        Assert.Equal(0, gains[1].Word2 & 0x0F3F);                     // chip 2: 0 dB, GPOs (pad, polarity) low
        Assert.Equal(leds[0].At, leds[1].At);
        Assert.True(leds[1].Dark);
        for (int i = 1; i < gains.Count; i++) Assert.NotEqual(word1, gains[i].Word2);
        Assert.False(input2Relay, "input 2's pad or polarity relay closed");
        Assert.False(board.PadRelays[1].Contact || board.PolarityRelays[1].Contact);
        Assert.Equal(0, board.Pga.GainDb(1));
        // Input 1 comes back as saved, through its sequencer.
        Assert.Equal(40, board.Pga.GainDb(0));
        Assert.True(board.PadRelays[0].Contact && board.PolarityRelays[0].Contact);
        Assert.Equal(0, runner.Firmware.SelfTest.Result);
    }
}
