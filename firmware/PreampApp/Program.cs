// The nanoFramework application for board rev A: opens the ESP32 peripherals, boots the firmware, runs its loops.
using System.Device.Gpio;
using System.Threading;
using PreampFirmware.Hal;
using PreampFirmware.Hal.Esp32;

namespace PreampFirmware.App
{
    /// <summary>Entry point deployed to the ESP32.</summary>
    public class Program
    {
        /// <summary>Control tick, µs: SCPI, panel, relay sequencing, gain automation.</summary>
        public const long TickMicroseconds = 5000;

        private static Preamp s_preamp;

        /// <summary>
        /// Boots, then runs two threads: this one services /DRDY (one SPI frame per conversion, nothing else per
        /// sample) and, between conversions, the control tick; a second one writes finished stream blocks to the
        /// host UART, where SerialPort.Write waits for the hardware. A failed self-test leaves the board safe; the
        /// host reads why with SYSTem:ERRor?.
        /// </summary>
        public static void Main()
        {
            GpioController gpio = new GpioController();
            BoardIo io = Esp32Board.Open(gpio);
            s_preamp = new Preamp(io);
            s_preamp.Boot();

            Thread writer = new Thread(WriteStream);
            writer.Priority = ThreadPriority.AboveNormal;
            writer.Start();

            Thread.CurrentThread.Priority = ThreadPriority.Highest;
            long nextTick = io.Clock.NowMicroseconds;
            while (true)
            {
                if (s_preamp.Adc.DataReady)
                {
                    s_preamp.OnDataReady();
                    continue;
                }
                long now = io.Clock.NowMicroseconds;
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
