// Numbered sub-sessions on one link ("@n LINE"): what a host hub builds on. Each is a whole session; the stream one of
// them started is shared by those that take it; a plain terminal's lines are untouched.
using System.Linq;
using PreampFirmware.SimHost;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SubSessionTests
{
    [Fact]
    public void EachSubSessionHasItsOwnErrorQueueAndStatusAndAnswersCarryItsAddress()
    {
        var h = new Host();
        h.Ask("SYST:SESS:OPEN 1;OPEN 2");
        h.Ask("@1 FOO");
        h.Ask("@2 INP2:GAIN 30");
        Assert.Equal("@2 30", h.Ask("@2 INP2:GAIN?"));
        Assert.Equal("@1 -113,\"Undefined header;FOO\"", h.Ask("@1 SYST:ERR?"));
        Assert.Equal("@2 0,\"No error\"", h.Ask("@2 SYST:ERR?"));
        Assert.Equal("0,\"No error\"", h.Ask("SYST:ERR?"));                      // the link's own session saw nothing
        h.Ask("@1 *OPC");
        Assert.Equal("@1 33", h.Ask("@1 *ESR?"));                              // CME from FOO, OPC
        Assert.Equal("@2 0", h.Ask("@2 *ESR?"));
        Assert.Equal("@1 1;@2 1", string.Join(";", h.Ask("@1 *OPC?\n@2 *OPC?").Split('\n')));   // in order, each its own
    }

    [Fact]
    public void ADeviceErrorReachesEveryOpenSubSessionIdleOnesIncludedAndNotOnesOpenedLater()
    {
        var h = new Host();
        h.Ask("SYST:SESS:OPEN 1;OPEN 2");
        h.Ask("SIM:FAUL GAINBUS,STUCK1", 1.0);
        h.Ask("SYST:SESS:OPEN 3");
        Assert.StartsWith("@2 -240,", h.Ask("@2 SYST:ERR?"));                    // idle until now, it heard it
        Assert.StartsWith("@1 -240,", h.Ask("@1 SYST:ERR?"));
        Assert.Equal("@3 0,\"No error\"", h.Ask("@3 SYST:ERR?"));
    }

    [Fact]
    public void ASubSessionTheBoardLostInARestartComesBackWithPowerOnAndAPlainTerminalIsUntouched()
    {
        var h = new Host();
        h.Ask("SYST:SESS:OPEN 4");
        Assert.Equal("@4 0", h.Ask("@4 *ESR?"));                                 // opened on purpose: no PON
        h.Ask("SIM:FAUL FLASH,CUT;:*SAV 3", 0.3);
        Assert.Equal(1, h.Runner.Board.PowerCycles);
        Assert.Equal("@4 128", h.Ask("@4 *ESR?"));                               // the board lost it: it was there through the restart
        Assert.Equal("128", h.Ask("*ESR?"));
        Assert.Equal(h.Ask("*IDN?"), h.Runner.Firmware.Hosts.Identity);         // unaddressed lines run as always
        h.Ask("@0 *IDN?");
        Assert.StartsWith("-102,\"Syntax error;bad session address", h.Ask("SYST:ERR?"));
        Assert.Equal("NONE", new Host(runner: h.Runner).Ask("SYST:SESS:LIST?"));
    }

    [Fact]
    public void TheStreamIsSharedByTheSubSessionsThatTakeItAndWhatChangesItForOthersIsRefusedNamingThem()
    {
        var h = new Host();
        h.Ask("SYST:SESS:OPEN 1;OPEN 2;OPEN 3");
        h.Ask("@1 SYST:SESS:NAME \"ui (pid 11)\"");
        h.Ask("@2 SYST:SESS:NAME \"capture (pid 12)\"");
        h.Ask("@1 STR:STAR", 0.2);
        h.Ask("@2 STR:STAR;:STR:RATE 48000", 0.2);                               // joins; its own rate changes nothing
        Assert.Equal("@2 0,\"No error\"", h.Ask("@2 SYST:ERR?"));
        Assert.Equal("1,\"ui (pid 11)\",1,2,\"capture (pid 12)\",1,3,\"session 3\",0", h.Ask("SYST:SESS:LIST?"));
        h.Ask("@2 STR:RATE 44100");
        Assert.Equal("@2 -221,\"Settings conflict;the stream also feeds ui (pid 11): a new rate would change it for them\"", h.Ask("@2 SYST:ERR?"));
        h.Ask("@3 *RST");
        Assert.Equal("@3 -221,\"Settings conflict;the stream also feeds ui (pid 11), capture (pid 12): *RST would stop it for them\"", h.Ask("@3 SYST:ERR?"));
        Assert.True(h.Runner.Firmware.StreamLink.IsRunning);
        h.Ask("@3 STR:STOP");                                                     // nothing of its own to stop
        Assert.Equal("@3 0,\"No error\"", h.Ask("@3 SYST:ERR?"));
        h.Ask("@1 STR:STOP", 0.1);
        Assert.True(h.Runner.Firmware.StreamLink.IsRunning);                    // capture still takes it
        int before = h.Blocks.Count;
        h.Run(0.2);
        Assert.True(h.Blocks.Count > before);
        h.Ask("SYST:SESS:CLOS 2", 0.1);                                          // the last consumer goes
        Assert.False(h.Runner.Firmware.StreamLink.IsRunning);
        h.Ask("STR:STAR");
        h.Ask("@1 STR:STAR");
        Assert.Equal("@1 -221,\"Settings conflict;another connection is streaming\"", h.Ask("@1 SYST:ERR?"));
    }
}
