// The phantom lease on its own: on through the sequencer, renewed, run out on the slice, refused by the lock, not saved.
using nanoFramework.TestFramework;
using PreampFirmware.Control;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class PhantomLeaseTests
    {
        private static void Slices(PhantomLease lease, ChannelRig r, int ms)
        {
            for (int t = 0; t < ms; t += 50)
            {
                r.Run(50);
                if (lease.Active) lease.Slice(50);
            }
        }

        [TestMethod]
        public static void ALeaseRunsOutAndSwitchesPhantomOffThroughTheSequencer()
        {
            ChannelRig r = new ChannelRig();
            PhantomLease lease = new PhantomLease(r.Channels);
            Assert.IsFalse(lease.Active);
            Assert.IsTrue(lease.Start(0, 2000));
            Assert.IsTrue(lease.Active);
            Slices(lease, r, 1950);
            Assert.IsTrue(r.Channels.Relays[0].Phantom.IsClosed);
            Assert.AreEqual(50, lease.RemainingMs(0));
            Slices(lease, r, 50);
            Assert.IsFalse(r.Channels.Inputs[0].Phantom, "asked off when the lease ran out");
            Assert.IsFalse(lease.Active, "nothing left to count: the slice stops calling");
            Assert.IsTrue(r.Channels.IsMuted(0), "muted before the relay moves");
            Assert.IsTrue(r.Channels.Relays[0].Phantom.IsClosed);
            r.Run(100);
            Assert.IsFalse(r.Channels.Relays[0].Phantom.IsClosed);
        }

        [TestMethod]
        public static void RenewingKeepsItAndTheLockRefusesIt()
        {
            ChannelRig r = new ChannelRig();
            PhantomLease lease = new PhantomLease(r.Channels);
            lease.Start(1, 1000);
            for (int i = 0; i < 5; i++)
            {
                Slices(lease, r, 800);
                Assert.IsTrue(lease.Start(1, 1000), "renewed");
            }
            Assert.IsTrue(r.Channels.Relays[1].Phantom.IsClosed);
            r.Channels.SetPhantomLock(0, true);
            Assert.IsFalse(lease.Start(0, 1000));
            Assert.AreEqual(0, lease.RemainingMs(0));
            Assert.IsFalse(r.Channels.Inputs[0].Phantom);
            Assert.IsFalse(r.Channels.Inputs[0].PhantomLeased);
        }

        [TestMethod]
        public static void ALeasedPhantomIsSavedAsOffAndPhantomSwitchedOffEndsTheLease()
        {
            ChannelRig r = new ChannelRig();
            PhantomLease lease = new PhantomLease(r.Channels);
            lease.Start(0, 5000);
            byte[] p = new byte[ChannelSettings.PayloadBytes];
            r.Channels.Encode(false, p);
            Assert.AreEqual(0, p[3] & 8, "a bench test's phantom is not saved as on");
            r.Channels.RequestPhantom(0, false);
            Slices(lease, r, 50);
            Assert.IsFalse(lease.Active);
            Assert.IsFalse(r.Channels.Inputs[0].PhantomLeased);
            r.Channels.RequestPhantom(0, true);
            r.Channels.Encode(false, p);
            Assert.AreEqual(8, p[3] & 8, "a person's phantom is saved");
        }
    }
}
