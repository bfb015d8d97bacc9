// The relay sequencer of one input on its own, millisecond by millisecond: mute lead, the switch, settling, a change
// asked for while settling, the phantom ramp flag, and the safe state.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class InputChannelTests
    {
        private sealed class Rig
        {
            public readonly FakeOutput Phantom = new FakeOutput(false);
            public readonly FakeOutput Pad = new FakeOutput(false);
            public readonly FakeOutput Polarity = new FakeOutput(false);
            public readonly InputChannel Input;

            public Rig()
            {
                Input = new InputChannel(new ChannelRelays(new Relay(Phantom), new Relay(Pad), new Relay(Polarity)));
            }

            /// <summary>Ticks 1 ms at a time until the pad relay is <paramref name="closed"/>; returns the ticks it took (-1 after 5 s).</summary>
            public int TicksUntilPadIs(bool closed)
            {
                for (int t = 1; t <= 5000; t++)
                {
                    Input.Tick(1);
                    if (Pad.IsHigh == closed) return t;
                }
                return -1;
            }

            public int TicksUntilSettled()
            {
                for (int t = 1; t <= 5000; t++)
                {
                    Input.Tick(1);
                    if (Input.Settled) return t;
                }
                return -1;
            }
        }

        [TestMethod]
        public static void ARelayMovesExactlyOneMuteLeadAfterTheRequestAndSettlesAfterItsTime()
        {
            Rig r = new Rig();
            r.Input.Pad = true;
            Assert.IsTrue(r.Input.SequenceMute, "muted from the moment the change is asked for");
            Assert.IsFalse(r.Pad.IsHigh);
            // The first tick starts the sequence; the relay moves on the tick that completes the mute lead.
            Assert.AreEqual(1 + InputChannel.MuteLeadMs, r.TicksUntilPadIs(true));
            Assert.AreEqual(RelaySequence.Settling, r.Input.State);
            Assert.IsTrue(r.Input.SequenceMute);
            Assert.AreEqual(InputChannel.RelaySettleMs, r.TicksUntilSettled());
            Assert.AreEqual(RelaySequence.Idle, r.Input.State);
            Assert.IsFalse(r.Input.SequenceMute);
            Assert.AreEqual("1", r.Pad.History);
            Assert.AreEqual("0", r.Phantom.History, "the other relays are written with what they already are");
        }

        [TestMethod]
        public static void OnlyAPhantomSwitchRampsAndSettlesForTheSupply()
        {
            Rig r = new Rig();
            r.Input.Polarity = true;
            int ramping = 0;
            for (int t = 0; t < 200; t++) { r.Input.Tick(1); if (r.Input.PhantomRamping) ramping++; }
            Assert.AreEqual(0, ramping, "a polarity switch is no phantom ramp");
            Assert.IsTrue(r.Input.Settled);

            r.Input.Phantom = true;
            Assert.IsFalse(r.Input.PhantomRamping, "nothing runs until the next tick");
            r.Input.Tick(1);
            Assert.IsTrue(r.Input.PhantomRamping, "the 48V LED blinks from the request on");
            int settled = r.TicksUntilSettled();
            Assert.AreEqual(InputChannel.MuteLeadMs + InputChannel.PhantomSettleMs, settled);
            Assert.IsFalse(r.Input.PhantomRamping);

            // Switching off ramps too (the supply discharges), and the next pad switch after it is no ramp.
            r.Input.Phantom = false;
            r.Input.Tick(1);
            Assert.IsTrue(r.Input.PhantomRamping);
            Assert.AreEqual(InputChannel.MuteLeadMs + InputChannel.PhantomSettleMs, r.TicksUntilSettled());
            r.Input.Pad = true;
            ramping = 0;
            for (int t = 0; t < 200; t++) { r.Input.Tick(1); if (r.Input.PhantomRamping) ramping++; }
            Assert.AreEqual(0, ramping, "a finished phantom sequence leaves no ramp behind");
        }

        [TestMethod]
        public static void AChangeWhileSettlingSwitchesAtOnceAndSettlesForTheLongerOfTheTwo()
        {
            // Pad first; 30 ms into its settling, phantom: it switches at once and the supply's settle time counts from then.
            Rig r = new Rig();
            r.Input.Pad = true;
            r.TicksUntilPadIs(true);
            for (int t = 0; t < 30; t++) r.Input.Tick(1);
            Assert.IsFalse(r.Input.PhantomRamping);
            r.Input.Phantom = true;
            r.Input.Tick(1);
            Assert.IsTrue(r.Phantom.IsHigh, "no second mute lead: the channel is still muted");
            Assert.IsTrue(r.Input.PhantomRamping);
            Assert.AreEqual(InputChannel.PhantomSettleMs, r.TicksUntilSettled());

            // Phantom first; 100 ms into its settling, the pad: it switches at once and the supply's time still rules.
            Rig p = new Rig();
            p.Input.Phantom = true;
            p.Input.Tick(1);
            for (int t = 0; t < InputChannel.MuteLeadMs + 100; t++) p.Input.Tick(1);
            Assert.IsTrue(p.Phantom.IsHigh);
            p.Input.Pad = true;
            p.Input.Tick(1);
            Assert.IsTrue(p.Pad.IsHigh);
            Assert.IsTrue(p.Input.PhantomRamping);
            Assert.AreEqual(InputChannel.PhantomSettleMs - 101, p.TicksUntilSettled());

            // Pad late in its settling, then polarity: settling runs a relay's time from the second switch.
            Rig q = new Rig();
            q.Input.Pad = true;
            q.TicksUntilPadIs(true);
            for (int t = 0; t < InputChannel.RelaySettleMs - 5; t++) q.Input.Tick(1);
            q.Input.Polarity = true;
            q.Input.Tick(1);
            Assert.IsTrue(q.Polarity.IsHigh);
            Assert.AreEqual(InputChannel.RelaySettleMs, q.TicksUntilSettled());
        }

        [TestMethod]
        public static void TheSafeStateDropsEveryRelayAtOnceAndForgetsTheSequence()
        {
            Rig r = new Rig();
            r.Input.Phantom = true;
            r.Input.Pad = true;
            r.Input.Polarity = true;
            for (int t = 0; t < InputChannel.MuteLeadMs + 50; t++) r.Input.Tick(1);
            Assert.IsTrue(r.Phantom.IsHigh && r.Pad.IsHigh && r.Polarity.IsHigh);
            r.Input.ForceOff();
            Assert.IsFalse(r.Phantom.IsHigh || r.Pad.IsHigh || r.Polarity.IsHigh, "no tick needed");
            Assert.IsFalse(r.Input.Phantom || r.Input.Pad || r.Input.Polarity);
            Assert.AreEqual(RelaySequence.Idle, r.Input.State);
            Assert.IsTrue(r.Input.Settled);
            Assert.IsFalse(r.Input.PhantomRamping);
            r.Input.Pad = true;
            int ramping = 0;
            for (int t = 0; t < 200; t++) { r.Input.Tick(1); if (r.Input.PhantomRamping) ramping++; }
            Assert.AreEqual(0, ramping, "the interrupted phantom sequence leaves no ramp behind");
        }
    }
}
