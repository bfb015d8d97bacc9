// Simulated chain of two PGA2500s: a 32-bit shift register, latched on CS rising, with ZCEN and OVR behaviour.
using System;

namespace PreampFirmware.Sim;

/// <summary>
/// Two PGA2500s daisy-chained as on the board (SDI of chip 1 from MOSI, chip 2 after chip 1, MISO from chip 2's SDO).
/// Decodes the control word from its own reading of the datasheet: bit 15 DC servo (active low), 14 CM servo,
/// 12 OL, 11..8 GPO4..GPO1, 5..0 gain code (0 → 0 dB, 1..56 → 9+N dB, 57..63 → 65 dB).
/// With ZCEN high a new gain waits for a zero crossing of the chip's input or a 16 ms timeout.
/// </summary>
public sealed class SimPga2500Chain : ISimSpiDevice
{
    /// <summary>Zero-crossing timeout, µs (datasheet: up to 16 ms).</summary>
    public const long ZeroCrossTimeoutUs = 16_000;

    private readonly SimBoard _board;
    private readonly ushort[] _shift = new ushort[2];
    private readonly ushort[] _word = new ushort[2];
    private readonly int[] _appliedGainDb = new int[2];
    private readonly int[] _pendingGainDb = { -1, -1 };
    private readonly long[] _pendingSince = new long[2];
    private readonly double[] _lastInput = new double[2];

    internal SimPga2500Chain(SimBoard board, SimPin zeroCrossEnable, SimPin overload1, SimPin overload2)
    {
        _board = board;
        ZeroCrossEnable = zeroCrossEnable;
        Overload = new[] { overload1, overload2 };
    }

    /// <summary>Power comes back after a cut: words and shift registers clear (0 dB, GPOs low).</summary>
    internal void PowerCycle()
    {
        for (int ch = 0; ch < 2; ch++)
        {
            int oldGpo = Gpo(ch);
            _shift[ch] = 0;
            _word[ch] = 0;
            _appliedGainDb[ch] = 0;
            _pendingGainDb[ch] = -1;
            if (oldGpo != 0) GpoChanged?.Invoke(ch, 0);
        }
    }

    /// <summary>ZCEN input (both chips).</summary>
    public SimPin ZeroCrossEnable { get; }

    /// <summary>OVR outputs, channel 1 and 2.</summary>
    public SimPin[] Overload { get; }

    /// <summary>Words latched since power-up.</summary>
    public int Latches { get; private set; }

    /// <summary>Board time of the last latch, µs.</summary>
    public long LastLatchUs { get; private set; }

    /// <summary>Raised after every latch (CS rising edge).</summary>
    public event Action Latched;

    /// <summary>Control word latched in the chip of a channel (0-based).</summary>
    public ushort Word(int channel) => _word[channel];

    /// <summary>Gain in force now, dB (a pending zero-crossing change not yet applied).</summary>
    public int GainDb(int channel) => _appliedGainDb[channel];

    /// <summary>True while a new gain waits for a zero crossing.</summary>
    public bool GainPending(int channel) => _pendingGainDb[channel] >= 0;

    /// <summary>GPO1..GPO4 levels of a channel's chip as bits 0..3.</summary>
    public int Gpo(int channel) => (_word[channel] >> 8) & 0x0F;

    /// <summary>Raised when a GPO level changes (channel, GPO bits).</summary>
    public event Action<int, int> GpoChanged;

    /// <summary>Gain in dB for a code, as the datasheet's gain table gives it.</summary>
    public static int DecodeGainDb(int code) => code == 0 ? 0 : code >= 57 ? 65 : 9 + code;

    /// <inheritdoc />
    public void Frame(byte[] mosi, int mosiOffset, byte[] miso, int misoOffset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int inByte = mosi[mosiOffset + i];
            int outByte = 0;
            for (int bit = 7; bit >= 0; bit--)
            {
                int sdo = (_shift[1] >> 15) & 1;
                outByte = (outByte << 1) | sdo;
                _shift[1] = (ushort)((_shift[1] << 1) | ((_shift[0] >> 15) & 1));
                _shift[0] = (ushort)((_shift[0] << 1) | ((inByte >> bit) & 1));
            }
            miso[misoOffset + i] = (byte)outByte;
        }
        Latch();
    }

    private void Latch()
    {
        _board.CatchUpAudio();   // frames before the latch were converted with the old words
        long now = _board.NowMicroseconds;
        for (int ch = 0; ch < 2; ch++)
        {
            int oldGpo = Gpo(ch);
            _word[ch] = _shift[ch];
            int gain = DecodeGainDb(_word[ch] & 0x3F);
            if (gain == _appliedGainDb[ch])
            {
                _pendingGainDb[ch] = -1;
            }
            else if (ZeroCrossEnable.Level)
            {
                if (_pendingGainDb[ch] != gain)
                {
                    _pendingGainDb[ch] = gain;
                    _pendingSince[ch] = now;
                }
            }
            else
            {
                _appliedGainDb[ch] = gain;
                _pendingGainDb[ch] = -1;
            }
            if (Gpo(ch) != oldGpo) GpoChanged?.Invoke(ch, Gpo(ch));
        }
        Latches++;
        LastLatchUs = now;
        Latched?.Invoke();
    }

    /// <summary>Applies pending gains whose timeout has run out by <paramref name="nowUs"/> (no signal needed).</summary>
    internal void ApplyTimeouts(long nowUs)
    {
        if (_pendingGainDb[0] < 0 && _pendingGainDb[1] < 0) return;
        for (int ch = 0; ch < 2; ch++)
        {
            if (_pendingGainDb[ch] >= 0 && nowUs - _pendingSince[ch] >= ZeroCrossTimeoutUs)
            {
                _appliedGainDb[ch] = _pendingGainDb[ch];
                _pendingGainDb[ch] = -1;
            }
        }
    }

    /// <summary>
    /// One analog step of a channel: the differential input in volts at time <paramref name="nowUs"/>; returns the
    /// linear gain to apply. A pending gain takes effect when the input changes sign or the timeout expires.
    /// </summary>
    internal int StepGain(int channel, double input, long nowUs)
    {
        if (_pendingGainDb[channel] >= 0)
        {
            bool crossed = (_lastInput[channel] <= 0 && input > 0) || (_lastInput[channel] >= 0 && input < 0) || input == 0;
            if (crossed || nowUs - _pendingSince[channel] >= ZeroCrossTimeoutUs)
            {
                _appliedGainDb[channel] = _pendingGainDb[channel];
                _pendingGainDb[channel] = -1;
            }
        }
        _lastInput[channel] = input;
        return _appliedGainDb[channel];
    }

    /// <summary>OVR comparator: true when a differential output is beyond the OL threshold (5.1 or 4.0 Vrms of a sine, as a peak).</summary>
    internal bool IsOverload(int channel, double output)
    {
        double thresholdPeak = (_word[channel] & 0x1000) != 0 ? 5.657 : 7.212;
        return output >= thresholdPeak || output <= -thresholdPeak;
    }

    /// <summary>Drives a channel's OVR pin.</summary>
    internal void SetOverload(int channel, bool overloaded) => Overload[channel].Write(overloaded);

    /// <summary>DC servo enabled (bit 15 clear).</summary>
    public bool DcServo(int channel) => (_word[channel] & 0x8000) == 0;
}
