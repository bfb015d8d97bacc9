// Calibration of the board: the pad's real attenuation and a gain correction per channel and gain step.
using System;

namespace PreampFirmware.Control
{
    /// <summary>
    /// The board's calibration (pure data and math). Readings in dBu are corrected as
    /// <c>dBu = RMS dBFS + 17.69 − gain − GainCorrection(ch, gain) + (pad ? PadDb(ch) : 0)</c>, where 17.69 dB is the
    /// nominal RMS level of converter full scale (a full-scale sine is 4.2 Vrms differential, +14.68 dBu, at the
    /// PGA2500 output). There is no offset to calibrate: the PCM1863's DC high-pass removes converter and system
    /// offsets. Payload, version 2 (board rev B):
    /// <code>
    ///  0  1  flags (b0 valid)
    ///  1  1  alignment: 0 EBU R68 (0 dBu = −18 dBFS), 1 SMPTE RP155 (+4 dBu = −20 dBFS)
    ///  2  2  reference level used, centi-dBu (int16)
    ///  4  2  reference frequency, Hz
    ///  6  per channel, 58 bytes:
    ///       0  1  pad attenuation − 20 dB, centi-dB (int8)
    ///       1 57  gain correction per step (0, 10, 11 … 65 dB), centi-dB (int8)
    /// </code>
    /// Corrections are limited to ±1.27 dB: a board further off than that needs repair, not calibration.
    /// </summary>
    public sealed class Calibration
    {
        /// <summary>Payload version.</summary>
        public const int Version = 2;
        /// <summary>Record tag.</summary>
        public const string Tag = "CALI";
        /// <summary>File name of the record.</summary>
        public const string File = "calibration";
        /// <summary>Gain steps per channel (0, 10 … 65 dB).</summary>
        public const int Steps = 57;
        /// <summary>Bytes per channel in the payload.</summary>
        public const int ChannelBytes = 1 + Steps;
        /// <summary>Payload bytes.</summary>
        public const int PayloadBytes = 6 + 2 * ChannelBytes;
        /// <summary>Largest correction stored, dB.</summary>
        public const double MaxCorrectionDb = 1.27;
        /// <summary>Nominal pad attenuation, dB.</summary>
        public const double NominalPadDb = 20.0;
        /// <summary>Alignment: EBU R68.</summary>
        public const int AlignmentEbu = 0;
        /// <summary>Alignment: SMPTE RP155.</summary>
        public const int AlignmentSmpte = 1;
        /// <summary>
        /// Level at the PGA2500 output of a sine whose peak reaches converter full scale, dBu: the PCM1863's 4.2 Vrms
        /// differential at PGA 0 dB, AC-coupled straight from the PGA2500 (hardware/analog-interface.md).
        /// </summary>
        public const double FullScaleSineDbu = 14.68;
        /// <summary>RMS dBFS of a full-scale sine (the meter's reference is full-scale DC).</summary>
        public const double FullScaleSineRmsDbfs = -3.0103;

        private readonly int[] _padCentiDb = new int[2];
        private readonly int[] _gainCentiDb = new int[2 * Steps];
        private bool _valid;
        private int _alignment;
        private int _referenceCentiDbu;
        private int _referenceHz;

        /// <summary>True when the data is a calibration (loaded or imported), false for nominal values.</summary>
        public bool IsValid { get { return _valid; } set { _valid = value; } }

        /// <summary>True when the data is marked valid and names the reference it was measured with (a complete calibration).</summary>
        public bool IsComplete { get { return _valid && _referenceHz >= 20 && _referenceHz <= 20000; } }

        /// <summary>Alignment convention (<see cref="AlignmentEbu"/> or <see cref="AlignmentSmpte"/>).</summary>
        public int Alignment { get { return _alignment; } set { _alignment = value == AlignmentSmpte ? AlignmentSmpte : AlignmentEbu; } }

        /// <summary>Reference level the calibration used, dBu.</summary>
        public double ReferenceDbu { get { return _referenceCentiDbu / 100.0; } set { _referenceCentiDbu = (int)Math.Round(value * 100); } }

        /// <summary>Reference frequency the calibration used, Hz.</summary>
        public int ReferenceHz { get { return _referenceHz; } set { _referenceHz = value; } }

        /// <summary>
        /// RMS level at a channel's input, dBu: <paramref name="rmsDbfs"/> referred to the converter's full scale, minus the
        /// gain and its calibrated error, plus the pad's calibrated attenuation when the pad is in. Without a calibration
        /// the corrections are zero and the pad is 20 dB. A reading at or below <paramref name="floorDbfs"/> stays there.
        /// </summary>
        public double InputDbu(int channel, double rmsDbfs, int gainDb, bool padIn, double floorDbfs)
        {
            if (rmsDbfs <= floorDbfs)
            {
                return floorDbfs;
            }
            double dbu = rmsDbfs - FullScaleSineRmsDbfs + FullScaleSineDbu - gainDb - GainCorrectionDb(channel, gainDb);
            return padIn ? dbu + PadDb(channel) : dbu;
        }

        /// <summary>Step index of a gain (0 → 0, 10..65 → 1..56).</summary>
        public static int StepIndex(int gainDb)
        {
            return gainDb == 0 ? 0 : gainDb - 9;
        }

        /// <summary>Real pad attenuation of a channel, dB.</summary>
        public double PadDb(int channel) { return NominalPadDb + _padCentiDb[channel] / 100.0; }

        /// <summary>Sets the pad attenuation; false when it is further than 1.27 dB from 20 dB.</summary>
        public bool SetPadDb(int channel, double db)
        {
            int c = (int)Math.Round((db - NominalPadDb) * 100);
            if (c < -127 || c > 127) return false;
            _padCentiDb[channel] = c;
            return true;
        }

        /// <summary>Gain error of a channel at a gain (dB above nominal), to be subtracted from readings.</summary>
        public double GainCorrectionDb(int channel, int gainDb)
        {
            return _gainCentiDb[channel * Steps + StepIndex(gainDb)] / 100.0;
        }

        /// <summary>Sets the gain error at one step; false when beyond ±1.27 dB.</summary>
        public bool SetGainCorrectionDb(int channel, int gainDb, double db)
        {
            int c = (int)Math.Round(db * 100);
            if (c < -127 || c > 127) return false;
            _gainCentiDb[channel * Steps + StepIndex(gainDb)] = c;
            return true;
        }

        /// <summary>Back to nominal values (not valid).</summary>
        public void Clear()
        {
            for (int i = 0; i < 2; i++) _padCentiDb[i] = 0;
            for (int i = 0; i < _gainCentiDb.Length; i++) _gainCentiDb[i] = 0;
            _valid = false;
            _referenceCentiDbu = 0;
            _referenceHz = 0;
        }

        /// <summary>Writes the payload.</summary>
        public void Encode(byte[] p)
        {
            p[0] = (byte)(_valid ? 1 : 0);
            p[1] = (byte)_alignment;
            p[2] = (byte)_referenceCentiDbu;
            p[3] = (byte)(_referenceCentiDbu >> 8);
            p[4] = (byte)_referenceHz;
            p[5] = (byte)(_referenceHz >> 8);
            for (int ch = 0; ch < 2; ch++)
            {
                int at = 6 + ch * ChannelBytes;
                p[at] = (byte)(sbyte)_padCentiDb[ch];
                for (int s = 0; s < Steps; s++)
                {
                    p[at + 1 + s] = (byte)(sbyte)_gainCentiDb[ch * Steps + s];
                }
            }
        }

        /// <summary>Reads a payload; false (and nothing changed) when it does not hold a plausible calibration.</summary>
        public bool Decode(byte[] p)
        {
            if (p == null || p.Length != PayloadBytes || p[1] > 1 || (p[0] & 0xFE) != 0)
            {
                return false;
            }
            _valid = p[0] == 1;
            _alignment = p[1];
            _referenceCentiDbu = (short)(p[2] | (p[3] << 8));
            _referenceHz = p[4] | (p[5] << 8);
            for (int ch = 0; ch < 2; ch++)
            {
                int at = 6 + ch * ChannelBytes;
                _padCentiDb[ch] = (sbyte)p[at];
                for (int s = 0; s < Steps; s++)
                {
                    _gainCentiDb[ch * Steps + s] = (sbyte)p[at + 1 + s];
                }
            }
            return true;
        }
    }
}
