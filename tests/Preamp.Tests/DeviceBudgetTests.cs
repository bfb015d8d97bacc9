// The device's budget as a tripwire: the woven firmware's executed IL per second of board time in each scenario.
using PreampFirmware.DeviceWork;
using Xunit;

namespace PreampFirmware.DesktopTests;

/// <summary>
/// The three scenarios of `figures device.`, counted the same way (10 s of board time each): a change that makes the
/// device do more work per second than its budget fails here, before anyone times it on the interpreter.
/// </summary>
[Collection("WorkCounter")]
public class DeviceBudgetTests
{
    [Fact]
    public void StreamingWithTheControlsIdleStaysWithin200000IlPerSecond()
    {
        var run = DeviceBudget.Measure(DeviceScenarios.Streaming, 10);
        Assert.True(run.IlPerSecond <= 200_000, "streaming: " + run.IlPerSecond.ToString("0") + " IL/s");
        Assert.Equal(0, run.Lost);
        Assert.InRange(run.Frames, 480_000 - 2048, 480_000 + 3072);        // 10 s at 48 kHz, in blocks of 1024 frames
        var path = run.Of("ServiceAudio:", "ServiceStreamOutput:");
        Assert.True(path.Il / run.Blocks < 2500, "per block: " + path.Il / run.Blocks + " IL");
    }

    [Fact]
    public void BusyStaysWithin400000IlPerSecondAndTheWorstGapBetweenReadsIsHalfTheDmaRing()
    {
        var run = DeviceBudget.Measure(DeviceScenarios.Busy, 10);
        Assert.True(run.IlPerSecond <= 400_000, "busy: " + run.IlPerSecond.ToString("0") + " IL/s");
        Assert.True(run.WorstGapUs <= 42_500, "longest time between two block reads: " + run.WorstGapUs + " µs");
        Assert.Equal(0, run.Lost);
        Assert.True(run.ByMethod.ContainsKey("RecordStore.Save"), "the busy scenario writes settings");
        Assert.True(run.ByPart.ContainsKey("Tick: HostSessions.Poll"), "and runs the panel's and the meters' queries");
    }

    [Fact]
    public void IdleStaysWithin100000IlPerSecond()
    {
        var run = DeviceBudget.Measure(DeviceScenarios.Idle, 10);
        Assert.True(run.IlPerSecond <= 100_000, "idle: " + run.IlPerSecond.ToString("0") + " IL/s");
        Assert.Equal(0, run.Frames);
        Assert.InRange(run.Ticks, 990, 1010);                              // the loop's 10 ms period
    }
}
