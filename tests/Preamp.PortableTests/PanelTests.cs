// Front panel parts: LED chain frames, button debounce and hold, encoder detents, relays.
using nanoFramework.TestFramework;
using PreampFirmware.Control;
using PreampFirmware.Drivers;
using PreampFirmware.Scpi;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class PanelTests
    {
        [TestMethod]
        public static void LedFrameShiftsTheLastRegisterFirst()
        {
            ScriptedSpi spi = new ScriptedSpi("LED");
            // U6 (ch2 status), U5, U4 (ring 2), U3 (ch1 status), U2, U1 (ring 1).
            spi.Expect("21 80 01 05 00 FF", null);
            Hc595LedChain leds = new Hc595LedChain(spi);
            leds.SetRing(0, 0x00FF);
            leds.SetStatus(0, StatusLed.Phantom | StatusLed.Polarity);
            leds.SetRing(1, 0x8001);
            leds.SetStatus(1, StatusLed.Phantom | StatusLed.Selected);
            leds.Flush(false);
            leds.Flush(false);   // nothing changed: nothing sent
            Assert.AreEqual(0x00FF, leds.Ring(0));
            Assert.AreEqual(0x8001, leds.Ring(1));
            Assert.AreEqual(StatusLed.Phantom | StatusLed.Polarity, leds.Status(0));
            Assert.AreEqual(StatusLed.Phantom | StatusLed.Selected, leds.Status(1));
            spi.AssertDone();
        }

        [TestMethod]
        public static void GainBarFillsTheRing()
        {
            Assert.AreEqual(0, Hc595LedChain.GainBar(0));
            Assert.AreEqual(0x0003, Hc595LedChain.GainBar(10));
            Assert.AreEqual(0xFFFF, Hc595LedChain.GainBar(65));
        }

        [TestMethod]
        public static void ButtonNeedsFourStableSamples()
        {
            FakeInput pin = new FakeInput(true);   // active low, released
            Button b = new Button(pin, 2000);
            pin.Level = false;
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            pin.Level = true;                        // bounce
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            pin.Level = false;
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            Assert.AreEqual(ButtonEvent.None, b.Tick(5));
            Assert.AreEqual(ButtonEvent.Pressed, b.Tick(5));
            Assert.IsTrue(b.IsPressed);
        }

        [TestMethod]
        public static void ShortAndLongPressesAreTold()
        {
            Button b = new Button(new FakeInput(true), 2000);
            int i;
            for (i = 0; i < 4; i++) b.Step(true, 5);
            Assert.IsTrue(b.IsPressed);
            for (i = 0; i < 3; i++) Assert.AreEqual(ButtonEvent.None, b.Step(false, 5));
            Assert.AreEqual(ButtonEvent.ShortPress, b.Step(false, 5));

            for (i = 0; i < 4; i++) b.Step(true, 5);
            int events = 0;
            int longAt = -1;
            for (i = 0; i < 500; i++)
            {
                int e = b.Step(true, 5);
                if (e == ButtonEvent.LongPress) { events++; longAt = b.HeldMilliseconds; }
            }
            Assert.AreEqual(1, events, "a long press fires once");
            Assert.AreEqual(2000, longAt);
            for (i = 0; i < 3; i++) b.Step(false, 5);
            Assert.AreEqual(ButtonEvent.LongRelease, b.Step(false, 5));
        }

        [TestMethod]
        public static void EncoderTurnsCountsIntoDetentsAndKeepsTheRest()
        {
            FakeCounter counter = new FakeCounter();
            counter.Count = 100;
            RotaryEncoder enc = new RotaryEncoder(counter);
            Assert.AreEqual(0, enc.ReadDetents());
            counter.Count = 105;                     // 2.5 detents clockwise
            Assert.AreEqual(2, enc.ReadDetents());
            counter.Count = 106;                     // completes the third
            Assert.AreEqual(1, enc.ReadDetents());
            counter.Count = 100;                     // back 3
            Assert.AreEqual(-3, enc.ReadDetents());
        }

        [TestMethod]
        public static void RelayClosesByDrivingItsInputHigh()
        {
            FakeOutput driver = new FakeOutput(false);
            Relay relay = new Relay(driver);
            relay.Close();
            Assert.IsTrue(relay.IsClosed);
            relay.Open();
            Assert.IsFalse(relay.IsClosed);
            Assert.AreEqual("10", driver.History);
        }

        [TestMethod]
        public static void TheKnobStepsFasterBelow50AndBelow25MsPerDetent()
        {
            Assert.AreEqual(3, FrontPanel.StepForInterval(0));
            Assert.AreEqual(3, FrontPanel.StepForInterval(24));
            Assert.AreEqual(2, FrontPanel.StepForInterval(25));
            Assert.AreEqual(2, FrontPanel.StepForInterval(49));
            Assert.AreEqual(1, FrontPanel.StepForInterval(50));
            Assert.AreEqual(1, FrontPanel.StepForInterval(1000));
        }

        [TestMethod]
        public static void OpeningAChannelsRelaysOpensAllThree()
        {
            FakeOutput phantom = new FakeOutput(false), pad = new FakeOutput(false), polarity = new FakeOutput(false);
            ChannelRelays relays = new ChannelRelays(new Relay(phantom), new Relay(pad), new Relay(polarity));
            relays.Phantom.Close();
            relays.Pad.Close();
            relays.Polarity.Close();
            relays.OpenAll();
            Assert.AreEqual("10", phantom.History);
            Assert.AreEqual("10", pad.History);
            Assert.AreEqual("10", polarity.History);
        }

        [TestMethod]
        public static void TheFirstFlushSendsTheDarkFrame()
        {
            ScriptedSpi spi = new ScriptedSpi("LED");
            spi.Expect("00 00 00 00 00 00", null);   // power-on: the registers hold noise until the first frame
            Hc595LedChain leds = new Hc595LedChain(spi);
            leds.Flush(false);
            leds.Flush(false);
            spi.AssertDone();
        }

        [TestMethod]
        public static void HoldTimeIsZeroOnceReleased()
        {
            Button b = new Button(new FakeInput(true), 2000);
            int i;
            for (i = 0; i < 4; i++) b.Step(true, 5);
            for (i = 0; i < 100; i++) b.Step(true, 5);
            Assert.AreEqual(500, b.HeldMilliseconds);
            for (i = 0; i < 4; i++) b.Step(false, 5);
            Assert.IsFalse(b.IsPressed);
            Assert.AreEqual(0, b.HeldMilliseconds);
        }

        [TestMethod]
        public static void ErrorQueueIsFifoAndOverflowsTo350()
        {
            ErrorQueue q = new ErrorQueue();
            Assert.AreEqual("0,\"No error\"", q.Pop());
            q.Push(-113, "Undefined header");
            q.Push(-222, "Data out of range");
            Assert.AreEqual("-113,\"Undefined header\"", q.Pop());
            Assert.AreEqual(-222, q.PeekCode());
            q.Clear();
            for (int i = 0; i < ErrorQueue.Capacity + 5; i++) q.Push(-100 - i, "x");
            Assert.AreEqual(ErrorQueue.Capacity, q.Count);
            for (int i = 0; i < ErrorQueue.Capacity - 1; i++) q.Pop();
            Assert.AreEqual("-350,\"Queue overflow\"", q.Pop());
            Assert.AreEqual("0,\"No error\"", q.Pop());
        }
    }
}
