// Simulated PCM1863: paged register file decoded from its own reading of the datasheet, status registers that follow
// the clocks the ESP32 gives it, and the converter: decimation filter, DC high-pass, full scale, noise, mute, clipping.
using System;

namespace PreampFirmware.Sim;

/// <summary>Where a simulated PCM1863 expects the R/W bit in its 16-bit control word (the datasheet states both).</summary>
public enum Pcm1863WireLayout
{
    /// <summary>SLAS831D Figure 47 NOTE: address in B15–B9, R/W in B8.</summary>
    ReadWriteInBit8,
    /// <summary>SLAS831D prose (and Linux's SPI regmap): R/W in B15, address in B14–B8.</summary>
    ReadWriteInBit15,
}

/// <summary>
/// A PCM1863 as SLAS831D describes it, written without the firmware's constants: SPI words of 16 bits (one per
/// chip-select frame), a page register at 00h of every page, a software reset by FEh, reset values of page 0,
/// read-only status registers (72h–75h, 78h) that follow the BCK/LRCK the ESP32 drives, and a converter that
/// runs only when it has locked to them. Samples come from the board's analog model through the chip's decimation
/// filter (<see cref="FilterGainDb"/>), its DC high-pass, full scale (4.2 Vrms differential), noise (SNR 110 dB)
/// and the mute bits of 71h.
/// </summary>
public sealed class SimPcm1863 : ISimSpiDevice
{
    /// <summary>Differential RMS volts of a full-scale sine at PGA 0 dB (SLAS831D "Analog Front End").</summary>
    public const double FullScaleRmsVolts = 4.2;
    /// <summary>Peak volts of <see cref="FullScaleRmsVolts"/>: the input that reaches code ±2^23.</summary>
    public static readonly double FullScalePeakVolts = FullScaleRmsVolts * Math.Sqrt(2);
    /// <summary>Signal-to-noise ratio, dB, differential, PGA 0 dB (SLAS831D §7.5, typical).</summary>
    public const double SnrDb = 110.0;
    /// <summary>Time from clocks present (or a reset with clocks present) to the run state, µs ([verify] on the bench).</summary>
    public const long LockMicroseconds = 10_000;

    // Decimation filter, classic FIR, as modelled here. [verify] Source: these four figures follow TI's PCM1820-family
    // digital-filter table, not a PCM186x source; SLAS831D §7.7 ("Electrical Characteristics: Digital Filter") holds the
    // PCM1863's own figures and was not read. The one place they live; hardware/bringup.md names the bench check that
    // settles them: a generator swept from 0.40 fS to 0.70 fS at -6 dBFS into input 1, the captured level read at each
    // step (pass-band edge and ripple below 0.5 fS, stop-band edge and attenuation from the aliases above it).
    /// <summary>Pass band edge, × fS.</summary>
    public const double PassBandEdge = 0.454;
    /// <summary>Pass-band ripple, ± dB.</summary>
    public const double PassBandRippleDb = 0.05;
    /// <summary>Stop band edge, × fS.</summary>
    public const double StopBandEdge = 0.58;
    /// <summary>Stop-band attenuation, dB.</summary>
    public const double StopBandAttenuationDb = 72.0;
    /// <summary>DC high-pass −3 dB frequency, × fS (first order; about 1 Hz at 48 kHz, [verify]).</summary>
    public const double HighPassCorner = 0.00002;

    private readonly SimBoard _board;
    private readonly byte[][] _pages = new byte[256][];
    private readonly NoiseRandom _noise;
    private int _page;
    private bool _clocks;
    private int _rate;
    private int _bckPerFrame;
    private long _lockFromUs;
    private readonly double[] _hpfIn = new double[2];
    private readonly double[] _hpfOut = new double[2];
    private double _hpfPole = 1;

    internal SimPcm1863(SimBoard board, int noiseSeed)
    {
        _board = board;
        _noise = new NoiseRandom(noiseSeed * 31337 + 11);
        foreach (int p in new[] { 0, 1, 3, 253 }) _pages[p] = new byte[256];
        PowerOn();
    }

    /// <summary>Which R/W layout this part decodes (a board built to the other reading answers garbage to the driver).</summary>
    public Pcm1863WireLayout WireLayout { get; set; } = Pcm1863WireLayout.ReadWriteInBit8;

    /// <summary>
    /// The SPI mode whose edges this part samples MC on: 0 (MOSI sampled on the rising edge, the driver's documented
    /// reading) or 1 (sampled on the falling edge, MISO driven on the rising one). The bus decodes the bits by it
    /// (<see cref="SimSpiChannel"/>).
    /// </summary>
    public int SpiMode { get; set; }

    /// <summary>Fault: BCK does not reach the part (LRCK does): it reports BCK halted, does not run and sends no samples.</summary>
    public bool BitClockLost { get; set; }

    /// <summary>Gain error of each channel of the converter, as a factor (1 = none).</summary>
    public double[] GainErrorFactor { get; } = { 1.0, 1.0 };

    /// <summary>Offset of each channel of the converter, volts at its input (removed by the DC high-pass).</summary>
    public double[] OffsetErrorVolts { get; } = new double[2];

    /// <summary>When true, conversions carry no noise (for exact tests).</summary>
    public bool Noiseless { get; set; }

    /// <summary>Fault: the part stops converting (lost its supply or its PLL): the status registers say so and DOUT is silent.</summary>
    public bool Stopped { get; set; }

    /// <summary>Software resets seen.</summary>
    public int Resets { get; private set; }

    /// <summary>Chip-select frames that were not one 16-bit word (ignored by the part).</summary>
    public int MalformedFrames { get; private set; }

    /// <summary>Register writes since power-up.</summary>
    public int Writes { get; private set; }

    /// <summary>When set, every write the part takes (page, address, value), the page selects and resets included.</summary>
    public System.Collections.Generic.List<(int Page, int Address, int Value)> WriteLog { get; set; }

    /// <summary>A register as the part holds it (page 0 unless given).</summary>
    public byte Register(int address, int page = 0) => _pages[page][address & 0xFF];

    /// <summary>True while the part converts: clocks locked, powered up, not faulted.</summary>
    public bool Running => State == 0x0F;

    /// <summary>The sample rate the part was last clocked at, S/s (0 before).</summary>
    public int ClockRate => _rate;

    /// <summary>Power comes back after a cut: every register at its reset value.</summary>
    internal void PowerCycle() => PowerOn();

    private void PowerOn()
    {
        foreach (var page in _pages) if (page != null) Array.Clear(page);
        byte[] p0 = _pages[0];
        p0[0x06] = 0x41;
        p0[0x07] = 0x41;
        p0[0x08] = 0x42;
        p0[0x09] = 0x42;
        p0[0x0B] = 0x44;
        p0[0x20] = 0x01;
        p0[0x26] = 0x03;
        p0[0x27] = 0x3F;
        p0[0x28] = 0x01;
        p0[0x70] = 0x70;
        p0[0x71] = 0x10;
        _page = 0;
        _lockFromUs = _board.NowMicroseconds;
        ResetFilters();
    }

    private void ResetFilters()
    {
        Array.Clear(_hpfIn);
        Array.Clear(_hpfOut);
    }

    /// <summary>The ESP32 started (or changed) BCK and LRCK: <paramref name="rate"/> frames per second, <paramref name="bckPerFrame"/> bit clocks each.</summary>
    public void ClocksStarted(int rate, int bckPerFrame, long atUs)
    {
        _clocks = true;
        _rate = rate;
        _bckPerFrame = bckPerFrame;
        _lockFromUs = atUs;
        _hpfPole = Math.Exp(-2 * Math.PI * HighPassCorner);
        ResetFilters();
    }

    /// <summary>The ESP32 stopped BCK and LRCK.</summary>
    internal void ClocksStopped()
    {
        _clocks = false;
    }

    /*
     * Status registers as modelled from SLAS831D's register pages (bit meanings "1 = halted / error" [verify] on the bench:
     * stop the I2S clocks and read 75h, or start them at 48 BCK per frame and read 74h/75h):
     *   72h DEVICE_STATUS b3-0: 0 power-down, 1 waiting for stable clocks, 3 standby, 9 sleep, F run.
     *   73h FSAMPLE_STATUS b2-0: 0 LRCK halted or below range, 1 8 kHz, 2 16 kHz, 3 32-48 kHz, 4 88.2-96 kHz,
     *       5 176.4-192 kHz, 6 above range.
     *   74h DIV_STATUS b6-4 BCK/LRCK ratio: 0 BCK halted, 1 32, 2 48, 3 64, 4 256, 6 above range, 7 invalid or LRCK
     *       halted; b2-0 SCK ratio: 0, no SCKI on this board.
     *   75h CLK_STATUS: b6 LRCK halted, b5 BCK halted, b4 SCK halted (always: BCK-PLL mode, no SCKI), b2 LRCK error (a
     *       rate outside every class), b1 BCK error (a BCK/LRCK ratio the part does not take).
     */

    private bool BitClockIn => _clocks && !BitClockLost && !Stopped;
    private bool FrameClockIn => _clocks && !Stopped;

    /// <summary>74h BCK ratio code of the clocks the part sees.</summary>
    private int RatioCode
    {
        get
        {
            if (!BitClockIn) return 0;
            if (!FrameClockIn) return 7;
            return _bckPerFrame switch { 32 => 1, 48 => 2, 64 => 3, 256 => 4, > 256 => 6, _ => 7 };
        }
    }

    /// <summary>DEVICE_STATUS state code now.</summary>
    private int State
    {
        get
        {
            byte power = _pages[0][0x70];
            if (Stopped || (power & 0x04) != 0) return 0x00;          // power-down
            if ((power & 0x01) != 0) return 0x03;                     // standby
            if ((power & 0x02) != 0) return 0x09;                     // sleep
            if (!BitClockIn || RateClass is 0 or 6 || RatioCode is 0 or 6 or 7) return 0x01;
            return _board.NowMicroseconds - _lockFromUs >= LockMicroseconds ? 0x0F : 0x01;
        }
    }

    /// <summary>FSAMPLE_STATUS class of the LRCK it sees (0 without clocks).</summary>
    private int RateClass
    {
        get
        {
            if (!FrameClockIn) return 0;
            if (_rate >= 7000 && _rate <= 9000) return 1;
            if (_rate >= 14000 && _rate <= 18000) return 2;
            if (_rate >= 29000 && _rate <= 50000) return 3;
            if (_rate >= 85000 && _rate <= 100000) return 4;
            if (_rate >= 170000 && _rate <= 200000) return 5;
            return _rate > 200000 ? 6 : 0;
        }
    }

    /// <summary>75h CLK_STATUS now.</summary>
    private int ClockStatus
    {
        get
        {
            int status = 0x10;                                           // SCK halted: BCK-PLL mode, no SCKI
            if (!FrameClockIn) status |= 0x40;
            if (!BitClockIn) status |= 0x20;
            if (FrameClockIn && RateClass is 0 or 6) status |= 0x04;
            if (BitClockIn && FrameClockIn && RatioCode is 6 or 7) status |= 0x02;
            return status;
        }
    }

    private byte ReadRegister(int address)
    {
        if (_page == 0)
        {
            switch (address)
            {
                case 0x00: return (byte)_page;
                case 0x72: return (byte)State;
                case 0x73: return (byte)RateClass;
                case 0x74: return (byte)(RatioCode << 4);
                case 0x75: return (byte)ClockStatus;
                case 0x78: return (byte)(Stopped ? 0x00 : 0x07);
            }
        }
        return _pages[_page][address];
    }

    private void WriteRegister(int address, byte value)
    {
        Writes++;
        WriteLog?.Add((_page, address, value));
        if (address == 0x00)
        {
            if (value == 0xFE)
            {
                Resets++;
                _board.CatchUpAudio();
                PowerOn();
                if (_clocks) _lockFromUs = _board.NowMicroseconds;
                return;
            }
            if (_pages[value] != null) _page = value;
            return;
        }
        if (_page == 0 && address is >= 0x72 and <= 0x78) return;      // read-only status
        _board.CatchUpAudio();
        if (_page == 0 && address == 0x70 && (value & 0x07) == 0 && (_pages[0][0x70] & 0x07) != 0 && _clocks)
        {
            _lockFromUs = _board.NowMicroseconds;                         // leaving power-down or standby: lock again
        }
        _pages[_page][address] = value;
    }

    /// <inheritdoc />
    public void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count)
    {
        Array.Clear(miso, misoOffset, count);
        if (count != 2)
        {
            MalformedFrames++;
            return;
        }
        int b0 = mosi[mosiOffset];
        int address;
        bool read;
        if (WireLayout == Pcm1863WireLayout.ReadWriteInBit8)
        {
            address = b0 >> 1;
            read = (b0 & 1) != 0;
        }
        else
        {
            address = b0 & 0x7F;
            read = (b0 & 0x80) != 0;
        }
        if (read)
        {
            miso[misoOffset + 1] = ReadRegister(address);
        }
        else
        {
            WriteRegister(address, mosi[mosiOffset + 1]);
        }
    }

    /// <summary>
    /// Magnitude of the decimation filter at <paramref name="frequencyHz"/> for output rate <paramref name="rate"/>, dB:
    /// a small ripple in the pass band, a smooth fall through the transition band (−6 dB at fS/2), the stop-band
    /// attenuation beyond. What the filter lets through above fS/2 folds back into the audio band when sampled.
    /// </summary>
    public static double FilterGainDb(double frequencyHz, int rate)
    {
        double x = Math.Abs(frequencyHz) / rate;
        if (x <= PassBandEdge)
        {
            return PassBandRippleDb * Math.Cos(2 * Math.PI * x / PassBandEdge * 6.5);
        }
        if (x >= StopBandEdge)
        {
            return -StopBandAttenuationDb;
        }
        if (x <= 0.5)
        {
            double t = (x - PassBandEdge) / (0.5 - PassBandEdge);
            return PassBandRippleDb - (6.0 + PassBandRippleDb) * t * t;
        }
        double u = (x - 0.5) / (StopBandEdge - 0.5);
        return -6.0 - (StopBandAttenuationDb - 6.0) * (1 - (1 - u) * (1 - u));
    }

    /// <summary>The filter's linear gain (see <see cref="FilterGainDb"/>).</summary>
    public static double FilterGain(double frequencyHz, int rate) => Math.Pow(10, FilterGainDb(frequencyHz, rate) / 20);

    /// <summary>
    /// Converts one block of frames: <paramref name="volts"/> are the differential voltages at the two inputs (already
    /// through the board's analog chain and shaped by <see cref="FilterGain"/>), written as 24-bit little-endian
    /// samples into <paramref name="dest"/> from <paramref name="offset"/>, channel 1 first.
    /// </summary>
    internal void Convert(double[][] volts, int frames, byte[] dest, int offset)
    {
        if (!Running)
        {
            Array.Clear(dest, offset, frames * 6);
            return;
        }
        byte[] p0 = _pages[0];
        int mute = p0[0x71] & 0x03;
        double noise = Noiseless ? 0 : 8388608.0 / Math.Sqrt(2) * Math.Pow(10, -SnrDb / 20);
        for (int ch = 0; ch < 2; ch++)
        {
            int select = p0[0x06 + ch];
            int input = select & 0x3F;
            bool connected = input == 0x10 || input == 0x01;   // the differential pair, or its positive leg single-ended (same dBFS)
            double sign = (select & 0x80) != 0 ? -1 : 1;
            double pga = Math.Pow(10, (sbyte)p0[0x01 + ch] / 40.0);
            double scale = connected ? sign * GainErrorFactor[ch] * pga * 8388608.0 / FullScalePeakVolts : 0;
            double offsetCodes = connected ? OffsetErrorVolts[ch] * 8388608.0 / FullScalePeakVolts : 0;
            bool muted = (mute & (1 << ch)) != 0;
            double[] v = volts[ch];
            double xPrev = _hpfIn[ch], yPrev = _hpfOut[ch], pole = _hpfPole;
            bool highPass = (p0[0x71] & 0x10) != 0;                     // HPF_EN: off, DC passes
            int at = offset + 3 * ch;
            for (int i = 0; i < frames; i++, at += 6)
            {
                double x = v[i] * scale + offsetCodes;
                if (noise > 0) x += noise * NormalTable.Next(_noise);
                double y = highPass ? pole * (yPrev + x - xPrev) : x;
                xPrev = x;
                yPrev = y;
                int code = muted ? 0 : (int)Math.Clamp(Math.Round(y), -8388608, 8388607);
                dest[at] = (byte)code;
                dest[at + 1] = (byte)(code >> 8);
                dest[at + 2] = (byte)(code >> 16);
            }
            _hpfIn[ch] = xPrev;
            _hpfOut[ch] = yPrev;
        }
    }
}
