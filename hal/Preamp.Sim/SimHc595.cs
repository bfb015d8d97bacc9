// Simulated chain of six 74HC595s driving the front-panel LEDs.
namespace PreampFirmware.Sim;

/// <summary>
/// Six 74HC595s in series: bits shift in MSB first, the register nearest MOSI (U1) receives the last byte, and
/// RCLK (tied to chip select) copies the shift registers to the outputs at the end of the frame.
/// LED wiring (rev A schematic): U1/U2 ring 1 LEDs 1–16, U3 channel-1 status, U4/U5 ring 2, U6 channel-2 status;
/// status bits QA 48V, QB PAD, QC Ø, QD SIGNAL, QE CLIP, QF SELECTED.
/// </summary>
public sealed class SimHc595Chain : ISimSpiDevice
{
    private readonly byte[] _shift = new byte[6];
    private readonly byte[] _out = new byte[6];

    /// <summary>Power comes back after a cut: every output low.</summary>
    internal void PowerCycle()
    {
        System.Array.Clear(_shift);
        System.Array.Clear(_out);
    }

    /// <summary>Frames latched.</summary>
    public int Latches { get; private set; }

    /// <inheritdoc />
    public void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            // Shift a whole byte: every register passes its byte on to the next one along the chain.
            for (int r = 5; r > 0; r--) _shift[r] = _shift[r - 1];
            _shift[0] = mosi[mosiOffset + i];
            if (miso != null) miso[misoOffset + i] = 0; // QH' of U6 is not wired back
        }
        System.Array.Copy(_shift, _out, 6);
        Latches++;
        Latched?.Invoke();
    }

    /// <summary>Raised after every latch (RCLK, the chip select, rising).</summary>
    public event System.Action Latched;

    /// <summary>True when no LED is lit.</summary>
    public bool Dark => System.Array.TrueForAll(_out, b => b == 0);

    /// <summary>Output byte of register U1..U6 (1-based).</summary>
    public byte Outputs(int register) => _out[register - 1];

    /// <summary>Ring LEDs of a channel (0-based), bit 0 = LED 1.</summary>
    public int Ring(int channel) => channel == 0 ? _out[0] | (_out[1] << 8) : _out[3] | (_out[4] << 8);

    private int Status(int channel) => channel == 0 ? _out[2] : _out[5];

    /// <summary>48V LED.</summary>
    public bool PhantomLed(int channel) => (Status(channel) & 0x01) != 0;
    /// <summary>PAD LED.</summary>
    public bool PadLed(int channel) => (Status(channel) & 0x02) != 0;
    /// <summary>Ø LED.</summary>
    public bool PolarityLed(int channel) => (Status(channel) & 0x04) != 0;
    /// <summary>SIGNAL LED.</summary>
    public bool SignalLed(int channel) => (Status(channel) & 0x08) != 0;
    /// <summary>CLIP LED.</summary>
    public bool ClipLed(int channel) => (Status(channel) & 0x10) != 0;
    /// <summary>Channel-selected LED.</summary>
    public bool SelectedLed(int channel) => (Status(channel) & 0x20) != 0;
}
