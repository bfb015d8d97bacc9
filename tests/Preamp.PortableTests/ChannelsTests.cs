// The channels on their own: gains on the chip, link, the relay sequencer's mute, phantom lock, the saved layout.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class ChannelsTests
    {
        private static string s_events;

        private static void Record(int channel, bool moved, bool manual)
        {
            s_events = s_events + channel.ToString() + (moved ? "m" : "-") + (manual ? "h" : "a") + " ";
        }

        [TestMethod]
        public static void AGainReachesTheChipAndTellsWhetherItMoved()
        {
            ChannelRig r = new ChannelRig();
            s_events = "";
            r.Channels.GainCommanded += Record;
            r.Channels.SetGain(0, 30);
            Assert.AreEqual(30, r.Spi.GainOf(0));
            Assert.AreEqual(0, r.Spi.GainOf(1));
            r.Channels.SetGain(0, 30);                // asked again: a manual command, but nothing moved
            r.Channels.MoveGain(1, 12);               // automation
            Assert.AreEqual("0mh 0-h 1ma ", s_events);
            Assert.AreEqual(12, r.Channels.Inputs[1].GainDb);
        }

        [TestMethod]
        public static void StepsWalkTheChipsGainTable()
        {
            Assert.AreEqual(0, GainSteps.Index(0));
            Assert.AreEqual(1, GainSteps.Index(10));
            Assert.AreEqual(56, GainSteps.Index(65));
            Assert.AreEqual(0, GainSteps.AtIndex(-3));
            Assert.AreEqual(10, GainSteps.AtIndex(1));
            Assert.AreEqual(65, GainSteps.AtIndex(99));
            ChannelRig r = new ChannelRig();
            r.Channels.StepGain(0, 1);                // 0 → 10: the chip has nothing between
            Assert.AreEqual(10, r.Spi.GainOf(0));
            r.Channels.StepGain(0, -1);
            Assert.AreEqual(0, r.Spi.GainOf(0));
        }

        [TestMethod]
        public static void LinkedChannelsMoveTogetherAndStopTogetherAtTheTop()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.SetGain(0, 50);
            r.Channels.SetGain(1, 60);
            r.Channels.SetLink(true);
            r.Channels.StepGain(0, 10);
            Assert.AreEqual(55, r.Spi.GainOf(0));
            Assert.AreEqual(65, r.Spi.GainOf(1));
            r.Channels.SetMute(1, true);
            Assert.IsTrue(r.Channels.Inputs[0].Mute, "linked, mute moves both");
        }

        [TestMethod]
        public static void LinkedChannelsKeepTheirOffsetInDbAcrossTheChipsGap()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.SetGain(0, 20);
            r.Channels.SetGain(1, 60);
            r.Channels.SetLink(true);
            r.Channels.SetGain(0, 0);                 // −20 dB for both
            Assert.AreEqual(0, r.Spi.GainOf(0));
            Assert.AreEqual(40, r.Spi.GainOf(1));
            Assert.IsFalse(r.Channels.LastMoveClamped);
            r.Channels.StepGain(0, 1);                // 0 → 10: +10 dB for both
            Assert.AreEqual(50, r.Spi.GainOf(1));
            r.Channels.SetGain(1, 65);                // +15 asked, input 1 can follow
            Assert.AreEqual(25, r.Spi.GainOf(0));
            r.Channels.SetGain(0, 40);                // +15 asked, input 2 is at the top
            Assert.IsTrue(r.Channels.LastMoveClamped);
            Assert.AreEqual(25, r.Spi.GainOf(0));
            Assert.AreEqual(65, r.Spi.GainOf(1));
        }

        [TestMethod]
        public static void ALinkedStepActsTheSameFromEitherInput()
        {
            for (int from = 0; from < 2; from++)
            {
                ChannelRig r = new ChannelRig();
                r.Channels.SetGain(0, 10);
                r.Channels.SetGain(1, 25);
                r.Channels.SetLink(true);
                r.Channels.StepGain(from, -1);        // input 1 would go to 0, input 2 to 24: both go -10 dB
                Assert.IsFalse(r.Channels.LastMoveClamped);
                Assert.AreEqual(0, r.Spi.GainOf(0));
                Assert.AreEqual(15, r.Spi.GainOf(1));
                r.Channels.StepGain(from, 1);
                Assert.AreEqual(10, r.Spi.GainOf(0));
                Assert.AreEqual(25, r.Spi.GainOf(1));
                r.Channels.StepGain(from, 2);
                Assert.AreEqual(12, r.Spi.GainOf(0));
                Assert.AreEqual(27, r.Spi.GainOf(1));
            }
        }

        [TestMethod]
        public static void ALinkedMoveIntoTheGapStopsWhereBothHaveAGain()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.SetGain(0, 15);
            r.Channels.SetGain(1, 12);
            r.Channels.SetLink(true);
            r.Channels.SetGain(0, 0);                 // input 2 would need −3 dB: the nearest both can do is −2
            Assert.IsTrue(r.Channels.LastMoveClamped);
            Assert.AreEqual(13, r.Spi.GainOf(0));
            Assert.AreEqual(10, r.Spi.GainOf(1));
            Assert.AreEqual(3, r.Spi.GainOf(0) - r.Spi.GainOf(1), "the offset is kept");
        }

        [TestMethod]
        public static void APadChangeIsMutedUntilTheRelayHasSettled()
        {
            ChannelRig r = new ChannelRig();
            Assert.IsFalse(r.Channels.IsMuted(0));
            r.Channels.SetPad(0, true);
            Assert.IsTrue(r.Channels.IsMuted(0), "muted before the relay moves");
            Assert.IsFalse(r.Channels.Relays[0].Pad.IsClosed);
            r.Run(InputChannel.MuteLeadMs + InputChannel.RelaySettleMs + 20);
            Assert.IsTrue(r.Channels.Relays[0].Pad.IsClosed);
            Assert.IsFalse(r.Channels.IsMuted(0));
            Assert.AreEqual(2, r.Channels.RelayBits() & 0xF, "pad bit of input 1, unmuted");
            r.Channels.Ready = false;
            Assert.AreEqual(3, r.Channels.MuteBits(), "not ready: both muted");
        }

        [TestMethod]
        public static void PhantomIsRefusedOnALockedChannelAndTheLockSwitchesItOff()
        {
            ChannelRig r = new ChannelRig();
            Assert.IsTrue(r.Channels.RequestPhantom(0, true));
            r.Run(InputChannel.MuteLeadMs + 20);
            Assert.IsTrue(r.Channels.Relays[0].Phantom.IsClosed);
            r.Channels.SetPhantomLock(0, true);
            r.Run(InputChannel.MuteLeadMs + 20);
            Assert.IsFalse(r.Channels.Relays[0].Phantom.IsClosed, "locking switched it off");
            Assert.IsFalse(r.Channels.RequestPhantom(0, true));
            r.Run(100);
            Assert.IsFalse(r.Channels.Relays[0].Phantom.IsClosed);
            Assert.IsFalse(r.Channels.Inputs[0].Phantom);
        }

        [TestMethod]
        public static void SafeStateOpensPhantomAndZeroesTheGainsAtOnce()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.SetGain(1, 40);
            r.Channels.RequestPhantom(1, true);
            r.Run(100);
            r.Channels.EnterSafeState();
            Assert.IsFalse(r.Channels.Relays[1].Phantom.IsClosed);
            Assert.AreEqual(0, r.Spi.GainOf(1));
            Assert.IsFalse(r.Channels.Ready);
            Assert.AreEqual(Pga2500Word.OverloadLow, r.Spi.WordOf(1) & Pga2500Word.OverloadLow);
        }

        [TestMethod]
        public static void TheSavedLayoutRestoresEveryByte()
        {
            ChannelRig a = new ChannelRig();
            a.Channels.SetGain(0, 33);
            a.Channels.SetGain(1, 65);
            a.Channels.SetPad(1, true);
            a.Channels.SetPolarity(0, true);
            a.Channels.SetMute(1, true);
            a.Channels.RequestPhantom(0, true);
            a.Channels.SetPhantomLock(1, true);
            a.Channels.Select(1);
            a.Channels.SetLink(true);
            byte[] saved = new byte[ChannelSettings.PayloadBytes];
            a.Channels.Encode(true, saved);

            ChannelRig b = new ChannelRig();
            b.Channels.Restore(saved, true);
            b.Run(InputChannel.PhantomSettleMs + 100);
            byte[] again = new byte[ChannelSettings.PayloadBytes];
            b.Channels.Encode(true, again);
            for (int i = 0; i < saved.Length; i++) Assert.AreEqual(saved[i], again[i], "byte " + i.ToString());
            Assert.AreEqual(65, b.Spi.GainOf(1));
            Assert.IsTrue(b.Channels.Relays[0].Phantom.IsClosed);
        }

        private static int s_changes;

        private static void Count() { s_changes++; }

        [TestMethod]
        public static void EverySettingTheBoardKeepsSaysItChanged()
        {
            ChannelRig r = new ChannelRig();
            s_changes = 0;
            r.Channels.Changed += Count;
            r.Channels.Select(1);
            Assert.AreEqual(1, s_changes, "select");
            r.Channels.SetLink(true);
            Assert.AreEqual(2, s_changes, "link");
            r.Channels.SetPad(0, true);
            Assert.AreEqual(3, s_changes, "pad");
            r.Channels.SetPolarity(0, true);
            Assert.AreEqual(4, s_changes, "polarity");
            r.Channels.SetMute(0, true);
            Assert.AreEqual(5, s_changes, "mute");
            r.Channels.SetPhantomLock(1, true);
            Assert.AreEqual(6, s_changes, "lock");
            r.Channels.RequestPhantom(0, true);
            Assert.AreEqual(7, s_changes, "phantom");
            Assert.IsFalse(r.Channels.RequestPhantom(1, true));
            Assert.AreEqual(7, s_changes, "a refused phantom changes nothing");
            byte[] p = new byte[ChannelSettings.PayloadBytes];
            r.Channels.Encode(false, p);
            int before = s_changes;
            r.Channels.Restore(p, false);
            Assert.IsTrue(s_changes > before, "restore");
        }

        [TestMethod]
        public static void AutomationMovesAreNotManual()
        {
            ChannelRig r = new ChannelRig();
            s_events = "";
            r.Channels.GainCommanded += Record;
            r.Channels.MoveGain(0, 20);
            r.Channels.MoveGain(1, 15);
            r.Channels.SetLink(true);
            r.Channels.MoveBoth(5);
            Assert.AreEqual("0ma 1ma 0ma 1ma ", s_events);
            Assert.AreEqual(25, r.Spi.GainOf(0));
            Assert.AreEqual(20, r.Spi.GainOf(1));
        }

        [TestMethod]
        public static void TheHeaderBitsTellEveryRelayAndMute()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.RequestPhantom(0, true);
            r.Channels.SetPad(0, true);
            r.Channels.SetPolarity(0, true);
            r.Channels.SetPad(1, true);
            r.Run(InputChannel.PhantomSettleMs + 100);
            r.Channels.SetMute(0, true);
            Assert.AreEqual(0x2F, r.Channels.RelayBits(), "input 1: phantom, pad, polarity, muted; input 2: pad");
            Assert.AreEqual(1, r.Channels.MuteBits());
        }

        [TestMethod]
        public static void TheSafeStateDropsPhantomBeforeTheChainAndLeavesServoAndThresholdSafe()
        {
            OrderLog log = new OrderLog();
            LoggedSpi spi = new LoggedSpi(log);
            Pga2500Chain gain = new Pga2500Chain(spi, new FakeOutput(false), new FakeInput(false), new FakeInput(false));
            LoggedOutput p1 = new LoggedOutput(log, "phantom1");
            LoggedOutput p2 = new LoggedOutput(log, "phantom2");
            ChannelRelays[] relays = new ChannelRelays[2];
            relays[0] = new ChannelRelays(new Relay(p1), new Relay(new Pga2500Gpo(gain, 0, 1)), new Relay(new Pga2500Gpo(gain, 0, 2)));
            relays[1] = new ChannelRelays(new Relay(p2), new Relay(new Pga2500Gpo(gain, 1, 1)), new Relay(new Pga2500Gpo(gain, 1, 2)));
            Channels channels = new Channels(gain, relays);
            channels.Ready = true;
            channels.SetGain(0, 40);
            channels.Inputs[1].GainDb = 30;
            gain.Channel(0).DcServo = false;
            gain.Channel(1).CommonModeServo = true;
            p1.Write(true);
            p2.Write(true);
            log.Clear();
            channels.EnterSafeState();
            Assert.IsTrue(log.Text.StartsWith("phantom1=0 phantom2=0 spi"), "phantom first: " + log.Text);
            for (int ch = 0; ch < 2; ch++)
            {
                Assert.AreEqual(0, channels.Inputs[ch].GainDb);
                Assert.IsFalse(channels.Inputs[ch].Phantom);
                Assert.IsTrue(gain.Channel(ch).DcServo);
                Assert.IsFalse(gain.Channel(ch).CommonModeServo);
                Assert.IsTrue(gain.Channel(ch).LowOverloadThreshold);
            }
            Assert.IsFalse(channels.Ready);
        }

        [TestMethod]
        public static void AResetUnlinksUnmutesAndKeepsTheLocks()
        {
            ChannelRig r = new ChannelRig();
            r.Channels.SetGain(0, 40);
            r.Channels.SetLink(true);
            r.Channels.SetMute(0, true);
            r.Channels.SetPhantomLock(1, true);
            r.Channels.ResetToDefaults();
            Assert.IsFalse(r.Channels.Linked);
            Assert.IsFalse(r.Channels.Inputs[0].Mute);
            Assert.IsFalse(r.Channels.Inputs[1].Mute);
            Assert.AreEqual(0, r.Spi.GainOf(0));
            Assert.IsTrue(r.Channels.Inputs[1].PhantomLock);
        }

        [TestMethod]
        public static void ARecallAppliesEachGainAsSavedEvenFromALinkedState()
        {
            ChannelRig a = new ChannelRig();
            a.Channels.SetGain(0, 20);
            a.Channels.SetGain(1, 60);
            a.Channels.SetMute(1, true);
            byte[] saved = new byte[ChannelSettings.PayloadBytes];
            a.Channels.Encode(false, saved);

            ChannelRig b = new ChannelRig();
            b.Channels.SetGain(0, 50);
            b.Channels.SetGain(1, 50);
            b.Channels.SetLink(true);
            b.Channels.Select(1);
            b.Channels.Restore(saved, false);
            Assert.AreEqual(20, b.Spi.GainOf(0));
            Assert.AreEqual(60, b.Spi.GainOf(1));
            Assert.IsFalse(b.Channels.Linked);
            Assert.IsTrue(b.Channels.Inputs[1].Mute);
            Assert.IsFalse(b.Channels.Inputs[0].Mute);
            Assert.AreEqual(1, b.Channels.Selected, "a preset leaves the selection");
        }
    }
}
