// A relay behind a driver transistor: the firmware closes and opens it, never writes pin levels.
using PreampFirmware.Hal;

namespace PreampFirmware.Drivers
{
    /// <summary>
    /// A normally-open relay whose driver input is pulled low, so it is open while nothing drives it
    /// (ESP32 in reset, or the PGA2500 GPO cleared). Closing drives the input high.
    /// </summary>
    public sealed class Relay
    {
        private readonly IDigitalOutput _driver;

        /// <summary>Wraps the output that feeds the relay driver.</summary>
        public Relay(IDigitalOutput driver)
        {
            _driver = driver;
        }

        /// <summary>Energises the coil: the contact closes after the relay's operate time.</summary>
        public void Close()
        {
            _driver.Write(true);
        }

        /// <summary>De-energises the coil.</summary>
        public void Open()
        {
            _driver.Write(false);
        }

        /// <summary>True while the coil is driven.</summary>
        public bool IsClosed { get { return _driver.IsHigh; } }
    }

    /// <summary>The three relays of one input channel.</summary>
    public sealed class ChannelRelays
    {
        /// <summary>+48 V phantom feed.</summary>
        public readonly Relay Phantom;
        /// <summary>-20 dB input pad.</summary>
        public readonly Relay Pad;
        /// <summary>Polarity (swaps the hot and cold legs).</summary>
        public readonly Relay Polarity;

        /// <summary>Groups a channel's relays.</summary>
        public ChannelRelays(Relay phantom, Relay pad, Relay polarity)
        {
            Phantom = phantom;
            Pad = pad;
            Polarity = polarity;
        }

        /// <summary>Opens every relay of the channel.</summary>
        public void OpenAll()
        {
            Phantom.Open();
            Pad.Open();
            Polarity.Open();
        }
    }
}
