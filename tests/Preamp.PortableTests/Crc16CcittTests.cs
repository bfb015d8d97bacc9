// CRC-16-CCITT against published check values.
using nanoFramework.TestFramework;
using PreampFirmware.Storage;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class Crc16CcittTests
    {
        [TestMethod]
        public static void CheckValueOf123456789Is29B1()
        {
            // CRC-16/CCITT-FALSE catalogue check value (poly 1021h, init FFFFh, no reflection, no XOR out).
            byte[] data = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual((ushort)0x29B1, Crc16Ccitt.Compute(data, 0, data.Length));
        }

        [TestMethod]
        public static void CrcContinuesAcrossCalls()
        {
            byte[] data = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            ushort first = Crc16Ccitt.Compute(data, 0, 4);
            Assert.AreEqual((ushort)0x29B1, Crc16Ccitt.Compute(data, 4, 5, first));
        }

        [TestMethod]
        public static void EmptyInputGivesSeed()
        {
            Assert.AreEqual((ushort)0xFFFF, Crc16Ccitt.Compute(new byte[0], 0, 0));
        }
    }
}
