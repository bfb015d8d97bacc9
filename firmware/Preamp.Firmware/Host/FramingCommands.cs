// DIAGnostic:ADC:FRAMing: the sample framing the last check found, and a check run on demand.
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>
    /// Registers DIAGnostic:ADC:FRAMing? (NORMAL, BYTESWAP, BITREV, SHIFT, LOUD or UNCHECKED) and
    /// DIAGnostic:ADC:FRAMing:CHECk, which classifies the block read last (bring-up calls it with the input quiet); one
    /// that finds only digital silence looks again every 200 ms for 2 s.
    /// </summary>
    public static class FramingCommands
    {
        /// <summary>Adds the commands to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, Converter converter)
        {
            t.Add("DIAGnostic:ADC:FRAMing?", c => c.Reply(converter.Framing.Name));
            t.Add("DIAGnostic:ADC:FRAMing:CHECk", c =>
            {
                if (!converter.IsRunning)
                {
                    c.Fail(ScpiError.HardwareError, "the converter is not running: see *TST? and SYSTem:CONDition?");
                    return;
                }
                converter.CheckFramingOnDemand();
            });
        }
    }
}
