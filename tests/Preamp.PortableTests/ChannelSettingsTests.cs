// The saved layout of both channels: every flag's bit, and what a stored payload must hold to be taken.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Drivers;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class ChannelSettingsTests
    {
        private static InputChannel[] Inputs()
        {
            InputChannel[] inputs = new InputChannel[2];
            for (int ch = 0; ch < 2; ch++)
            {
                inputs[ch] = new InputChannel(new ChannelRelays(new Relay(new FakeOutput(false)), new Relay(new FakeOutput(false)), new Relay(new FakeOutput(false))));
            }
            return inputs;
        }

        private static string Hex(byte[] p)
        {
            string s = "";
            for (int i = 0; i < p.Length; i++) s += p[i].ToString("X2") + (i < p.Length - 1 ? " " : "");
            return s;
        }

        [TestMethod]
        public static void EachFlagHasItsOwnBit()
        {
            InputChannel[] inputs = Inputs();
            byte[] p = new byte[ChannelSettings.PayloadBytes];
            ChannelSettings.Encode(inputs, false, false, 0, p);
            Assert.AreEqual("00 00 00 00 00 00 00 00 00 00", Hex(p));
            inputs[0].GainDb = 30;
            inputs[0].Pad = true;
            inputs[0].Mute = true;
            inputs[0].PhantomLock = true;
            inputs[1].GainDb = 65;
            inputs[1].Polarity = true;
            inputs[1].Phantom = true;
            ChannelSettings.Encode(inputs, true, false, 1, p);
            Assert.AreEqual("01 01 1E 15 00 00 41 0A 00 00", Hex(p));
            ChannelSettings.Encode(inputs, false, true, 0, p);
            Assert.AreEqual("02 00 1E 15 00 00 41 0A 00 00", Hex(p));
            ChannelSettings.Encode(inputs, true, true, 0, p);
            Assert.AreEqual(3, (int)p[0]);
            Assert.IsTrue(ChannelSettings.Pad(p, 0) && !ChannelSettings.Polarity(p, 0));
            Assert.IsTrue(!ChannelSettings.Pad(p, 1) && ChannelSettings.Polarity(p, 1));
            Assert.AreEqual(65, ChannelSettings.Gain(p, 1));
        }

        private static byte[] Good()
        {
            byte[] p = new byte[ChannelSettings.PayloadBytes];
            ChannelSettings.Encode(Inputs(), true, true, 1, p);
            p[3] = 31;
            p[7] = 31;
            return p;
        }

        [TestMethod]
        public static void OnlyAPayloadTheBoardCanTakeIsPlausible()
        {
            Assert.IsTrue(ChannelSettings.IsPlausible(Good()), "every flag set, input 2 selected, both linked and locked");
            Assert.IsFalse(ChannelSettings.IsPlausible(null));
            Assert.IsFalse(ChannelSettings.IsPlausible(new byte[ChannelSettings.PayloadBytes - 1]));
            Assert.IsFalse(ChannelSettings.IsPlausible(new byte[ChannelSettings.PayloadBytes + 1]));
            byte[] p = Good(); p[0] = 4; Assert.IsFalse(ChannelSettings.IsPlausible(p), "an unknown board flag");
            p = Good(); p[1] = 2; Assert.IsFalse(ChannelSettings.IsPlausible(p), "a third input selected");
            p = Good(); p[2] = 5; Assert.IsFalse(ChannelSettings.IsPlausible(p), "input 1 at a gain the chip cannot take");
            p = Good(); p[6] = 66; Assert.IsFalse(ChannelSettings.IsPlausible(p), "input 2 at a gain the chip cannot take");
            p = Good(); p[3] = 32; Assert.IsFalse(ChannelSettings.IsPlausible(p), "an unknown flag on input 1");
            p = Good(); p[7] = 32; Assert.IsFalse(ChannelSettings.IsPlausible(p), "an unknown flag on input 2");
        }
    }
}
