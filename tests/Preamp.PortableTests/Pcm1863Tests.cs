// PCM1863: control words against the datasheet's word layout, golden bring-up and status transactions, and faults.
using nanoFramework.TestFramework;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class Pcm1863Tests
    {
        // Literal words, SLAS831D Figure 47 NOTE: byte 0 = address (7 bits) then R/W (0 write, 1 read), byte 1 = data.
        private const string SelectPage0 = "00 00";
        private const string SoftwareReset = "00 FE";        // 00h ← FEh
        private const string ReadPcmCfg = "17 00";           // 0Bh, read
        private const string PcmCfgAfterReset = "00 44";     // its reset value, on MISO's second byte

        /// <summary>Expects a verified write: the write word, then the read of the same register answering <paramref name="value"/>.</summary>
        private static void ExpectVerifiedWrite(ScriptedSpi spi, string write, string read, string value)
        {
            spi.Expect(write, null);
            spi.Expect(read, "00 " + value);
        }

        /// <summary>The documented framing's attempt on a part at its reset values: page 0, 06h reads 41h, 06h ← 50h reads back.</summary>
        private static void ExpectDocumentedFramingFound(ScriptedSpi spi)
        {
            spi.Expect(SelectPage0, null);
            spi.Expect("0D 00", "00 41");                      // 06h ADC1_INPUT_SEL_L: its reset value
            ExpectVerifiedWrite(spi, "0C 50", "0D 00", "50");   // the value the set-up writes anyway
        }

        private static void ExpectBringUp(ScriptedSpi spi, string dsp)
        {
            ExpectDocumentedFramingFound(spi);
            spi.Expect(SelectPage0, null);
            spi.Expect(SoftwareReset, null);
            spi.Expect(SelectPage0, null);
            spi.Expect(ReadPcmCfg, PcmCfgAfterReset);
            ExpectVerifiedWrite(spi, "02 00", "03 00", "00");   // 01h PGA_VAL_CH1_L = 0 dB
            ExpectVerifiedWrite(spi, "04 00", "05 00", "00");   // 02h PGA_VAL_CH1_R = 0 dB
            ExpectVerifiedWrite(spi, "0C 50", "0D 00", "50");   // 06h ADC1L ← {VIN1P, VIN1M}
            ExpectVerifiedWrite(spi, "0E 50", "0F 00", "50");   // 07h ADC1R ← {VIN2P, VIN2M}
            ExpectVerifiedWrite(spi, "16 44", "17 00", "44");   // 0Bh I2S, 24 bit
            ExpectVerifiedWrite(spi, "40 01", "41 00", "01");   // 20h slave, clocks detected automatically
            ExpectVerifiedWrite(spi, "E2 " + dsp, "E3 00", dsp); // 71h FIR, DC high-pass, mute bits
            ExpectVerifiedWrite(spi, "E0 70", "E1 00", "70");   // 70h running
        }

        [TestMethod]
        public static void ControlWordsFollowTheDatasheetLayout()
        {
            byte[] word = new byte[Pcm1863.WordBytes];
            Pcm1863.EncodeWrite(0x0B, 0x44, word);
            Assert.AreEqual("16 44", Hex.Format(word, 0, 2));
            Pcm1863.EncodeRead(0x72, word);
            Assert.AreEqual("E5 00", Hex.Format(word, 0, 2));
            Pcm1863.EncodeWrite(0x00, 0xFE, word);
            Assert.AreEqual(SoftwareReset, Hex.Format(word, 0, 2));
            Assert.AreEqual((byte)0xFF, Pcm1863.AddressByte(0x7F, true));
        }

        [TestMethod]
        public static void BringUpResetsConfiguresAndReadsEveryWriteBack()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            ExpectBringUp(spi, "13");
            FakeClock clock = new FakeClock();
            Pcm1863 adc = new Pcm1863(spi, clock);
            Assert.AreEqual(Pcm1863.Ok, adc.Initialize(3));
            spi.AssertDone();
            Assert.IsTrue(adc.IsConfigured);
            Assert.AreEqual(3, adc.MuteBits);
            Assert.IsTrue(clock.LongestWait >= Pcm1863.ResetRecoveryMicroseconds, "waits after the reset");
        }

        [TestMethod]
        public static void TheRememberedFramingGoesOutFirstInItsMode()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.ExpectReopen(1);                                // remembered: mode 1, R/W in the LSB
            spi.Expect(SelectPage0, null);
            spi.Expect("0D 00", "00 50");                      // 06h as configured (a warm reset)
            ExpectVerifiedWrite(spi, "0C 41", "0D 00", "41");   // the other known value, read back
            Pcm1863Port port = new Pcm1863Port(spi);
            port.Remembered = 1;
            Assert.IsTrue(port.Find());
            spi.AssertDone();
            Assert.AreEqual(1, port.Framing);
            Assert.AreEqual("1,LSB,FOUND", port.Describe());
        }

        [TestMethod]
        public static void ARememberedModeOneMsbFramingWaitsForTheModeZeroMsbAttempt()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.Expect(SelectPage0, null);                      // mode 0, R/W in the MSB first: a mode-1 MSB read would
            spi.Expect("8B 00", "00 22");                      // write 45h of such a part (Pcm1863Port's comment)
            spi.ExpectReopen(1);
            spi.Expect(SelectPage0, null);                      // then the remembered one
            spi.Expect("8B 00", "00 44");                      // 0Bh PCM_CFG: 44h
            spi.Expect("87 00", "00 41");                      // 07h ADC1_INPUT_SEL_R: its reset value
            ExpectVerifiedWrite(spi, "07 50", "87 00", "50");
            Pcm1863Port port = new Pcm1863Port(spi);
            port.Remembered = 3;
            Assert.IsTrue(port.Find());
            spi.AssertDone();
            Assert.AreEqual(3, port.Framing);
            Assert.AreEqual("1,MSB,FOUND", port.Describe());
        }

        [TestMethod]
        public static void MuteBitsAreWrittenOnlyWhenTheyChange()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            ExpectBringUp(spi, "13");
            ExpectVerifiedWrite(spi, "E2 12", "E3 00", "12");   // unmute input 1
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.Ok, adc.Initialize(3));
            Assert.AreEqual(Pcm1863.Ok, adc.SetMute(2));
            Assert.AreEqual(Pcm1863.Ok, adc.SetMute(2));
            spi.AssertDone();
            Assert.AreEqual((byte)0x10, Pcm1863.DspWord(0));
            Assert.AreEqual((byte)0x13, Pcm1863.DspWord(0xFF));
        }

        [TestMethod]
        public static void StatusOfARunningPartPasses()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.Expect("E5 00", "00 0F");   // 72h DEVICE_STATUS: run
            spi.Expect("E7 00", "00 03");   // 73h FSAMPLE_STATUS: 32–48 kHz
            spi.Expect("E9 00", "00 30");   // 74h DIV_STATUS: BCK/LRCK 64
            spi.Expect("EB 00", "00 10");   // 75h CLK_STATUS: only SCK halted (no MCLK in BCK-PLL mode)
            spi.Expect("F1 00", "00 07");   // 78h SUPPLY_STATUS: all good
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.Ok, adc.CheckClocks(48000));
            spi.AssertDone();
        }

        [TestMethod]
        public static void AWrongRateClassOrHaltedClockFailsWithTheRegisters()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.Expect("E5 00", "00 01");
            spi.Expect("E7 00", "00 00");
            spi.Expect("E9 00", "00 00");
            spi.Expect("EB 00", "00 70");
            spi.Expect("F1 00", "00 07");
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.ErrorStatus, adc.CheckClocks(44100));
            Assert.IsTrue(adc.LastError.IndexOf("DEVICE_STATUS 0x01") >= 0, adc.LastError);
            Assert.IsTrue(adc.LastError.IndexOf("CLK_STATUS 0x70") >= 0, adc.LastError);
            Assert.IsTrue(adc.LastError.IndexOf("44100") >= 0, adc.LastError);
        }

        [TestMethod]
        public static void MisoStuckHighStopsBringUpAndSaysSo()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.Expect(SelectPage0, "FF FF");      // mode 0, R/W in the LSB
            spi.Expect("0D 00", "FF FF");
            spi.Expect(SelectPage0, "FF FF");      // mode 0, R/W in the MSB
            spi.Expect("8B 00", "FF FF");
            spi.ExpectReopen(1);
            spi.Expect(SelectPage0, "FF FF");      // mode 1, R/W in the LSB
            spi.Expect("0D 00", "FF FF");
            spi.Expect(SelectPage0, "FF FF");      // mode 1, R/W in the MSB
            spi.Expect("8B 00", "FF FF");
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.ErrorReadBack, adc.Initialize(3));
            spi.AssertDone();
            Assert.IsFalse(adc.IsConfigured);
            Assert.AreEqual("PCM1863 does not answer in any control-port framing (SPI mode 0 or 1, R/W in the LSB or MSB of the address byte): " +
                            "mode 0 R/W LSB: 06h read 0xFF; mode 0 R/W MSB: 0Bh read 0xFF; mode 1 R/W LSB: 06h read 0xFF; mode 1 R/W MSB: 0Bh read 0xFF" +
                            " (MISO stuck high or the part unpowered?)", adc.LastError);
            Assert.AreEqual("NONE,0/LSB:06h=FFh,0/MSB:0Bh=FFh,1/LSB:06h=FFh,1/MSB:0Bh=FFh", adc.Port.Describe());
        }

        [TestMethod]
        public static void AWriteThatDoesNotReadBackIsNamed()
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            ExpectDocumentedFramingFound(spi);
            spi.Expect(SelectPage0, null);
            spi.Expect(SoftwareReset, null);
            spi.Expect(SelectPage0, null);
            spi.Expect(ReadPcmCfg, PcmCfgAfterReset);
            ExpectVerifiedWrite(spi, "02 00", "03 00", "00");
            ExpectVerifiedWrite(spi, "04 00", "05 00", "00");
            ExpectVerifiedWrite(spi, "0C 50", "0D 00", "41");
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.ErrorReadBack, adc.Initialize(0));
            spi.AssertDone();
            Assert.AreEqual("PCM1863 ADC1_INPUT_SEL_L (06h) wrote 0x50, read back 0x41", adc.LastError);
        }

        /// <summary>A status check at <paramref name="rate"/> that reads the five status registers with these answers (MISO's second byte).</summary>
        private static Pcm1863 StatusCheck(int rate, string device, string fsample, string div, string clk, string supply, int expected)
        {
            ScriptedSpi spi = new ScriptedSpi("PCM1863");
            spi.Expect("E5 00", "00 " + device);
            spi.Expect("E7 00", "00 " + fsample);
            spi.Expect("E9 00", "00 " + div);
            spi.Expect("EB 00", "00 " + clk);
            spi.Expect("F1 00", "00 " + supply);
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(expected, adc.CheckClocks(rate), adc.LastError);
            spi.AssertDone();
            return adc;
        }

        [TestMethod]
        public static void EachStatusRegisterAloneCanFailTheCheck()
        {
            StatusCheck(48000, "0F", "03", "30", "10", "07", Pcm1863.Ok);
            StatusCheck(48000, "0E", "03", "30", "10", "07", Pcm1863.ErrorStatus);   // not in the run state
            StatusCheck(48000, "0F", "04", "30", "10", "07", Pcm1863.ErrorStatus);   // 96 kHz class at 48 kHz
            StatusCheck(48000, "0F", "03", "20", "10", "07", Pcm1863.ErrorStatus);   // BCK/LRCK 48
            StatusCheck(48000, "0F", "03", "30", "12", "07", Pcm1863.ErrorStatus);   // BCK halted
            StatusCheck(48000, "0F", "03", "30", "14", "07", Pcm1863.ErrorStatus);   // BCK error
            StatusCheck(48000, "0F", "03", "30", "10", "06", Pcm1863.ErrorStatus);   // one supply low
            StatusCheck(48000, "0F", "03", "30", "90", "07", Pcm1863.Ok);            // bits outside the fault mask are no fault
        }

        [TestMethod]
        public static void TheStatusMessageListsEveryRegister()
        {
            Pcm1863 adc = StatusCheck(44100, "01", "00", "00", "70", "07", Pcm1863.ErrorStatus);
            Assert.AreEqual("PCM1863 is not running as configured: DEVICE_STATUS 0x01 (0x0F = run), FSAMPLE_STATUS 0 (expected 3 for 44100 S/s), " +
                            "BCK ratio code 0 (3 = 64), CLK_STATUS 0x70, SUPPLY_STATUS 0x07", adc.LastError);
        }

        [TestMethod]
        public static void TheStatusMessageHintsAtAStuckLineOnlyWhenEveryRegisterSaysSo()
        {
            string low = StatusCheck(48000, "00", "00", "00", "00", "00", Pcm1863.ErrorStatus).LastError;
            Assert.IsTrue(low.IndexOf(" (MISO stuck low?)") == low.Length - 18, low);
            string high = StatusCheck(48000, "FF", "FF", "FF", "FF", "FF", Pcm1863.ErrorStatus).LastError;
            Assert.IsTrue(high.IndexOf(" (MISO stuck high?)") == high.Length - 19, high);
            string[] noHint =
            {
                StatusCheck(48000, "00", "00", "00", "66", "07", Pcm1863.ErrorStatus).LastError,   // stopped, supplies fine
                StatusCheck(48000, "00", "00", "00", "66", "00", Pcm1863.ErrorStatus).LastError,   // clocks say something
                StatusCheck(48000, "00", "00", "00", "00", "07", Pcm1863.ErrorStatus).LastError,   // supplies say something
                StatusCheck(48000, "0F", "03", "30", "00", "00", Pcm1863.ErrorStatus).LastError,   // runs, supplies read low
                StatusCheck(48000, "0F", "07", "70", "FF", "06", Pcm1863.ErrorStatus).LastError,
                StatusCheck(48000, "0F", "03", "70", "FF", "07", Pcm1863.ErrorStatus).LastError,
                StatusCheck(48000, "0E", "07", "70", "FF", "07", Pcm1863.ErrorStatus).LastError,
            };
            for (int i = 0; i < noHint.Length; i++)
            {
                Assert.IsTrue(noHint[i].IndexOf("MISO") < 0, noHint[i]);
            }
        }

        [TestMethod]
        public static void WaitingForTheRunStateStopsAtTheTimeout()
        {
            RegisterSpi spi = new RegisterSpi();
            FakeClock clock = new FakeClock();
            Pcm1863 adc = new Pcm1863(spi, clock);
            Assert.AreEqual(Pcm1863.Ok, adc.Initialize(0));
            long start = clock.NowMicroseconds;
            Assert.AreEqual(Pcm1863.ErrorStatus, adc.WaitUntilRunning(48000));   // no clocks: it never runs
            Assert.AreEqual((long)Pcm1863.RunTimeoutMicroseconds, clock.NowMicroseconds - start);
            Assert.AreEqual((long)Pcm1863.RunPollMicroseconds, clock.LongestWait);
            spi.Clocked = 48000;
            start = clock.NowMicroseconds;
            Assert.AreEqual(Pcm1863.Ok, adc.WaitUntilRunning(48000));
            Assert.AreEqual(0L, clock.NowMicroseconds - start, "a running part is not waited for");
        }

        [TestMethod]
        public static void TheConfigurationCheckNamesTheRegisterThatChanged()
        {
            RegisterSpi spi = new RegisterSpi();
            Pcm1863 adc = new Pcm1863(spi, new FakeClock());
            Assert.AreEqual(Pcm1863.Ok, adc.Initialize(0));
            int writes = spi.Writes;
            Assert.AreEqual(Pcm1863.Ok, adc.VerifyConfiguration());
            Assert.AreEqual(writes, spi.Writes, "the check only reads");
            spi.Poke(0x20, 0x00);
            Assert.AreEqual(Pcm1863.ErrorReadBack, adc.VerifyConfiguration());
            Assert.AreEqual("PCM1863 CLK_CTRL (20h) reads 0x00, configured 0x01 (MISO stuck low?)", adc.LastError);
            spi.Poke(0x20, 0x01);
            spi.Poke(0x07, 0x41);
            Assert.AreEqual(Pcm1863.ErrorReadBack, adc.VerifyConfiguration());
            Assert.AreEqual("PCM1863 ADC1_INPUT_SEL_R (07h) reads 0x41, configured 0x50", adc.LastError);
            spi.Poke(0x07, 0x50);
            spi.Poke(0x70, 0xFF);
            Assert.AreEqual(Pcm1863.ErrorReadBack, adc.VerifyConfiguration());
            Assert.AreEqual("PCM1863 POWER_CTRL (70h) reads 0xFF, configured 0x70 (MISO stuck high or the part unpowered?)", adc.LastError);
        }

        [TestMethod]
        public static void RegistersAreNamedAsInTheDatasheet()
        {
            Assert.AreEqual("PAGE (00h)", Pcm1863.RegisterName(0x00));
            Assert.AreEqual("PGA_VAL_CH1_L (01h)", Pcm1863.RegisterName(0x01));
            Assert.AreEqual("PGA_VAL_CH1_R (02h)", Pcm1863.RegisterName(0x02));
            Assert.AreEqual("ADC1_INPUT_SEL_L (06h)", Pcm1863.RegisterName(0x06));
            Assert.AreEqual("ADC1_INPUT_SEL_R (07h)", Pcm1863.RegisterName(0x07));
            Assert.AreEqual("PCM_CFG (0Bh)", Pcm1863.RegisterName(0x0B));
            Assert.AreEqual("CLK_CTRL (20h)", Pcm1863.RegisterName(0x20));
            Assert.AreEqual("POWER_CTRL (70h)", Pcm1863.RegisterName(0x70));
            Assert.AreEqual("DSP_CTRL (71h)", Pcm1863.RegisterName(0x71));
            Assert.AreEqual("register 72h", Pcm1863.RegisterName(0x72));
        }

        [TestMethod]
        public static void RatesAreThoseOfTheBckPllTable()
        {
            Assert.IsTrue(Pcm1863.IsSupportedRate(44100));
            Assert.IsTrue(Pcm1863.IsSupportedRate(48000));
            Assert.IsTrue(Pcm1863.IsSupportedRate(96000));
            Assert.IsFalse(Pcm1863.IsSupportedRate(8000));    // needs an MCLK on this part
            Assert.IsFalse(Pcm1863.IsSupportedRate(22050));
            Assert.AreEqual(3, Pcm1863.RateClass(44100));
            Assert.AreEqual(4, Pcm1863.RateClass(88200));
            Assert.AreEqual(2, Pcm1863.RateClass(16000));
        }
    }
}
