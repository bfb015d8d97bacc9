// A host that stops reading the stream loses blocks (the board cannot hold them), but never uncounted.
using System.Linq;
using System.Text;
using PreampFirmware.Client;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class SlowReaderTests
{
    /// <summary>
    /// The stream runs while the host reads nothing for 30 s of board time: the link stalls, the firmware drops blocks for
    /// the link and counts them, and what the host reads afterwards places every frame: sequence numbers without a gap,
    /// no damaged block, and every missing frame announced by the headers' link-drop counter and by STReam:STATistics?.
    /// </summary>
    [Fact]
    public void AClientThatStopsReadingFor30SecondsLosesNothingUncounted()
    {
        var host = new Host();
        host.Ask("SIM:SOUR1 SINE,1000,-30;:STR:STAR", 0.5);
        int before = host.Blocks.Count;
        Assert.True(before > 12);                                  // 0.5 s: 23 blocks
        host.Runner.RunFor(30);                                    // the host reads nothing
        Assert.True(host.Port.StalledByHost);
        host.Run(2);                                               // and then reads again
        var stats = host.Ask("STR:STAT?").Split(',');
        host.Ask("STR:STOP", 0.2);

        var blocks = host.Blocks;
        for (int i = 1; i < blocks.Count; i++) Assert.Equal(blocks[i - 1].Sequence + 1, blocks[i].Sequence);
        Assert.DoesNotContain(blocks, b => b.Damaged);
        Assert.Equal(0, host.Timeline.MissingBlocks);
        Assert.Equal(0, host.Timeline.DamagedBlocks);
        long dropped = host.Timeline.LinkDroppedFrames;
        Assert.True(dropped > 30 * 48000 * 9 / 10, "most of 30 s was dropped for the link: " + dropped);
        Assert.Equal(dropped, host.Timeline.SilencedFrames);      // every silent frame has its cause
        var last = blocks[^1];
        Assert.Equal((long)last.FirstFrame + last.Frames, host.Timeline.FramesOut);
        Assert.Equal(last.LinkDropped, (uint)dropped);
        Assert.True(long.Parse(stats[4]) >= dropped, "STReam:STATistics? counts them too: " + string.Join(",", stats));
        Assert.Equal(0, host.Port.TransmitOverruns);
    }

    /// <summary>Answers still come to a client that stopped reading the stream for a while and then asks.</summary>
    [Fact]
    public void AfterTheStallTheSessionAnswers()
    {
        var host = new Host();
        host.Ask("STR:STAR", 0.2);
        host.Runner.RunFor(10);
        host.Run(1);
        Assert.Equal("1", host.Ask("STR:ACT?", 0.2));
        Assert.Equal("0,\"No error\"", host.Ask("SYST:ERR?", 0.2));
    }
}
