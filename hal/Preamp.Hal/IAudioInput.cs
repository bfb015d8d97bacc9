// A block audio input: the converter's frames, moved by DMA into a ring of buffers, read a block at a time.
namespace PreampFirmware.Hal
{
    /// <summary>
    /// Stereo 24-bit frames from the audio converter, as a DMA engine delivers them: once started, frames fill a
    /// ring of <see cref="FramesPerBuffer"/>-frame buffers whether or not anyone reads; a complete buffer waits for
    /// the reader, and when one more completes while <see cref="WaitingBuffers"/> are already waiting, the oldest
    /// waiting one is dropped without a word. The reader counts such losses itself, from the time.
    /// A frame is <see cref="AudioFrame.Bytes"/> bytes: two samples, each 24-bit two's complement, little-endian;
    /// the sample of channel 1 is at <see cref="ChannelOneSlot"/> (0 = first).
    /// </summary>
    public interface IAudioInput
    {
        /// <summary>Starts the bit clocks and the DMA at <paramref name="sampleRate"/> frames per second (restarts if running).</summary>
        void Start(int sampleRate);

        /// <summary>Stops the clocks and the DMA; frames not read are gone.</summary>
        void Stop();

        /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
        bool IsRunning { get; }

        /// <summary>Frames per DMA buffer: the unit in which frames become readable and in which they are dropped.</summary>
        int FramesPerBuffer { get; }

        /// <summary>Complete buffers that can wait for the reader; one more completing drops the oldest.</summary>
        int WaitingBuffers { get; }

        /// <summary>Slot (0 or 1) of channel 1's sample within a frame.</summary>
        int ChannelOneSlot { get; }

        /// <summary>
        /// Reads <paramref name="frames"/> whole frames (a multiple of <see cref="FramesPerBuffer"/>) into
        /// <paramref name="buffer"/> at <paramref name="offset"/>, oldest first. Waits until they have arrived; only
        /// call it when they are due (on the board the wait holds every managed thread).
        /// </summary>
        void Read(byte[] buffer, int offset, int frames);
    }

    /// <summary>The frame format every <see cref="IAudioInput"/> delivers.</summary>
    public static class AudioFrame
    {
        /// <summary>Bytes per stereo frame: two 24-bit samples.</summary>
        public const int Bytes = 6;
        /// <summary>Bytes per sample.</summary>
        public const int SampleBytes = 3;
    }
}
