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
        private bool _closed;

        /// <summary>Wraps the output that feeds the relay driver (as it is driven now).</summary>
        public Relay(IDigitalOutput driver)
        {
            _driver = driver;
            _closed = driver.IsHigh;
        }

        /// <summary>Energises the coil: the contact closes after the relay's operate time.</summary>
        public void Close()
        {
            _driver.Write(true);
            _closed = true;
        }

        /// <summary>De-energises the coil.</summary>
        public void Open()
        {
            _driver.Write(false);
            _closed = false;
        }

        /// <summary>
        /// True while the coil is driven: what the last <see cref="Close"/> or <see cref="Open"/> drove, kept here because the
        /// LEDs, the stream header and the sequencers ask often and the driver may sit behind a chain of SPI words.
        /// </summary>
        public bool IsClosed { get { return _closed; } }
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
