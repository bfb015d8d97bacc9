// nanoFramework 1.x signatures (from tests/Preamp.Tests/Portability/NanoApi), declared for compilation only.
// Every member throws: this assembly exists so the ESP32 layer is type-checked in CI; a test checks that each
// public member here is in the listing, so the facade cannot invent an API.
using System;

#pragma warning disable CS1591

namespace System
{
    /// <summary>nanoFramework's byte span (mscorlib).</summary>
    public readonly ref struct SpanByte
    {
        public SpanByte(byte[] array) => throw new PlatformNotSupportedException();
        public SpanByte(byte[] array, int start, int length) => throw new PlatformNotSupportedException();
        public int Length => throw new PlatformNotSupportedException();
    }
}

namespace System.Device.Gpio
{
    public enum PinMode { Input = 0, InputPullDown = 1, InputPullUp = 2, Output = 3, OutputOpenDrain = 4, OutputOpenDrainPullUp = 5, OutputOpenSource = 6, OutputOpenSourcePullDown = 7 }

    public readonly struct PinValue
    {
        public static PinValue High => throw new PlatformNotSupportedException();
        public static PinValue Low => throw new PlatformNotSupportedException();
        public bool Equals(PinValue other) => throw new PlatformNotSupportedException();
    }

    public sealed class GpioController : IDisposable
    {
        public GpioController() => throw new PlatformNotSupportedException();
        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }

    public sealed class GpioPin : IDisposable
    {
        private GpioPin() { }
        public PinValue Read() => throw new PlatformNotSupportedException();
        public void Write(PinValue value) => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }

    public enum GpioPulsePolarity { Both = 0, Falling = 1, Rising = 2 }

    public struct GpioPulseCount
    {
        public long Count;
        public TimeSpan RelativeTime;
    }

    /// <summary>ESP32 PCNT (lives in nanoFramework.Hardware.Esp32).</summary>
    public sealed class GpioPulseCounter : IDisposable
    {
        public GpioPulseCounter(int pinNumberA, int pinNumberB = -1) => throw new PlatformNotSupportedException();
        public GpioPulsePolarity Polarity { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public ushort FilterPulses { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public GpioPulseCount Read() => throw new PlatformNotSupportedException();
        public void Start() => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }
}

namespace System.Device.Spi
{
    public enum SpiMode { Mode0 = 0, Mode1 = 1, Mode2 = 2, Mode3 = 3 }
    public enum DataFlow { MsbFirst = 0, LsbFirst = 1 }
    public enum SpiBusConfiguration { FullDuplex = 0, HalfDuplex = 1, Simplex = 2 }

    public sealed class SpiConnectionSettings
    {
        public SpiConnectionSettings(int busId, int chipSelectLine = -1) => throw new PlatformNotSupportedException();
        public SpiMode Mode { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int ClockFrequency { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public DataFlow DataFlow { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public SpiBusConfiguration Configuration { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
    }

    public class SpiDevice : IDisposable
    {
        public SpiDevice(SpiConnectionSettings settings) => throw new PlatformNotSupportedException();
        public static SpiDevice Create(SpiConnectionSettings settings) => throw new PlatformNotSupportedException();
        public void Write(SpanByte buffer) => throw new PlatformNotSupportedException();
        public void TransferFullDuplex(SpanByte writeBuffer, SpanByte readBuffer) => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }
}

namespace System.IO.Ports
{
    public enum Parity { None = 0, Odd = 1, Even = 2 }
    public enum StopBits { One = 1, Two = 2, OnePointFive = 3 }

    public sealed class SerialPort : IDisposable
    {
        public SerialPort(string portName, int baudRate = 9600, Parity parity = 0, int dataBits = 8, StopBits stopBits = StopBits.One) => throw new PlatformNotSupportedException();
        public int ReadBufferSize { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int ReceivedBytesThreshold { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int WriteTimeout { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int BytesToRead => throw new PlatformNotSupportedException();
        public void Open() => throw new PlatformNotSupportedException();
        public int Read(byte[] buffer, int offset, int count) => throw new PlatformNotSupportedException();
        public void Write(byte[] buffer, int offset, int count) => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }
}

namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        SPI1_MOSI = 65792, SPI1_MISO = 65793, SPI1_CLOCK = 65794,
        SPI2_MOSI = 66048, SPI2_MISO = 66049, SPI2_CLOCK = 66050,
        COM2_TX = 197120, COM2_RX = 197121,
        I2S1_BCK = 393473, I2S1_WS = 393474, I2S1_MDATA_IN = 393476,
        I2S2_BCK = 393729, I2S2_WS = 393730, I2S2_MDATA_IN = 393732,
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) => throw new PlatformNotSupportedException();
    }

    public class HighResTimer : IDisposable
    {
        public static ulong GetCurrent() => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }
}

namespace System.Device.I2s
{
    [Flags]
    public enum I2sMode { Master = 1, Slave = 2, Tx = 4, Rx = 8, DacBuiltIn = 16, AdcBuiltIn = 32, Pdm = 64 }
    public enum I2sBitsPerSample { Bit8 = 8, Bit16 = 16, Bit24 = 24, Bit32 = 32 }
    public enum I2sChannelFormat { RightLeft = 0, AllRight = 1, AllLeft = 2, OnlyRight = 3, OnlyLeft = 4 }
    public enum I2sCommunicationFormat { I2S = 1, Msb = 3, PcmShort = 4, PcmLong = 12 }

    public sealed class I2sConnectionSettings
    {
        public I2sConnectionSettings(int busId) => throw new PlatformNotSupportedException();
        public I2sMode Mode { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public I2sBitsPerSample BitsPerSample { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public I2sChannelFormat ChannelFormat { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public I2sCommunicationFormat CommunicationFormat { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int SampleRate { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
        public int BufferSize { get => throw new PlatformNotSupportedException(); set => throw new PlatformNotSupportedException(); }
    }

    public class I2sDevice : IDisposable
    {
        public I2sDevice(I2sConnectionSettings settings) => throw new PlatformNotSupportedException();
        public void Read(SpanByte buffer) => throw new PlatformNotSupportedException();
        public void Dispose() => throw new PlatformNotSupportedException();
    }
}

namespace System.IO.Hashing
{
    public class Crc32
    {
        public static uint HashToUInt32(SpanByte source) => throw new PlatformNotSupportedException();
    }
}
