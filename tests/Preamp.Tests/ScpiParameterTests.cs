// Parameters as a SCPI parser must read them (IEEE 488.2 decimal numeric and boolean program data), and the exact
// error a bad one gets.
using Xunit;

namespace PreampFirmware.DesktopTests;

public class ScpiParameterTests
{
    [Theory]
    [InlineData("+30")]
    [InlineData("30.0")]
    [InlineData("3e1")]
    [InlineData("3E1")]
    [InlineData("300e-1")]
    public void DecimalNumbersWithSignsFractionsAndExponentsAreRead(string value)
    {
        var h = new Host();
        Assert.Equal("0,\"No error\"", h.ErrorAfter("INP1:GAIN " + value));
        Assert.Equal("30", h.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void ABadNumberIsADataTypeErrorAndAFractionOrAHugeOneIsOutOfRange()
    {
        var h = new Host();
        Assert.Equal("-104,\"Data type error;expected a number, got 'abc'\"", h.ErrorAfter("INP1:GAIN abc"));
        Assert.Equal("-104,\"Data type error;expected a number, got '3x'\"", h.ErrorAfter("INP1:GAIN 3x"));
        Assert.Equal("-104,\"Data type error;expected a number, got '.'\"", h.ErrorAfter("INP1:GAIN ."));
        Assert.Equal("-222,\"Data out of range;expected a whole number, got '30.5'\"", h.ErrorAfter("INP1:GAIN 30.5"));
        Assert.Equal("-222,\"Data out of range;expected a whole number, got '3e10'\"", h.ErrorAfter("INP1:GAIN 3e10"));
        Assert.Equal("-222,\"Data out of range;expected a whole number, got '-3e10'\"", h.ErrorAfter("INP1:GAIN -3e10"));
        Assert.Equal("0", h.Ask("INP1:GAIN?"));
    }

    [Fact]
    public void BooleansAreOnOffOneOrZeroInAnyCase()
    {
        var h = new Host();
        foreach (var (value, expected) in new[] { ("ON", "1"), ("off", "0"), ("1", "1"), ("0", "0"), ("On", "1") })
        {
            Assert.Equal("0,\"No error\"", h.ErrorAfter("INP1:MUTE " + value));
            Assert.Equal(expected, h.Ask("INP1:MUTE?"));
        }
        Assert.Equal("-104,\"Data type error;expected ON or OFF, got 'YES'\"", h.ErrorAfter("INP1:MUTE YES"));
        Assert.Equal("-104,\"Data type error;expected ON or OFF, got '2'\"", h.ErrorAfter("INP1:MUTE 2"));
        Assert.Equal("1", h.Ask("INP1:MUTE?"));                        // a refused value changes nothing
    }
}
