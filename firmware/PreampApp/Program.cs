// The nanoFramework application for board rev A: opens the ESP32 peripherals, boots the firmware, runs its loop.
using System.Device.Gpio;
using System.Threading;
using PreampFirmware.Hal;
using PreampFirmware.Hal.Esp32;

namespace PreampFirmware.App
{
    /// <summary>Entry point deployed to the ESP32.</summary>
    public class Program
    {
        /// <summary>Tick period of the control loop, ms (the FreeRTOS tick is 10 ms; 5 ms requests round up to it).</summary>
        public const int TickMilliseconds = 5;

        /// <summary>Boots, then ticks forever. A failed self-test leaves the board safe; the host reads why with SYSTem:ERRor?.</summary>
        public static void Main()
        {
            GpioController gpio = new GpioController();
            BoardIo io = Esp32Board.Open(gpio);
            Preamp preamp = new Preamp(io);
            preamp.Boot();
            while (true)
            {
                preamp.Tick(io.Clock.NowMicroseconds);
                Thread.Sleep(TickMilliseconds);
            }
        }
    }
}
