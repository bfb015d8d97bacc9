// The SCPI parser and session: IEEE 488.2 conventions, and malformed input that must end in an error, never a stuck parser.
using nanoFramework.TestFramework;
using PreampFirmware.Scpi;

namespace PreampFirmware.Tests
{
    [TestClass]
    public class ScpiTests
    {
        private static int s_level;
        private static string s_name;

        private static ScpiSession NewSession(FakeSerial port)
        {
            ScpiCommandTable t = new ScpiCommandTable();
            t.Add("*IDN?", c => c.Reply("Maker,Model,123,1.0"));
            t.Add("SYSTem:ERRor?", c => c.Reply(c.Session.Errors.Pop()));
            t.Add("INPut#:LEVel", 1, 1, 2, c =>
            {
                int v;
                if (!c.TryInteger(0, out v)) return;
                if (v < 0 || v > 65) { c.Fail(ScpiError.DataOutOfRange, "0..65"); return; }
                s_level = v * 10 + c.Suffix;
            });
            t.Add("INPut#:LEVel?", 0, 0, 2, c => c.Reply(s_level.ToString()));
            t.Add("INPut#:NAME", 1, 1, 2, c => s_name = c.Text(0));
            t.Add("INPut#:NAME?", 0, 0, 2, c => c.Reply("\"" + s_name + "\""));
            t.Add("FAIL?", c => { c.Reply("half"); c.Fail(ScpiError.DataOutOfRange, "no"); });
            t.Add("LIM", 1, 1, 1, c => { int v; if (c.TryInteger(0, 2, 9, 5, out v)) s_level = v; });
            t.Add("LIM?", 0, 1, 1, c => { if (!c.AnsweredLimit("2", "9", "5")) c.Reply(s_level.ToString()); });
            t.Add("DLIM", 1, 1, 1, c => { double v; if (c.TryNumber(0, 0.5, 1.5, 1.0, out v)) s_level = (int)(v * 10); });
            return new ScpiSession(t, port);
        }

        private static string Run(ScpiSession s, FakeSerial port, string text)
        {
            port.Receive(text);
            s.Poll();
            return port.TakeSent();
        }

        [TestMethod]
        public static void LongAndShortFormsAnyCase()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Assert.AreEqual("Maker,Model,123,1.0\n", Run(s, port, "*idn?\n"));
            Run(s, port, "input2:level 30\n");
            Assert.AreEqual("302\n", Run(s, port, "INP2:LEV?\n"));
            Run(s, port, "Inp:Lev 12\n");
            Assert.AreEqual("121\n", Run(s, port, "INPUT1:LEVEL?\n"), "suffix defaults to 1");
            Assert.AreEqual("0,\"No error\"\n", Run(s, port, "syst:err?\n"));
        }

        [TestMethod]
        public static void ChainedCommandsShareThePathAndAnswersShareTheLine()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Assert.AreEqual("301;301\n", Run(s, port, "inp1:lev 30;:INPut1:LEVel?;LEV?\n"));
            Assert.AreEqual("", Run(s, port, "INP2:LEV 10;LEV 20\n"), "set commands answer nothing");
            Assert.AreEqual("202\n", Run(s, port, "INP2:LEV?\r\n"), "CR LF is accepted");
        }

        [TestMethod]
        public static void UndefinedHeaderGoesToTheQueueWhichThenEmpties()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Assert.AreEqual("", Run(s, port, "FOO:BAR 1\n"));
            Assert.StartsWith("-113,\"Undefined header", Run(s, port, "SYST:ERR?\n"));
            Assert.AreEqual("0,\"No error\"\n", Run(s, port, "SYST:ERR?\n"));
        }

        [TestMethod]
        public static void ParameterErrorsHaveTheirOwnCodes()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Run(s, port, "INP1:LEV\nINP1:LEV 1,2\nINP1:LEV abc\nINP1:LEV 99\nINP3:LEV 1\nINP1:LEV 1.5\nINP1:LEV? 4\nINP1:LEV 1,,2\n");
            Assert.StartsWith("-109,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-108,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-104,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-222,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-114,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-222,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-108,", Run(s, port, "SYST:ERR?\n"));
            Assert.StartsWith("-102,", Run(s, port, "SYST:ERR?\n"));
            Assert.AreEqual("0,\"No error\"\n", Run(s, port, "SYST:ERR?\n"));
        }

        [TestMethod]
        public static void ACommandErrorSkipsTheRestOfItsLineAnExecutionErrorDoesNot()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Run(s, port, "INP1:LEV 5\n");
            Assert.AreEqual("", Run(s, port, "INP1:FOO 1;INP1:LEV 7\n"));
            Assert.AreEqual("51\n", Run(s, port, "INP1:LEV?\n"), "the command after a command error did not run");
            Assert.AreEqual("", Run(s, port, "INP1:LEV 99;INP1:LEV 7\n"));
            Assert.AreEqual("71\n", Run(s, port, "INP1:LEV?\n"), "the command after an execution error ran (IEEE 488.2)");
        }

        [TestMethod]
        public static void AQueryThatFailsAnswersNothingAndTheOthersOnItsLineAnswer()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Assert.AreEqual("", Run(s, port, "FAIL?\n"));
            Assert.AreEqual("Maker,Model,123,1.0\n", Run(s, port, "FAIL?;*IDN?\n"));
            Assert.AreEqual(2, s.Errors.Count);
            Assert.AreEqual(StatusRegisters.ExecutionError, s.Status.ReadEvent());
        }

        [TestMethod]
        public static void EachErrorClassSetsItsEventBit()
        {
            Assert.AreEqual(StatusRegisters.CommandError, StatusRegisters.EventBitOf(-100));
            Assert.AreEqual(StatusRegisters.CommandError, StatusRegisters.EventBitOf(-199));
            Assert.AreEqual(StatusRegisters.ExecutionError, StatusRegisters.EventBitOf(-200));
            Assert.AreEqual(StatusRegisters.ExecutionError, StatusRegisters.EventBitOf(-299));
            Assert.AreEqual(StatusRegisters.DeviceDependentError, StatusRegisters.EventBitOf(-300));
            Assert.AreEqual(StatusRegisters.DeviceDependentError, StatusRegisters.EventBitOf(-399));
            Assert.AreEqual(StatusRegisters.QueryError, StatusRegisters.EventBitOf(-400));
            Assert.AreEqual(StatusRegisters.QueryError, StatusRegisters.EventBitOf(-499));
            Assert.AreEqual(0, StatusRegisters.EventBitOf(-500));
            Assert.AreEqual(0, StatusRegisters.EventBitOf(-99));
            Assert.AreEqual(0, StatusRegisters.EventBitOf(0));
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Run(s, port, "FOO\nINP1:LEV 99\n");
            s.Report(-330, "device");
            Assert.AreEqual(StatusRegisters.CommandError | StatusRegisters.ExecutionError | StatusRegisters.DeviceDependentError, s.Status.ReadEvent());
            Assert.AreEqual(0, s.Status.ReadEvent(), "reading clears");
        }

        [TestMethod]
        public static void TheStatusByteSummarisesThroughItsMasks()
        {
            StatusRegisters r = new StatusRegisters();
            Assert.AreEqual(0, r.StatusByte(false, false));
            Assert.AreEqual(StatusRegisters.ErrorAvailable, r.StatusByte(true, false));
            Assert.AreEqual(StatusRegisters.MessageAvailable, r.StatusByte(false, true));
            r.SetEvent(StatusRegisters.PowerOn | 0x100);
            Assert.AreEqual(StatusRegisters.PowerOn, r.Event, "only 8 bits");
            Assert.AreEqual(0, r.StatusByte(false, false), "ESE masks PON out");
            r.EventEnable = 0x180;
            Assert.AreEqual(0x80, r.EventEnable);
            Assert.AreEqual(StatusRegisters.EventSummary, r.StatusByte(false, false));
            r.ServiceEnable = 0xFF;
            Assert.AreEqual(0xBF, r.ServiceEnable, "bit 6 is not maskable");
            Assert.AreEqual(StatusRegisters.EventSummary | StatusRegisters.MasterSummary, r.StatusByte(false, false));
            r.ServiceEnable = StatusRegisters.ErrorAvailable;
            Assert.AreEqual(StatusRegisters.EventSummary, r.StatusByte(false, false));
            Assert.AreEqual(StatusRegisters.EventSummary | StatusRegisters.ErrorAvailable | StatusRegisters.MasterSummary, r.StatusByte(true, false));
            r.ClearEvent();
            Assert.AreEqual(0, r.Event);
            Assert.AreEqual(0x80, r.EventEnable, "the masks stay");
        }

        [TestMethod]
        public static void NumbersTakeMinimumMaximumAndDefaultAndQueriesReportThem()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Run(s, port, "LIM MAX\n");
            Assert.AreEqual("9\n", Run(s, port, "LIM?\n"));
            Run(s, port, "LIM min\n");
            Assert.AreEqual("2\n", Run(s, port, "LIM?\n"));
            Run(s, port, "LIM DEFault\n");
            Assert.AreEqual("5\n", Run(s, port, "LIM?\n"));
            Run(s, port, "LIM 7\n");
            Assert.AreEqual("2;9;5;7\n", Run(s, port, "LIM? MIN;LIM? MAXIMUM;LIM? DEF;LIM?\n"));
            Run(s, port, "DLIM MAX\n");
            Assert.AreEqual("15\n", Run(s, port, "LIM?\n"));
            Run(s, port, "DLIM MIN\n");
            Assert.AreEqual("5\n", Run(s, port, "LIM?\n"));
            Run(s, port, "DLIM DEF\n");
            Assert.AreEqual("10\n", Run(s, port, "LIM?\n"));
            Assert.AreEqual(0, s.Errors.Count);
            Assert.AreEqual("", Run(s, port, "LIM? UP\n"));
            Assert.StartsWith("-224,", s.Errors.Pop());
            Run(s, port, "LIM UP\n");
            Assert.StartsWith("-104,", s.Errors.Pop());
        }

        [TestMethod]
        public static void OverlongLineIsRefusedAndTheNextLineWorks()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            string longLine = "INP1:LEV 1;";
            while (longLine.Length < 300) longLine = longLine + "INP1:LEV 1;";
            Assert.AreEqual("", Run(s, port, longLine + "\n"));
            Assert.AreEqual("Maker,Model,123,1.0\n", Run(s, port, "*IDN?\n"));
            Assert.StartsWith("-363,\"Input buffer overrun", Run(s, port, "SYST:ERR?\n"));
        }

        [TestMethod]
        public static void BinaryGarbageIsRefusedAndTheParserResynchronises()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            byte[] garbage = new byte[600];
            for (int i = 0; i < garbage.Length; i++) garbage[i] = (byte)((i * 37 + 11) & 0xFF);
            garbage[599] = 0x0A;
            port.Receive(garbage);
            s.Poll();
            port.TakeSent();
            Assert.AreEqual("Maker,Model,123,1.0\n", Run(s, port, "*IDN?\n"));
            int errors = 0;
            string e = Run(s, port, "SYST:ERR?\n");
            while (e != "0,\"No error\"\n" && errors < 20) { errors++; e = Run(s, port, "SYST:ERR?\n"); }
            Assert.IsTrue(errors > 0 && errors < 20, "garbage produced errors, and the queue emptied");
        }

        [TestMethod]
        public static void QuotedStringsMayHoldSeparators()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            Assert.AreEqual("\"kick; snare, hat\"\n", Run(s, port, "INP1:NAME \"kick; snare, hat\";NAME?\n"));
            Assert.AreEqual("", Run(s, port, "INP1:NAME \"open\n"));
            Assert.StartsWith("-102,", Run(s, port, "SYST:ERR?\n"));
        }

        [TestMethod]
        public static void BytesMayArriveOneAtATime()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            string line = "*IDN?\n";
            string got = "";
            for (int i = 0; i < line.Length; i++) got = got + Run(s, port, line.Substring(i, 1));
            Assert.AreEqual("Maker,Model,123,1.0\n", got);
        }

        [TestMethod]
        public static void ErrorQueueOverflowEndsInMinus350()
        {
            FakeSerial port = new FakeSerial();
            ScpiSession s = NewSession(port);
            for (int i = 0; i < 40; i++) Run(s, port, "NOPE\n");
            string last = "";
            for (int i = 0; i < ErrorQueue.Capacity; i++) last = Run(s, port, "SYST:ERR?\n");
            Assert.StartsWith("-350,\"Queue overflow\"", last);
            Assert.AreEqual("0,\"No error\"\n", Run(s, port, "SYST:ERR?\n"));
        }

        [TestMethod]
        public static void TheLineReaderEndsLinesAtLfAndMarksBadOnesWhole()
        {
            ScpiLineReader r = new ScpiLineReader();
            string text = "A\r\nB\x01C\n";
            int ended = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (!r.Add((byte)text[i])) continue;
                ended++;
                if (ended == 1)
                {
                    Assert.AreEqual(ScpiLineReader.Complete, r.State);
                    Assert.AreEqual("A", r.Take());
                }
                else
                {
                    Assert.AreEqual(ScpiLineReader.BadByte, r.State);
                    r.Take();
                }
            }
            Assert.AreEqual(2, ended);
            for (int i = 0; i <= ScpiLineReader.MaxLineLength; i++) r.Add((byte)'x');
            Assert.IsTrue(r.Add(0x0A));
            Assert.AreEqual(ScpiLineReader.TooLong, r.State);
            r.Take();
            r.Add((byte)'Z');
            r.Add(0x0A);
            Assert.AreEqual(ScpiLineReader.Complete, r.State);
            Assert.AreEqual("Z", r.Take(), "the next line is whole");
        }

        [TestMethod]
        public static void ErrorCodesHaveTheirStandardTexts()
        {
            // SCPI-99 volume 2, chapter 21.
            Assert.AreEqual("Command error", ScpiError.Text(-100));
            Assert.AreEqual("Invalid character", ScpiError.Text(-101));
            Assert.AreEqual("Syntax error", ScpiError.Text(-102));
            Assert.AreEqual("Data type error", ScpiError.Text(-104));
            Assert.AreEqual("Parameter not allowed", ScpiError.Text(-108));
            Assert.AreEqual("Missing parameter", ScpiError.Text(-109));
            Assert.AreEqual("Undefined header", ScpiError.Text(-113));
            Assert.AreEqual("Header suffix out of range", ScpiError.Text(-114));
            Assert.AreEqual("Execution error", ScpiError.Text(-200));
            Assert.AreEqual("Settings conflict", ScpiError.Text(-221));
            Assert.AreEqual("Data out of range", ScpiError.Text(-222));
            Assert.AreEqual("Illegal parameter value", ScpiError.Text(-224));
            Assert.AreEqual("Hardware error", ScpiError.Text(-240));
            Assert.AreEqual("Self-test failed", ScpiError.Text(-330));
            Assert.AreEqual("Device-specific error", ScpiError.Text(-300));
            Assert.AreEqual("Queue overflow", ScpiError.Text(-350));
            Assert.AreEqual("Input buffer overrun", ScpiError.Text(-363));
            Assert.AreEqual("Error", ScpiError.Text(-999));
        }
    }
}
