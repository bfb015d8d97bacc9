// Driver for the TI ADS131M02 two-channel 24-bit delta-sigma ADC: reset, verified set-up, calibration, raw frame reads.
using System;
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /*
     * Wire frame — ADS131M02 datasheet (TI SBAS990), §8.5.1 "SPI Interface" and §8.5.1.8 "SPI Communication Frames":
     * SPI mode 1 (CPOL 0, CPHA 1: DIN latched on SCLK falling, DOUT changes on rising), MSB first.
     * MODE.WLENGTH = 01: 24-bit words; a frame is 4 words = 12 bytes with CS held low throughout.
     *
     *   CS    ‾‾\__________________________________________________________/‾‾
     *   DIN      [ command      ][ CRC(cmd)/data ][ CRC / 0      ][ 0        ]   input frame
     *   DOUT     [ response     ][ channel 0     ][ channel 1    ][ CRC      ]   output frame
     *             16 b + 8 zero   24 b two's cpl   24 b two's cpl  16 b + 8 zero
     *
     * The response word answers the command of the *previous* frame. Command, response, register and CRC
     * words carry 16 bits MSB-aligned in the 24-bit word. With MODE.RX_CRC_EN = 1 the device checks the input
     * CRC (over the command and data words) and ignores a command whose CRC is wrong. The output CRC covers
     * the response and both channel words. CRC: CRC-16-CCITT, seed FFFFh (§8.5.1.11).
     *
     * /SYNC/RESET low for 1..2047 tCLKIN is a sync; ≥ 2048 tCLKIN (250 µs at 8.192 MHz) is a reset (§8.5.1.9).
     * /DRDY falls when new data is ready and returns high once the channel data has been shifted out.
     * There is no FIFO: every conversion must be read before the next /DRDY or it is lost.
     */

    /// <summary>Register map and commands of the ADS131M02 (SBAS990 §8.6, Table 8-11 register map).</summary>
    public static class Ads131m02Reg
    {
        /// <summary>00h ID, read-only: [11:8] CHANCNT (2), [7:0] REVID. Reset 22xxh.</summary>
        public const int Id = 0x00;
        /// <summary>01h STATUS, read-only: [15] LOCK, [14] F_RESYNC, [13] REG_MAP, [12] CRC_ERR, [11] CRC_TYPE, [10] RESET, [9:8] WLENGTH, [1:0] DRDY1..0. Reset 0500h.</summary>
        public const int Status = 0x01;
        /// <summary>02h MODE: [13] REG_CRC_EN, [12] RX_CRC_EN, [11] CRC_TYPE, [10] RESET (write 0 to clear), [9:8] WLENGTH, [4] TIMEOUT, [3:2] DRDY_SEL, [1] DRDY_HiZ, [0] DRDY_FMT. Reset 0510h.</summary>
        public const int Mode = 0x02;
        /// <summary>03h CLOCK: [9] CH1_EN, [8] CH0_EN, [5] TBM (turbo), [4:2] OSR, [1:0] PWR. Reset 030Eh (M02).</summary>
        public const int Clock = 0x03;
        /// <summary>04h GAIN1: [6:4] PGAGAIN1, [2:0] PGAGAIN0, code k = gain 2^k. Reset 0000h.</summary>
        public const int Gain1 = 0x04;
        /// <summary>06h CFG: global chop and current detect. Reset 0600h.</summary>
        public const int Cfg = 0x06;
        /// <summary>09h + 5n CHn_CFG: [15:6] PHASE, [1:0] MUX (00 inputs, 01 shorted, 10 +DC test, 11 -DC test).</summary>
        public const int Ch0Cfg = 0x09;
        /// <summary>0Ah + 5n CHn_OCAL_MSB: OCAL[23:8]; 24-bit two's complement subtracted from the result.</summary>
        public const int Ch0OcalMsb = 0x0A;
        /// <summary>0Bh + 5n CHn_OCAL_LSB: [15:8] OCAL[7:0].</summary>
        public const int Ch0OcalLsb = 0x0B;
        /// <summary>0Ch + 5n CHn_GCAL_MSB: GCAL[23:8]; 24-bit unsigned, 800000h = 1.0. Reset 8000h.</summary>
        public const int Ch0GcalMsb = 0x0C;
        /// <summary>0Dh + 5n CHn_GCAL_LSB: [15:8] GCAL[7:0].</summary>
        public const int Ch0GcalLsb = 0x0D;
        /// <summary>Register stride between channels.</summary>
        public const int ChannelStride = 5;

        /// <summary>NULL command; the next response is STATUS.</summary>
        public const ushort CmdNull = 0x0000;
        /// <summary>RESET command; the next response is FF22h on the M02.</summary>
        public const ushort CmdReset = 0x0011;
        /// <summary>RREG: 101a aaaa annn nnnn (a = address, n = count - 1).</summary>
        public const ushort CmdReadRegister = 0xA000;
        /// <summary>WREG: 011a aaaa annn nnnn; acknowledged by 010a aaaa ammm mmmm.</summary>
        public const ushort CmdWriteRegister = 0x6000;
        /// <summary>WREG acknowledgement prefix.</summary>
        public const ushort AckWriteRegister = 0x4000;
        /// <summary>Reset acknowledgement: FF20h | CHANCNT.</summary>
        public const ushort ResetAcknowledge = 0xFF22;

        /// <summary>MODE.RX_CRC_EN.</summary>
        public const ushort ModeRxCrcEnable = 0x1000;
        /// <summary>MODE.WLENGTH = 01 (24-bit words).</summary>
        public const ushort ModeWordLength24 = 0x0100;
        /// <summary>MODE.TIMEOUT: SPI frame timeout on.</summary>
        public const ushort ModeTimeout = 0x0010;

        /// <summary>CLOCK.CH1_EN | CLOCK.CH0_EN.</summary>
        public const ushort ClockChannelsOn = 0x0300;
        /// <summary>CLOCK.TBM: turbo (doubles the rate at OSR 128).</summary>
        public const ushort ClockTurbo = 0x0020;
        /// <summary>CLOCK.OSR field position.</summary>
        public const int ClockOsrShift = 2;
        /// <summary>CLOCK.PWR = 1x: high-resolution mode.</summary>
        public const ushort ClockHighResolution = 0x0002;
    }

    /// <summary>
    /// ADS131M02 driver. Bring-up and register traffic are checked (CRC both ways, acknowledgements, read-back);
    /// the streaming path reads whole raw frames with no per-sample work, leaving CRC and decoding to the host.
    /// </summary>
    public sealed class Ads131m02
    {
        /// <summary>Bytes per word (MODE.WLENGTH = 24 bits).</summary>
        public const int WordBytes = 3;
        /// <summary>Bytes per frame: response, two channels, CRC.</summary>
        public const int FrameBytes = 4 * WordBytes;
        /// <summary>Channels.</summary>
        public const int Channels = 2;

        /// <summary>Reset pulse on /SYNC/RESET in µs: ≥ 2048 tCLKIN = 250 µs at 8.192 MHz, with margin.</summary>
        public const int ResetPulseMicroseconds = 300;
        /// <summary>Wait after reset before the first frame, µs (tREGACQ is 5 µs; margin for the oscillator).</summary>
        public const int ResetRecoveryMicroseconds = 100;

        /// <summary>No error.</summary>
        public const int Ok = 0;
        /// <summary>The first frame after reset did not answer FF22h.</summary>
        public const int ErrorResetResponse = 1;
        /// <summary>An output frame failed its CRC.</summary>
        public const int ErrorCrc = 2;
        /// <summary>A register write was not acknowledged.</summary>
        public const int ErrorAcknowledge = 3;
        /// <summary>A register read back a different value than written.</summary>
        public const int ErrorReadBack = 4;
        /// <summary>A data rate the converter cannot run at.</summary>
        public const int ErrorRate = 5;

        private readonly ISpiChannel _spi;
        private readonly IDigitalOutput _syncReset;
        private readonly IDigitalInput _dataReady;
        private readonly IMicrosecondClock _clock;
        private readonly byte[] _tx = new byte[FrameBytes];
        private readonly byte[] _rx = new byte[FrameBytes];
        private readonly byte[] _nullFrame = new byte[FrameBytes];
        private readonly int[] _offset = new int[Channels];
        private readonly int[] _gain = new int[Channels];
        private int _rate = 8000;
        private string _lastError;
        private bool _configured;

        /// <summary>Creates the driver; the converter is left as it is until <see cref="Initialize"/>.</summary>
        public Ads131m02(ISpiChannel spi, IDigitalOutput syncReset, IDigitalInput dataReady, IMicrosecondClock clock)
        {
            _spi = spi;
            _syncReset = syncReset;
            _dataReady = dataReady;
            _clock = clock;
            for (int ch = 0; ch < Channels; ch++)
            {
                _gain[ch] = 0x800000;
            }
            // Streaming frames carry a NULL command with its input CRC, so RX_CRC_EN does not flag them.
            EncodeCommand(Ads131m02Reg.CmdNull, false, 0, _nullFrame);
        }

        /// <summary>What went wrong in the last failed call, or null.</summary>
        public string LastError { get { return _lastError; } }

        /// <summary>True after a successful <see cref="Initialize"/> (cleared by a failed one or <see cref="HoldInReset"/>).</summary>
        public bool IsConfigured { get { return _configured; } }

        /// <summary>The data rate set by the last <see cref="Initialize"/>, S/s.</summary>
        public int SampleRate { get { return _rate; } }

        /// <summary>True while /DRDY is low: a conversion is waiting to be read.</summary>
        public bool DataReady { get { return !_dataReady.Read(); } }

        /// <summary>CLOCK.OSR code for a data rate at fCLKIN 8.192 MHz (fMOD = 4.096 MHz, rate = fMOD / OSR), or -1.</summary>
        public static int OsrCode(int samplesPerSecond)
        {
            switch (samplesPerSecond)
            {
                case 64000: return 0; // OSR 128 with TBM
                case 32000: return 0; // OSR 128
                case 16000: return 1; // 256
                case 8000: return 2;  // 512
                case 4000: return 3;  // 1024
                case 2000: return 4;  // 2048
                case 1000: return 5;  // 4096
                case 500: return 6;   // 8192
                case 250: return 7;   // 16256: 252 S/s exactly
                default: return -1;
            }
        }

        /// <summary>CLOCK register value for a rate: both channels on, high-resolution mode (pure). -1 for an unsupported rate.</summary>
        public static int ClockWord(int samplesPerSecond)
        {
            int osr = OsrCode(samplesPerSecond);
            if (osr < 0)
            {
                return -1;
            }
            int word = Ads131m02Reg.ClockChannelsOn | (osr << Ads131m02Reg.ClockOsrShift) | Ads131m02Reg.ClockHighResolution;
            if (samplesPerSecond == 64000)
            {
                word |= Ads131m02Reg.ClockTurbo;
            }
            return word;
        }

        /// <summary>MODE value used on rev A: input CRC on, 24-bit words, SPI timeout on, RESET flag cleared, DRDY push-pull level.</summary>
        public const ushort ModeWord = Ads131m02Reg.ModeRxCrcEnable | Ads131m02Reg.ModeWordLength24 | Ads131m02Reg.ModeTimeout;

        /// <summary>RREG command word for one register (pure).</summary>
        public static ushort ReadCommand(int address)
        {
            return (ushort)(Ads131m02Reg.CmdReadRegister | ((address & 0x3F) << 7));
        }

        /// <summary>WREG command word for one register (pure).</summary>
        public static ushort WriteCommand(int address)
        {
            return (ushort)(Ads131m02Reg.CmdWriteRegister | ((address & 0x3F) << 7));
        }

        /// <summary>
        /// Builds an input frame (pure): command word, then the data word when <paramref name="hasData"/>, then the
        /// CRC of those words, zero padding to 12 bytes.
        /// </summary>
        public static void EncodeCommand(ushort command, bool hasData, ushort data, byte[] frame)
        {
            Array.Clear(frame, 0, FrameBytes);
            frame[0] = (byte)(command >> 8);
            frame[1] = (byte)command;
            int crcAt = WordBytes;
            if (hasData)
            {
                frame[3] = (byte)(data >> 8);
                frame[4] = (byte)data;
                crcAt = 2 * WordBytes;
            }
            ushort crc = Crc16Ccitt.Compute(frame, 0, crcAt);
            frame[crcAt] = (byte)(crc >> 8);
            frame[crcAt + 1] = (byte)crc;
        }

        /// <summary>The 16-bit response word at the start of an output frame (pure).</summary>
        public static ushort DecodeResponse(byte[] frame, int offset)
        {
            return (ushort)((frame[offset] << 8) | frame[offset + 1]);
        }

        /// <summary>True when an output frame's CRC word matches its response and channel words (pure).</summary>
        public static bool CheckOutputCrc(byte[] frame, int offset)
        {
            ushort crc = Crc16Ccitt.Compute(frame, offset, 3 * WordBytes);
            int sent = (frame[offset + 9] << 8) | frame[offset + 10];
            return crc == sent;
        }

        /// <summary>Channel <paramref name="channel"/>'s 24-bit two's-complement sample from an output frame (pure).</summary>
        public static int DecodeSample(byte[] frame, int offset, int channel)
        {
            int at = offset + WordBytes * (1 + channel);
            int v = (frame[at] << 16) | (frame[at + 1] << 8) | frame[at + 2];
            return (v << 8) >> 8;
        }

        /// <summary>
        /// Sets the offset calibration of a channel (24-bit two's complement in ADC codes, subtracted by the
        /// converter). Kept here and written again after every reset, because OCAL is volatile.
        /// </summary>
        public void SetOffsetCalibration(int channel, int offsetCodes)
        {
            _offset[channel] = offsetCodes;
        }

        /// <summary>Sets the gain calibration of a channel (unsigned 24-bit, 800000h = 1.0); reloaded after every reset.</summary>
        public void SetGainCalibration(int channel, int gainWord)
        {
            _gain[channel] = gainWord & 0xFFFFFF;
        }

        /// <summary>Offset calibration held for a channel.</summary>
        public int OffsetCalibration(int channel) { return _offset[channel]; }

        /// <summary>Gain calibration held for a channel.</summary>
        public int GainCalibration(int channel) { return _gain[channel]; }

        /// <summary>CHn_CFG.MUX: normal input.</summary>
        public const int MuxInput = 0;
        /// <summary>CHn_CFG.MUX: inputs shorted internally (offset measurement).</summary>
        public const int MuxShorted = 1;

        /// <summary>Selects a channel's input multiplexer (CHn_CFG[1:0]), read back. Reset returns it to the input.</summary>
        public int SetInputMux(int channel, int mux)
        {
            return WriteVerified(Ads131m02Reg.Ch0Cfg + channel * Ads131m02Reg.ChannelStride, (ushort)(mux & 3));
        }

        /// <summary>Writes the held offset and gain calibration of both channels now (the converter must be configured).</summary>
        public int ReloadCalibration()
        {
            int result = Ok;
            for (int ch = 0; ch < Channels && result == Ok; ch++)
            {
                result = WriteCalibration(ch);
            }
            return result;
        }

        /// <summary>Holds the converter in reset (/SYNC/RESET low): no conversions, DOUT idle.</summary>
        public void HoldInReset()
        {
            _syncReset.Write(false);
            _configured = false;
        }

        /// <summary>
        /// Resets the converter through /SYNC/RESET, checks the reset acknowledgement, and writes MODE, CLOCK,
        /// GAIN1 and both channels' OCAL/GCAL, reading each back. Returns <see cref="Ok"/> or an error code,
        /// with <see cref="LastError"/> saying what happened.
        /// </summary>
        public int Initialize(int samplesPerSecond)
        {
            _configured = false;
            _lastError = null;
            int clockWord = ClockWord(samplesPerSecond);
            if (clockWord < 0)
            {
                return Fail(ErrorRate, "ADS131M02: no data rate of " + samplesPerSecond.ToString() + " S/s");
            }

            _syncReset.Write(false);
            _clock.Wait(ResetPulseMicroseconds);
            _syncReset.Write(true);
            _clock.Wait(ResetRecoveryMicroseconds);

            ushort response;
            int result = Exchange(Ads131m02Reg.CmdNull, false, 0, out response, "reset response");
            if (result != Ok)
            {
                return result;
            }
            if (response != Ads131m02Reg.ResetAcknowledge)
            {
                return Fail(ErrorResetResponse, "ADS131M02: reset response 0x" + response.ToString("X4") + ", expected 0xFF22" + StuckHint(response));
            }

            result = WriteVerified(Ads131m02Reg.Mode, ModeWord);
            if (result == Ok) result = WriteVerified(Ads131m02Reg.Clock, (ushort)clockWord);
            if (result == Ok) result = WriteVerified(Ads131m02Reg.Gain1, 0x0000);
            for (int ch = 0; ch < Channels && result == Ok; ch++)
            {
                result = WriteCalibration(ch);
            }
            if (result != Ok)
            {
                return result;
            }
            _rate = samplesPerSecond;
            _configured = true;
            return Ok;
        }

        /// <summary>Writes a channel's OCAL and GCAL registers from the held values, reading each back.</summary>
        public int WriteCalibration(int channel)
        {
            int baseAddress = channel * Ads131m02Reg.ChannelStride;
            int o = _offset[channel] & 0xFFFFFF;
            int g = _gain[channel];
            int result = WriteVerified(Ads131m02Reg.Ch0OcalMsb + baseAddress, (ushort)(o >> 8));
            if (result == Ok) result = WriteVerified(Ads131m02Reg.Ch0OcalLsb + baseAddress, (ushort)((o & 0xFF) << 8));
            if (result == Ok) result = WriteVerified(Ads131m02Reg.Ch0GcalMsb + baseAddress, (ushort)(g >> 8));
            if (result == Ok) result = WriteVerified(Ads131m02Reg.Ch0GcalLsb + baseAddress, (ushort)((g & 0xFF) << 8));
            return result;
        }

        /// <summary>
        /// Writes one register and proves it: WREG, then RREG (whose frame returns the WREG acknowledgement),
        /// then NULL (whose frame returns the value). Three frames, every output CRC checked.
        /// </summary>
        public int WriteVerified(int address, ushort value)
        {
            ushort response;
            int result = Exchange(WriteCommand(address), true, value, out response, RegisterName(address));
            if (result != Ok) return result;
            result = Exchange(ReadCommand(address), false, 0, out response, RegisterName(address));
            if (result != Ok) return result;
            ushort expectedAck = (ushort)(Ads131m02Reg.AckWriteRegister | ((address & 0x3F) << 7));
            if (response != expectedAck)
            {
                return Fail(ErrorAcknowledge, "ADS131M02: write of " + RegisterName(address) + " answered 0x" + response.ToString("X4") + ", expected 0x" + expectedAck.ToString("X4") + StuckHint(response));
            }
            result = Exchange(Ads131m02Reg.CmdNull, false, 0, out response, RegisterName(address));
            if (result != Ok) return result;
            if (response != value)
            {
                return Fail(ErrorReadBack, "ADS131M02: " + RegisterName(address) + " reads back 0x" + response.ToString("X4") + ", wrote 0x" + value.ToString("X4"));
            }
            return Ok;
        }

        /// <summary>
        /// Streaming path: clocks one whole output frame (response, both channels, CRC) into
        /// <paramref name="destination"/> at <paramref name="offset"/>, untouched. No decoding, no CRC on the device.
        /// </summary>
        public void ReadFrame(byte[] destination, int offset)
        {
            _spi.Transfer(_nullFrame, 0, destination, offset, FrameBytes);
        }

        private int Exchange(ushort command, bool hasData, ushort data, out ushort response, string what)
        {
            EncodeCommand(command, hasData, data, _tx);
            _spi.Transfer(_tx, 0, _rx, 0, FrameBytes);
            response = DecodeResponse(_rx, 0);
            if (!CheckOutputCrc(_rx, 0))
            {
                int sent = (_rx[9] << 8) | _rx[10];
                return Fail(ErrorCrc, "ADS131M02: CRC error on " + what + " (frame CRC 0x" + sent.ToString("X4") + ", computed 0x" + Crc16Ccitt.Compute(_rx, 0, 9).ToString("X4") + ")" + StuckHint(response));
            }
            return Ok;
        }

        private int Fail(int code, string message)
        {
            _lastError = message;
            _configured = false;
            return code;
        }

        private static string StuckHint(ushort response)
        {
            if (response == 0xFFFF) return " (MISO stuck high?)";
            if (response == 0x0000) return " (MISO stuck low?)";
            return "";
        }

        /// <summary>Datasheet name of a register address, for messages.</summary>
        public static string RegisterName(int address)
        {
            switch (address)
            {
                case Ads131m02Reg.Id: return "ID";
                case Ads131m02Reg.Status: return "STATUS";
                case Ads131m02Reg.Mode: return "MODE";
                case Ads131m02Reg.Clock: return "CLOCK";
                case Ads131m02Reg.Gain1: return "GAIN1";
                case Ads131m02Reg.Cfg: return "CFG";
            }
            if (address >= Ads131m02Reg.Ch0Cfg && address < Ads131m02Reg.Ch0Cfg + 2 * Ads131m02Reg.ChannelStride)
            {
                int ch = (address - Ads131m02Reg.Ch0Cfg) / Ads131m02Reg.ChannelStride;
                int field = (address - Ads131m02Reg.Ch0Cfg) % Ads131m02Reg.ChannelStride;
                string[] names = { "_CFG", "_OCAL_MSB", "_OCAL_LSB", "_GCAL_MSB", "_GCAL_LSB" };
                return "CH" + ch.ToString() + names[field];
            }
            return "register 0x" + address.ToString("X2");
        }
    }
}
