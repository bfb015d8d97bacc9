// DIAGnostic:ADC:PORT? and DIAGnostic:ADC:CLOCk?: how the converter's control port is framed and what its clocks look like.
using PreampFirmware.Scpi;
using PreampFirmware.Streaming;

namespace PreampFirmware.Host
{
    /// <summary>The converter's diagnostic queries (issue 19's contract); both only read.</summary>
    public static class ConverterDiagnostics
    {
        /// <summary>Adds the queries to <paramref name="t"/>.</summary>
        public static void Register(ScpiCommandTable t, Converter converter)
        {
            // <mode>,<LSB|MSB>,<DOCUMENTED|FOUND>, or NONE,<what each attempt read> after a search that found none.
            t.Add("DIAGnostic:ADC:PORT?", c => c.Reply(converter.Adc.Port.Describe()));
            // <RUN|HALTED|ERROR>,<rate S/s>,<75h CLK_STATUS in hex>, read from the part now.
            t.Add("DIAGnostic:ADC:CLOCk?", c =>
            {
                if (!converter.Adc.Port.Proven)
                {
                    c.Fail(ScpiError.HardwareError, "the converter's control port answers in no framing: see DIAGnostic:ADC:PORT?");
                    return;
                }
                c.Reply(converter.ClockReport());
            });
        }
    }
}
