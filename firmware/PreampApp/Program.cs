// The nanoFramework application for board rev B: opens the ESP32-S3 peripherals, boots the firmware, runs its loops.
using System.Device.Gpio;
using System.Threading;
using PreampFirmware.Hal;
using PreampFirmware.Hal.Esp32;

namespace PreampFirmware.App
{
    /// <summary>Entry point deployed to the ESP32-S3.</summary>
    public class Program
    {
        /// <summary>
        /// Control tick and loop period, µs: SCPI, panel, relay sequencing, gain automation, converter watch. The loop sleeps
        /// between passes; Thread.Sleep moves in 10 ms steps on the ESP32 (the RTOS tick), so the period is one step. A block
        /// due between two passes waits for the next one (at most 10 ms; the DMA ring holds 85 ms).
        /// </summary>
        public const long TickMicroseconds = 10000;

        /// <summary>Converter blocks one pass reads at most before it ticks: a loop too slow for its rate still ticks (and says so).</summary>
        public const int MaxBlocksPerPass = 2;

        private static Preamp s_preamp;

        /// <summary>
        /// Boots, then runs two threads: this one wakes every <see cref="TickMicroseconds"/>, reads the converter blocks that
        /// are due (one native I2S read each, the meter's spot samples, a header and two native CRC-32s: nothing per sample),
        /// runs the control tick and sleeps again, so the core is idle between passes; a second one writes finished stream
        /// blocks to the host UART, where SerialPort.Write waits for the hardware without holding the other thread. Neither
        /// spins. A failed self-test leaves the board safe; the host reads why with SYSTem:ERRor? (the UART's session heard
        /// it) and SYSTem:CONDition?.
        /// </summary>
        public static void Main()
        {
            GpioController gpio = new GpioController();
            BoardIo io = Esp32Board.Open(gpio);
            s_preamp = new Preamp(io);
            s_preamp.AttachHost(io.Host);   // the host UART's session exists from power-on, so it hears the boot
            s_preamp.Boot();

            Thread writer = new Thread(WriteStream);
            writer.Start();

            long nextTick = io.Clock.NowMicroseconds;
            while (true)
            {
                long now = io.Clock.NowMicroseconds;
                for (int i = 0; i < MaxBlocksPerPass && now >= s_preamp.NextBlockDueMicroseconds; i++)
                {
                    s_preamp.ServiceAudio();
                    now = io.Clock.NowMicroseconds;
                }
                s_preamp.Tick(now);
                nextTick += TickMicroseconds;
                if (nextTick < now)
                {
                    nextTick = now + TickMicroseconds;   // a pass that ran long is not made up for with a burst
                }
                long sleepMs = (nextTick - io.Clock.NowMicroseconds) / 1000;
                Thread.Sleep(sleepMs > 0 ? (int)sleepMs : 0);
            }
        }

        /// <summary>Puts finished blocks on the UART; sleeps a scheduler step when none is waiting (a block comes every 21 ms).</summary>
        private static void WriteStream()
        {
            while (true)
            {
                if (s_preamp.ServiceStreamOutput(1) == 0)
                {
                    Thread.Sleep(10);
                }
            }
        }
    }
}
