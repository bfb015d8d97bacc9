// Turns decoded stream frames into a gap-free timeline: whatever is missing becomes counted silence.
using System;

namespace PreampFirmware.Client;

/// <summary>
/// Orders stream frames into a continuous sample timeline. A missing sequence number (a frame lost on the link),
/// frames the device dropped (its header counter), conversions the device missed (a timestamp later than the
/// frames before it explain) and records whose CRC failed all become silence of the right length, and each is
/// counted. Nothing goes missing without a count.
/// </summary>
public sealed class SampleTimeline
{
    private uint _expectedSequence;
    private uint _lastDeviceDropped;
    private uint _nextTimestampUs;
    private bool _haveTimestamp;
    private int _lastFramesPerBlock = 64;

    /// <summary>Raised before a frame's samples are emitted, with the timeline index of its first sample.</summary>
    public event Action<SampleBlock, long> BlockPlaced;

    /// <summary>Receives runs of samples (channel 1, channel 2, count) in time order, silence included.</summary>
    public event Action<int[], int[], int> Samples;

    /// <summary>Stream frames that never arrived (sequence gaps, including damaged headers).</summary>
    public long MissingFrames { get; private set; }
    /// <summary>Stream frames that arrived with damaged records.</summary>
    public long DamagedFrames { get; private set; }
    /// <summary>Sample frames filled with silence for any reason.</summary>
    public long SilencedSamples { get; private set; }
    /// <summary>Sample frames the device reported dropping.</summary>
    public long DeviceDroppedSamples { get; private set; }
    /// <summary>Conversions the device missed, from timestamps.</summary>
    public long MissedConversions { get; private set; }
    /// <summary>Samples emitted, silence included.</summary>
    public long SamplesOut { get; private set; }
    /// <summary>Frames received in good order.</summary>
    public long FramesReceived { get; private set; }
    /// <summary>Gains of the last frame (channel 1, channel 2).</summary>
    public (int, int) LastGains { get; private set; }

    /// <summary>Lost stream frames, missing plus damaged.</summary>
    public long LostFrames => MissingFrames + DamagedFrames;

    /// <summary>Takes the next decoded frame.</summary>
    public void Accept(SampleBlock block)
    {
        int sequenceGap = (int)(block.Sequence - _expectedSequence);
        if (sequenceGap < 0) return;   // a repeat of something already placed
        if (sequenceGap > 0)
        {
            MissingFrames += sequenceGap;
            Silence((long)sequenceGap * _lastFramesPerBlock);
        }
        long dropped = block.DeviceDropped - _lastDeviceDropped;
        if (dropped > 0)
        {
            DeviceDroppedSamples += dropped;
            Silence(dropped);
        }
        if (_haveTimestamp && block.Rate > 0)
        {
            double periodUs = 1e6 / block.Rate;
            double expected = _nextTimestampUs + (sequenceGap * (double)_lastFramesPerBlock + Math.Max(0, dropped)) * periodUs;
            double late = (int)(block.TimestampUs - (uint)expected);
            long missed = (long)Math.Round(late / periodUs);
            if (missed > 0)
            {
                MissedConversions += missed;
                Silence(missed);
            }
        }
        if (block.CorruptRecords > 0)
        {
            DamagedFrames++;
            SilencedSamples += block.CorruptRecords;
        }
        _lastDeviceDropped = block.DeviceDropped;
        _expectedSequence = block.Sequence + 1;
        _lastFramesPerBlock = block.Frames;
        _nextTimestampUs = block.TimestampUs + (uint)Math.Round(block.Frames * 1e6 / Math.Max(1, block.Rate));
        _haveTimestamp = true;
        LastGains = (block.Gain1, block.Gain2);
        FramesReceived++;
        BlockPlaced?.Invoke(block, SamplesOut);
        SamplesOut += block.Frames;
        Samples?.Invoke(block.Samples[0], block.Samples[1], block.Frames);
    }

    private void Silence(long frames)
    {
        SilencedSamples += frames;
        SamplesOut += frames;
        var zeros = new int[Math.Min(frames, 65536)];
        while (frames > 0)
        {
            int n = (int)Math.Min(frames, zeros.Length);
            Samples?.Invoke(zeros, zeros, n);
            frames -= n;
        }
    }
}
