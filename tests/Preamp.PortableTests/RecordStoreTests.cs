// The two-slot record store on its own: the record's bytes, what makes a record valid, which slot is newest (across
// the sequence counter's wrap), where a save goes, and every way a save, load or erase fails.
using nanoFramework.TestFramework;
using PreampFirmware.Storage;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class RecordStoreTests
    {
        private static byte[] Payload(int n, int seed)
        {
            byte[] p = new byte[n];
            for (int i = 0; i < n; i++) p[i] = (byte)(i * 7 + seed);
            return p;
        }

        private static void Same(byte[] expected, byte[] actual)
        {
            Assert.IsNotNull(actual);
            Assert.AreEqual(expected.Length, actual.Length, "length");
            for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], "byte " + i.ToString());
        }

        [TestMethod]
        public static void TheRecordLayoutIsLittleEndianWithItsCrcLast()
        {
            byte[] b = RecordStore.Encode("PSET", 0x0102, 0x0A0B0C0D, Payload(300, 1), 300);
            Assert.AreEqual(12 + 300 + 2, b.Length);
            byte[] header = { 0x50, 0x53, 0x45, 0x54, 0x02, 0x01, 0x2C, 0x01, 0x0D, 0x0C, 0x0B, 0x0A };
            for (int i = 0; i < header.Length; i++) Assert.AreEqual(header[i], b[i], "header byte " + i.ToString());
            Assert.AreEqual((byte)1, b[12]);
            ushort crc = Crc16Ccitt.Compute(b, 0, 312);
            Assert.AreEqual((byte)crc, b[312]);
            Assert.AreEqual((byte)(crc >> 8), b[313]);
            Assert.IsTrue(RecordStore.IsValid(b, "PSET", 0x0102));
        }

        [TestMethod]
        public static void ARecordIsValidOnlyWholeAndForItsTagAndVersion()
        {
            Assert.IsFalse(RecordStore.IsValid(null, "PSET", 1));
            byte[] empty = RecordStore.Encode("PSET", 1, 5, new byte[0], 0);
            Assert.AreEqual(RecordStore.HeaderBytes + 2, empty.Length);
            Assert.IsTrue(RecordStore.IsValid(empty, "PSET", 1), "the shortest record: no payload");
            byte[] cut = new byte[RecordStore.HeaderBytes + 1];
            System.Array.Copy(empty, cut, cut.Length);
            Assert.IsFalse(RecordStore.IsValid(cut, "PSET", 1));
            Assert.IsFalse(RecordStore.IsValid(RecordStore.Encode("PSEX", 1, 5, new byte[0], 0), "PSET", 1), "the tag's last letter");
            Assert.IsFalse(RecordStore.IsValid(RecordStore.Encode("PSET", 0x0101, 5, new byte[0], 0), "PSET", 1), "the version's high byte");
            byte[] good = RecordStore.Encode("PSET", 1, 5, Payload(3, 2), 3);
            byte[] longer = new byte[good.Length + 1];
            System.Array.Copy(good, longer, good.Length);
            Assert.IsFalse(RecordStore.IsValid(longer, "PSET", 1), "a length that does not match");
            byte[] lowCrc = RecordStore.Encode("PSET", 1, 5, Payload(3, 2), 3);
            lowCrc[15] ^= 1;
            Assert.IsFalse(RecordStore.IsValid(lowCrc, "PSET", 1), "the CRC's low byte");
            byte[] highCrc = RecordStore.Encode("PSET", 1, 5, Payload(3, 2), 3);
            highCrc[16] ^= 1;
            Assert.IsFalse(RecordStore.IsValid(highCrc, "PSET", 1), "the CRC's high byte");
            Assert.IsTrue(RecordStore.IsValid(RecordStore.Encode("PSET", 1, 5, Payload(RecordStore.MaxPayload, 3), RecordStore.MaxPayload), "PSET", 1));
            Assert.IsFalse(RecordStore.IsValid(RecordStore.Encode("PSET", 1, 5, Payload(RecordStore.MaxPayload + 1, 3), RecordStore.MaxPayload + 1), "PSET", 1));
        }

        private static void Plant(FakeFileStore store, string file, uint sequence, byte[] payload)
        {
            byte[] image = RecordStore.Encode("PSET", 1, sequence, payload, payload.Length);
            store.WriteAll(file, image, image.Length);
        }

        private static byte[] Loaded(FakeFileStore store)
        {
            byte[] payload;
            Assert.AreEqual(RecordStore.Loaded, new RecordStore(store).Load("s", "PSET", 1, out payload));
            return payload;
        }

        /// <summary>Slot a holds sequence <paramref name="a"/>, slot b <paramref name="b"/>: the payload a load returns.</summary>
        private static byte[] LoadedFrom(uint a, byte[] payloadA, uint b, byte[] payloadB)
        {
            FakeFileStore store = new FakeFileStore();
            Plant(store, "s.a", a, payloadA);
            Plant(store, "s.b", b, payloadB);
            return Loaded(store);
        }

        [TestMethod]
        public static void TheNewestSlotWinsAcrossTheCountersWrap()
        {
            byte[] older = Payload(300, 10), newer = Payload(300, 20);
            Same(newer, LoadedFrom(0x00000105, newer, 0x00000104, older));
            Same(newer, LoadedFrom(0x00010000, older, 0x00010001, newer));
            Same(newer, LoadedFrom(0xFFFFFFFF, older, 0x00000000, newer));
            Same(newer, LoadedFrom(7, newer, 7, older));   // never written so; on a tie slot a is taken
        }

        [TestMethod]
        public static void OneValidSlotIsTakenWhicheverItIs()
        {
            byte[] p = Payload(5, 3);
            FakeFileStore onlyA = new FakeFileStore();
            Plant(onlyA, "s.a", 9, p);
            Plant(onlyA, "s.b", 10, p);
            onlyA.Damage("s.b", 13);
            Same(p, Loaded(onlyA));
            FakeFileStore onlyB = new FakeFileStore();
            Plant(onlyB, "s.a", 10, p);
            Plant(onlyB, "s.b", 9, p);
            onlyB.Damage("s.a", 13);
            Same(p, Loaded(onlyB));
            byte[] none;
            onlyB.Damage("s.b", 13);
            Assert.AreEqual(RecordStore.Invalid, new RecordStore(onlyB).Load("s", "PSET", 1, out none));
            Assert.IsNull(none);
            Assert.AreEqual(RecordStore.Empty, new RecordStore(new FakeFileStore()).Load("s", "PSET", 1, out none));
            FakeFileStore unreadable = new FakeFileStore();
            Plant(unreadable, "s.a", 1, p);
            unreadable.FailReads = true;
            Assert.AreEqual(RecordStore.Invalid, new RecordStore(unreadable).Load("s", "PSET", 1, out none));
        }

        [TestMethod]
        public static void ASaveGoesToTheOtherSlotWithTheNextSequence()
        {
            FakeFileStore store = new FakeFileStore();
            RecordStore records = new RecordStore(store);
            Plant(store, "s.a", 0x000001FF, Payload(4, 1));
            Assert.IsNull(records.Save("s", "PSET", 1, Payload(4, 2), 4));
            byte[] b = store.ReadAll("s.b");
            Assert.AreEqual((byte)0x00, b[8]);
            Assert.AreEqual((byte)0x02, b[9], "0x1FF + 1 = 0x200");
            Same(Payload(4, 2), Loaded(store));
            Assert.IsNull(records.Save("s", "PSET", 1, Payload(4, 3), 4));
            Assert.AreEqual((byte)0x01, store.ReadAll("s.a")[8], "back to slot a: 0x201");
            Same(Payload(4, 3), Loaded(store));
            FakeFileStore fresh = new FakeFileStore();
            Assert.IsNull(new RecordStore(fresh).Save("s", "PSET", 1, Payload(2, 1), 2));
            Assert.AreEqual((byte)1, fresh.ReadAll("s.a")[8], "the first record is number 1, in slot a");
            Assert.IsNull(fresh.ReadAll("s.b"));
        }

        [TestMethod]
        public static void EveryFailedStepOfASaveIsNamedAndKeepsTheOldRecord()
        {
            FakeFileStore store = new FakeFileStore();
            RecordStore records = new RecordStore(store);
            Plant(store, "s.a", 3, Payload(4, 1));
            store.FailReads = true;
            Assert.AreEqual("reading s failed: flash read failed", records.Save("s", "PSET", 1, Payload(4, 2), 4));
            store.FailReads = false;
            store.FailWrites = true;
            Assert.AreEqual("writing s.b failed: flash write failed", records.Save("s", "PSET", 1, Payload(4, 2), 4));
            store.FailWrites = false;
            store.DropWrites = true;
            Assert.AreEqual("writing s.b did not verify", records.Save("s", "PSET", 1, Payload(4, 2), 4));
            store.DropWrites = false;
            Same(Payload(4, 1), Loaded(store));
            // A slot b that reads back valid but with an old sequence (a flash that kept the old page) does not verify.
            FakeFileStore stale = new FakeFileStore();
            Plant(stale, "s.a", 3, Payload(4, 1));
            Plant(stale, "s.b", 2, Payload(4, 9));
            stale.DropWrites = true;
            Assert.AreEqual("writing s.b did not verify", new RecordStore(stale).Save("s", "PSET", 1, Payload(4, 2), 4));
        }

        [TestMethod]
        public static void EraseRemovesBothSlotsOrSaysWhy()
        {
            FakeFileStore store = new FakeFileStore();
            Plant(store, "s.a", 1, Payload(2, 1));
            Plant(store, "s.b", 2, Payload(2, 2));
            RecordStore records = new RecordStore(store);
            Assert.IsNull(records.Erase("s"));
            Assert.IsFalse(store.Exists("s.a"));
            Assert.IsFalse(store.Exists("s.b"));
            Plant(store, "s.a", 1, Payload(2, 1));
            store.FailDeletes = true;
            Assert.AreEqual("erasing s failed: flash erase failed", records.Erase("s"));
        }
    }
}
