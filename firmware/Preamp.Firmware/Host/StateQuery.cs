// SYSTem:STATe?: everything a control panel shows, in one answer, so a panel that polls often costs the board one command.
using PreampFirmware.Control;
using PreampFirmware.Scpi;
using PreampFirmware.Storage;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// Registers <c>SYSTem:STATe?</c>. Its answer, comma-separated: for input 1 and then input 2 the nine fields gain (dB),
    /// pad, polarity inverted, mute, phantom, phantom lock, phantom settled (0/1), auto-gain status (RUNNING, SUCCESS, …),
    /// clip safe; then link, the questionable condition bits (as <c>STATus:QUEStionable:CONDition?</c>), calibration
    /// valid, stream rate (S/s), stream running; then auto gain's peak target of input 1 and of input 2 (dBFS, tenths, as
    /// <c>INPut&lt;n&gt;:GAIN:AUTO:TARGet?</c>: a panel marks it on the meter). The same values as the separate queries; on the board's interpreter one
    /// command instead of two dozen (a panel polling 25 times a second would otherwise cost more than the audio).
    /// </summary>
    public static class StateQuery
    {
        /// <summary>Fields in the answer.</summary>
        public const int Fields = 2 * 9 + 5 + 2;

        /// <summary>Adds the query to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, Channels channels, GainAutomation automation, BoardCondition condition,
                                    SettingsStore settings, Converter converter, StreamLink stream)
        {
            t.Add("SYSTem:STATe?", c => c.Reply(Answer(channels, automation, condition, settings, converter, stream)));
        }

        private static string Answer(Channels channels, GainAutomation automation, BoardCondition condition, SettingsStore settings,
                                     Converter converter, StreamLink stream)
        {
            string s = "";
            for (int ch = 0; ch < Channels.Count; ch++)
            {
                InputChannel i = channels.Inputs[ch];
                s = s + i.GainDb.ToString() + "," + ScpiFormat.Bit(i.Pad) + "," + ScpiFormat.Bit(i.Polarity) + "," + ScpiFormat.Bit(i.Mute) + ","
                    + ScpiFormat.Bit(i.Phantom) + "," + ScpiFormat.Bit(i.PhantomLock) + "," + ScpiFormat.Bit(i.Settled) + ","
                    + AutoGainStatus.Name(automation.AutoGainOf(ch).Status) + "," + ScpiFormat.Bit(automation.ClipSafeOf(ch).Enabled) + ",";
            }
            return s + ScpiFormat.Bit(channels.Linked) + "," + condition.Bits.ToString() + "," + ScpiFormat.Bit(settings.Calibration.IsValid) + ","
                   + converter.SampleRate.ToString() + "," + ScpiFormat.Bit(stream.IsRunning) + ","
                   + ScpiFormat.Fixed(automation.AutoGainOf(0).TargetDbfs, 1) + "," + ScpiFormat.Fixed(automation.AutoGainOf(1).TargetDbfs, 1);
        }
    }
}
