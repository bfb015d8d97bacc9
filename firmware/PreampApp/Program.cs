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
        /// <summary>Control tick, µs: SCPI, panel, relay sequencing, gain automation, converter watch.</summary>
        public const long TickMicroseconds = 5000;

        private static Preamp s_preamp;

        /// <summary>
        /// Boots, then runs two threads: this one reads each converter block when it is due (one native I2S read,
        /// the meter's spot samples, a header and two native CRC-32s: nothing per sample) and, between blocks, the
        /// control tick; a second one writes finished stream blocks to the host UART, where SerialPort.Write waits
        /// for the hardware without holding the other thread. A failed self-test leaves the board safe; the host reads
        /// why with SYSTem:ERRor? (the UART's session heard it) and SYSTem:CONDition?.
        /// </summary>
        public static void Main()
        {
            GpioController gpio = new GpioController();
            BoardIo io = Esp32Board.Open(gpio);
            s_preamp = new Preamp(io);
            s_preamp.AttachHost(io.Host);   // the host UART's session exists from power-on, so it hears the boot
            s_preamp.Boot();

            Thread writer = new Thread(WriteStream);
            writer.Priority = ThreadPriority.AboveNormal;
            writer.Start();

            Thread.CurrentThread.Priority = ThreadPriority.Highest;
            long nextTick = io.Clock.NowMicroseconds;
            while (true)
            {
                long now = io.Clock.NowMicroseconds;
                if (now >= s_preamp.NextBlockDueMicroseconds)
                {
                    s_preamp.ServiceAudio();
                    continue;
                }
                if (now >= nextTick)
                {
                    s_preamp.Tick(now);
                    nextTick = now + TickMicroseconds;
                }
            }
        }

        private static void WriteStream()
        {
            while (true)
            {
                if (s_preamp.ServiceStreamOutput(1) == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }
    }
}
