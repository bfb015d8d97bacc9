// Turns decoded stream blocks into a gap-free timeline: whatever is missing becomes counted silence.
using System;
using System.Linq;

namespace PreampFirmware.Client;

/// <summary>
/// Orders stream blocks into a continuous sample timeline whose index is the stream's frame number. Every block
/// says where its first frame belongs, so any gap — blocks lost on the link (sequence gaps), frames the device
/// dropped because the link was slow, frames the converter's DMA dropped because the sample loop read too late —
/// becomes silence of exactly the right length, and each cause is counted in its own unit. A damaged block (failed
/// CRC-32) is silence of its own length. Nothing goes missing without a count.
/// </summary>
public sealed class SampleTimeline
{
    private uint _expectedSequence;
    private long _expectedFrame;
    private uint _lastConverterLost;
    private uint _lastLinkDropped;
    private bool _started;

    /// <summary>Raised before a block's samples are emitted, with the timeline index of its first sample.</summary>
    public event Action<SampleBlock, long> BlockPlaced;

    /// <summary>
    /// Raised for every run of silence that stands in for lost frames: timeline index of its first frame, frames, and its
    /// cause — <c>missing</c> (blocks lost on the link), <c>damaged</c> (a block that failed its CRC-32), <c>converter</c>
    /// (the converter's DMA dropped them), <c>link</c> (the device dropped them for a slow link), joined by '+' when one
    /// gap has several.
    /// </summary>
    public event Action<long, long, string> Filled;

    /// <summary>Receives runs of samples (channel 1, channel 2, count) in time order, silence included.</summary>
    public event Action<int[], int[], int> Samples;

    /// <summary>Blocks that never arrived (sequence gaps, including blocks whose header was damaged).</summary>
    public long MissingBlocks { get; private set; }
    /// <summary>Sample frames those blocks carried.</summary>
    public long MissingBlockFrames { get; private set; }
    /// <summary>Blocks that arrived damaged (their CRC-32 failed).</summary>
    public long DamagedBlocks { get; private set; }
    /// <summary>Sample frames of the damaged blocks.</summary>
    public long DamagedBlockFrames { get; private set; }
    /// <summary>Sample frames the converter's DMA dropped (the device's sample loop fell behind), from the headers.</summary>
    public long ConverterLostFrames { get; private set; }
    /// <summary>Sample frames the device dropped because the link could not take them, from the headers.</summary>
    public long LinkDroppedFrames { get; private set; }
    /// <summary>Sample frames filled with silence for any reason.</summary>
    public long SilencedFrames { get; private set; }
    /// <summary>Sample frames emitted, silence included.</summary>
    public long FramesOut { get; private set; }
    /// <summary>Blocks received in good order.</summary>
    public long BlocksReceived { get; private set; }
    /// <summary>Gains of the last block (channel 1, channel 2).</summary>
    public (int, int) LastGains { get; private set; }

    /// <summary>
    /// Frames the timeline covers (a capture's length): blocks that start beyond it are not placed, and a gap that runs
    /// past it is counted only up to it (the excess taken off the counts in the order missing, link, converter).
    /// </summary>
    public long Limit { get; set; } = long.MaxValue;

    /// <summary>
    /// True for a client that joins a stream already running (through a hub, beside other consumers): the first block it
    /// gets is where its timeline starts, and the device's loss counters count from that block's.
    /// </summary>
    public bool JoinsRunningStream { get; set; }

    /// <summary>True when anything at all was lost.</summary>
    public bool AnyLoss => SilencedFrames > 0;

    /// <summary>The loss in one line, every count with its unit.</summary>
    public string Report(long tailFrames = 0) =>
        (SilencedFrames + tailFrames) + " sample frames filled with silence: " +
        MissingBlocks + " blocks (" + MissingBlockFrames + " frames) missing on the link, " +
        DamagedBlocks + " blocks (" + DamagedBlockFrames + " frames) damaged, " +
        ConverterLostFrames + " frames dropped by the converter's DMA (the sample loop fell behind), " +
        LinkDroppedFrames + " frames dropped on the device for a slow link" +
        (tailFrames > 0 ? ", " + tailFrames + " frames never sent (the stream ended early)" : "");

    /// <summary>Takes the next decoded block.</summary>
    public void Accept(SampleBlock block)
    {
        if (!_started && JoinsRunningStream)
        {
            _expectedSequence = block.Sequence;
            _expectedFrame = block.FirstFrame;
            _lastConverterLost = block.ConverterLost;
            _lastLinkDropped = block.LinkDropped;
            _started = true;
        }
        if (_started && (int)(block.Sequence - _expectedSequence) < 0) return;   // a repeat of something already placed
        long gap = _started ? block.FirstFrame - _expectedFrame : block.FirstFrame;
        if (gap < 0) return;                                                    // overlaps what was placed: not this stream
        if (FramesOut >= Limit) return;
        uint sequenceGap = _started ? block.Sequence - _expectedSequence : block.Sequence;
        long converter = Math.Max(0, (long)block.ConverterLost - _lastConverterLost);
        long link = Math.Max(0, (long)block.LinkDropped - _lastLinkDropped);
        long missing = sequenceGap > 0 ? Math.Max(0, gap - converter - link) : 0;
        long excess = Math.Max(0, FramesOut + gap - Limit);                     // the part of the gap past the end
        long cut = Math.Min(excess, missing);
        missing -= cut;
        excess -= cut;
        cut = Math.Min(excess, link);
        link -= cut;
        excess -= cut;
        converter -= Math.Min(excess, converter);
        ConverterLostFrames += converter;
        LinkDroppedFrames += link;
        if (sequenceGap > 0)
        {
            MissingBlocks += sequenceGap;
            MissingBlockFrames += missing;
        }
        long filled = Math.Min(gap, Limit - FramesOut);
        if (filled > 0)
        {
            string cause = string.Join("+", new[] { missing > 0 ? "missing" : null, converter > 0 ? "converter" : null, link > 0 ? "link" : null }.Where(c => c != null));
            Filled?.Invoke(FramesOut, filled, cause.Length == 0 ? "missing" : cause);
        }
        Silence(filled);
        if (block.Damaged && FramesOut < Limit)
        {
            long inside = Math.Min(block.Frames, Limit - FramesOut);
            DamagedBlocks++;
            DamagedBlockFrames += inside;
            SilencedFrames += inside;
            Filled?.Invoke(FramesOut, inside, "damaged");
        }
        _lastConverterLost = block.ConverterLost;
        _lastLinkDropped = block.LinkDropped;
        _expectedSequence = block.Sequence + 1;
        _expectedFrame = (long)block.FirstFrame + block.Frames;
        _started = true;
        LastGains = (block.Gain1, block.Gain2);
        BlocksReceived++;
        BlockPlaced?.Invoke(block, FramesOut);
        FramesOut += block.Frames;
        Samples?.Invoke(block.Samples[0], block.Samples[1], block.Frames);
    }

    private void Silence(long frames)
    {
        if (frames <= 0) return;
        SilencedFrames += frames;
        FramesOut += frames;
        var zeros = new int[Math.Min(frames, 65536)];
        while (frames > 0)
        {
            int n = (int)Math.Min(frames, zeros.Length);
            Samples?.Invoke(zeros, zeros, n);
            frames -= n;
        }
    }
}
