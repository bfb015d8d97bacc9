// Simulated ADS131M02: register file, commands answered one frame late, CRC, /SYNC/RESET, /DRDY and conversions.
using System;

namespace PreampFirmware.Sim;

/// <summary>
/// An ADS131M02 as the datasheet describes it, decoded independently of the firmware's driver: the reset values,
/// read-only registers, the reset acknowledgement FF22h, WREG acknowledgements 010a aaaa ammm mmmm, input CRC
/// checking when MODE.RX_CRC_EN is set (a bad CRC sets STATUS.CRC_ERR and the command is ignored), output CRC on
/// every frame, the data-ready period from OSR and CLKIN, and offset/gain calibration applied to each result.
/// </summary>
public sealed class SimAds131m02 : ISimSpiDevice
{
    /// <summary>CLKIN, Hz.</summary>
    public const double ClockInHz = 8_192_000;
    /// <summary>Reference: full scale is ±1.2 V / PGA gain.</summary>
    public const double ReferenceVolts = 1.2;
    private static readonly int[] s_osr = { 128, 256, 512, 1024, 2048, 4096, 8192, 16256 };
    // Input-referred noise, µVrms, gain 1, high-resolution mode, per OSR code (SBAS990 noise table, rounded) [verify].
    private static readonly double[] s_noiseMicrovolts = { 25.0, 12.0, 6.5, 4.5, 3.2, 2.2, 1.6, 1.1 };

    private readonly SimBoard _board;
    private readonly ushort[] _reg = new ushort[64];
    private readonly int[] _data = new int[2];
    private readonly NoiseRandom _noise;
    private ushort _response;
    private long _resetFellUs = -1;
    private bool _inReset;
    private double _nextConversion;   // exact conversion instant, µs (periods like 31.25 µs are not whole)
    private bool _unread;

    internal SimAds131m02(SimBoard board, SimPin syncReset, SimPin dataReady, int noiseSeed)
    {
        _board = board;
        SyncReset = syncReset;
        DataReady = dataReady;
        _noise = new NoiseRandom(noiseSeed);
        syncReset.Changed += OnSyncReset;
        PowerOn();
    }

    /// <summary>/SYNC/RESET input.</summary>
    public SimPin SyncReset { get; }

    /// <summary>/DRDY output (low = data ready).</summary>
    public SimPin DataReady { get; }

    /// <summary>Conversions completed since power-up.</summary>
    public long Conversions { get; private set; }

    /// <summary>Conversions overwritten before they were read (the ADC has no FIFO).</summary>
    public long MissedConversions { get; private set; }

    /// <summary>Resets seen (pin or command).</summary>
    public int Resets { get; private set; }

    /// <summary>Input frames whose CRC was wrong.</summary>
    public int InputCrcErrors { get; private set; }

    /// <summary>Offset of each channel of the converter, volts at its input (a manufacturing error).</summary>
    public double[] OffsetErrorVolts { get; } = new double[2];

    /// <summary>Gain error of each channel of the converter, as a factor (1 = none).</summary>
    public double[] GainErrorFactor { get; } = { 1.0, 1.0 };

    /// <summary>When true, conversions carry no noise (for exact tests).</summary>
    public bool Noiseless { get; set; }

    /// <summary>Source of the converter's input voltage for a channel at a time (set by the board's analog model).</summary>
    public Func<int, double, double> Input { get; set; } = (_, _) => 0.0;

    /// <summary>Register value, as the chip holds it.</summary>
    public ushort Register(int address) => _reg[address & 0x3F];

    /// <summary>Latest result of a channel, 24-bit two's complement in an int.</summary>
    public int Data(int channel) => _data[channel];

    /// <summary>True while converting (out of reset, at least one channel enabled).</summary>
    public bool Running => !_inReset && (_reg[3] & 0x0300) != 0;

    /// <summary>Time of one conversion period, µs (fMOD = CLKIN/2 in high-resolution mode; TBM doubles the rate at OSR 128).</summary>
    public double PeriodMicroseconds
    {
        get
        {
            int clock = _reg[3];
            int osrCode = (clock >> 2) & 7;
            double fmod = ClockInHz / 2;
            double rate = fmod / s_osr[osrCode];
            if (osrCode == 0 && (clock & 0x20) != 0) rate *= 2;
            return 1e6 / rate;
        }
    }

    /// <summary>Board time of the next conversion, µs, or long.MaxValue when not running.</summary>
    public long NextConversionUs => Running ? (long)Math.Ceiling(_nextConversion) : long.MaxValue;

    private int WordBytes => ((_reg[2] >> 8) & 3) switch { 0 => 2, 1 => 3, _ => 4 };

    private void PowerOn()
    {
        Array.Clear(_reg);
        _reg[0x00] = 0x2201;   // ID: CHANCNT 2, REVID 01
        _reg[0x01] = 0x0500;   // STATUS: RESET, WLENGTH 24
        _reg[0x02] = 0x0510;   // MODE: RESET, WLENGTH 24, TIMEOUT
        _reg[0x03] = 0x030E;   // CLOCK: CH1/CH0 on, OSR 1024, HR
        _reg[0x06] = 0x0600;   // CFG
        _reg[0x0C] = 0x8000;   // CH0_GCAL_MSB
        _reg[0x11] = 0x8000;   // CH1_GCAL_MSB
        _response = 0xFF22;
        _data[0] = _data[1] = 0;
        _unread = false;
        _nextConversion = _board.NowMicroseconds + PeriodMicroseconds;
        DataReady.Write(true);
        Resets++;
    }

    /// <summary>Fault: the /SYNC/RESET trace is open, so the chip never sees a reset or sync.</summary>
    public bool ResetLineBroken { get; set; }

    private void OnSyncReset(bool high)
    {
        if (ResetLineBroken) return;
        long now = _board.NowMicroseconds;
        if (!high)
        {
            _resetFellUs = now;
            _inReset = true;
            return;
        }
        _inReset = false;
        // ≥ 2048 CLKIN periods low is a reset; shorter is a sync (restart the digital filter).
        double lowCycles = (now - _resetFellUs) * ClockInHz / 1e6;
        if (lowCycles >= 2048) PowerOn();
        else _nextConversion = now + PeriodMicroseconds;
    }

    /// <summary>Runs conversions due by <paramref name="nowUs"/>; returns true if one completed.</summary>
    internal bool Convert(long nowUs)
    {
        bool any = false;
        double period = PeriodMicroseconds;
        while (Running && _nextConversion <= nowUs)
        {
            double t = _nextConversion;
            int gainCode0 = _reg[4] & 7, gainCode1 = (_reg[4] >> 4) & 7;
            _data[0] = Quantize(0, t, 1 << gainCode0);
            _data[1] = Quantize(1, t, 1 << gainCode1);
            if (_unread) MissedConversions++;
            _unread = true;
            Conversions++;
            _reg[1] |= 0x0003;
            DataReady.Write(false);
            _nextConversion = t + period;
            any = true;
        }
        return any;
    }

    private int Quantize(int ch, double t, int pgaGain)
    {
        int cfg = _reg[0x09 + 5 * ch];
        int mux = cfg & 3;
        double volts = mux switch
        {
            0 => Input(ch, t) * GainErrorFactor[ch],
            1 => 0.0,                                    // inputs shorted
            2 => 0.16,                                   // positive DC test signal (≈ fs/7.5) [verify]
            _ => -0.16,
        };
        volts += OffsetErrorVolts[ch];
        if (!Noiseless)
        {
            double sigma = s_noiseMicrovolts[(_reg[3] >> 2) & 7] * 1e-6;
            volts += sigma * Gaussian();
        }
        double code = volts * pgaGain / ReferenceVolts * 8388608.0;
        int ocal = (_reg[0x0A + 5 * ch] << 8) | (_reg[0x0B + 5 * ch] >> 8);
        ocal = (ocal << 8) >> 8;
        int gcal = (_reg[0x0C + 5 * ch] << 8) | (_reg[0x0D + 5 * ch] >> 8);
        double calibrated = (Math.Round(code) - ocal) * gcal / 8388608.0;
        return (int)Math.Clamp(Math.Round(calibrated), -8388608, 8388607);
    }

    private double Gaussian() => NormalTable.Next(_noise);

    /// <inheritdoc />
    public void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count)
    {
        if (_inReset)
        {
            Array.Clear(miso, misoOffset, count);   // DOUT Hi-Z, pulled low on the board
            return;
        }
        int w = WordBytes;
        // Output: response, channel data, CRC over response and data (all bytes of each word).
        Array.Clear(miso, misoOffset, count);
        PutWord16(miso, misoOffset, count, 0, w, _response);
        for (int ch = 0; ch < 2; ch++) PutData(miso, misoOffset, count, (1 + ch) * w, w, _data[ch]);
        int crcAt = 3 * w;
        if (crcAt + 2 <= count)
        {
            ushort crc = SimCrc.Ccitt(miso, misoOffset, crcAt);
            miso[misoOffset + crcAt] = (byte)(crc >> 8);
            miso[misoOffset + crcAt + 1] = (byte)crc;
        }
        if (count >= 3 * w)
        {
            _unread = false;
            _reg[1] &= 0xFFFC;
            DataReady.Write(true);
        }

        // Input: the command, then (for WREG) data words, then the CRC word when RX_CRC_EN.
        if (count < w) return;
        ushort cmd = (ushort)((mosi[mosiOffset] << 8) | mosi[mosiOffset + 1]);
        int dataWords = (cmd & 0xE000) == 0x6000 ? (cmd & 0x7F) + 1 : 0;
        if ((_reg[2] & 0x1000) != 0)
        {
            int crcWordAt = (1 + dataWords) * w;
            if (crcWordAt + 2 > count) { FlagCrcError(); return; }
            ushort expected = SimCrc.Ccitt(mosi, mosiOffset, crcWordAt);
            ushort got = (ushort)((mosi[mosiOffset + crcWordAt] << 8) | mosi[mosiOffset + crcWordAt + 1]);
            if (expected != got) { FlagCrcError(); return; }
        }
        _reg[1] &= unchecked((ushort)~0x1000);
        Execute(cmd, mosi, mosiOffset, count, w, dataWords);
    }

    private void FlagCrcError()
    {
        InputCrcErrors++;
        _reg[1] |= 0x1000;
        _response = _reg[1];
    }

    private void Execute(ushort cmd, byte[] mosi, int mosiOffset, int count, int w, int dataWords)
    {
        if (cmd == 0x0000) { _response = _reg[1]; return; }
        if (cmd == 0x0011) { PowerOn(); _response = 0xFF22; return; }
        if (cmd == 0x0022 || cmd == 0x0033 || cmd == 0x0555 || cmd == 0x0655) { _response = cmd; return; }
        int address = (cmd >> 7) & 0x3F;
        int n = (cmd & 0x7F) + 1;
        if ((cmd & 0xE000) == 0xA000)
        {
            _response = _reg[address];   // single-register read; multi-register reads answer the first
            return;
        }
        if ((cmd & 0xE000) == 0x6000)
        {
            for (int i = 0; i < n; i++)
            {
                int at = (1 + i) * w;
                if (at + 2 > count) break;
                ushort value = (ushort)((mosi[mosiOffset + at] << 8) | mosi[mosiOffset + at + 1]);
                WriteRegister(address + i, value);
            }
            _response = (ushort)(0x4000 | (address << 7) | (n - 1));
            return;
        }
        _response = _reg[1];   // unknown command: treated as NULL
    }

    private void WriteRegister(int address, ushort value)
    {
        switch (address)
        {
            case 0x00:
            case 0x01:
                return;                                  // ID and STATUS are read-only
            case 0x02:
                // RESET (bit 10) can only be cleared; STATUS mirrors CRC_TYPE, RESET and WLENGTH.
                value = (ushort)((value & 0x3B1F) | (_reg[2] & value & 0x0400));
                _reg[1] = (ushort)((_reg[1] & ~0x0F00) | (value & 0x0F00));
                break;
            case 0x03:
                value &= 0x033F;
                if (value != _reg[3]) _nextConversion = _board.NowMicroseconds + 1e6 / (ClockInHz / 2 / s_osr[(value >> 2) & 7]) / ((value & 0x1C) == 0 && (value & 0x20) != 0 ? 2 : 1);
                break;
        }
        if (address < 0x3E) _reg[address] = value;
    }

    private static void PutWord16(byte[] b, int off, int count, int at, int w, ushort v)
    {
        if (at + 2 > count) return;
        b[off + at] = (byte)(v >> 8);
        b[off + at + 1] = (byte)v;
    }

    private static void PutData(byte[] b, int off, int count, int at, int w, int v)
    {
        if (at + w > count) return;
        if (w == 2) { b[off + at] = (byte)(v >> 16); b[off + at + 1] = (byte)(v >> 8); return; }
        b[off + at] = (byte)(v >> 16);
        b[off + at + 1] = (byte)(v >> 8);
        b[off + at + 2] = (byte)v;
        if (w == 4) b[off + at + 3] = 0;
    }
}
