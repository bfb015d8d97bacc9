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
            Assert.AreEqual(0, Channels.GainIndex(0));
            Assert.AreEqual(1, Channels.GainIndex(10));
            Assert.AreEqual(56, Channels.GainIndex(65));
            Assert.AreEqual(0, Channels.GainAtIndex(-3));
            Assert.AreEqual(10, Channels.GainAtIndex(1));
            Assert.AreEqual(65, Channels.GainAtIndex(99));
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
    }
}
