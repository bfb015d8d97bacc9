// Desktop stand-in for nanoFramework.TestFramework: same attribute names and Assert signatures, so shared tests compile on both.
using System;
using System.Collections;

namespace TestFrameworkShared
{
    /// <summary>Thrown by a failed assertion (nanoFramework's type of the same name).</summary>
    public class AssertFailedException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public AssertFailedException(string msg) : base(msg) { }
    }
}

namespace nanoFramework.TestFramework
{
    using TestFrameworkShared;

    /// <summary>Marks a class of static test methods.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class TestClassAttribute : Attribute { }

    /// <summary>Marks a static test method.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestMethodAttribute : Attribute { }

    /// <summary>Runs before the class's tests.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class SetupAttribute : Attribute { }

    /// <summary>Runs after the class's tests.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class CleanupAttribute : Attribute { }

    /// <summary>Thrown by <see cref="Assert.SkipTest"/>.</summary>
    public class SkipTestException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public SkipTestException(string message = null, Exception innerException = null) : base(message, innerException) { }
    }

    /// <summary>Test output.</summary>
    public static class OutputHelper
    {
        /// <summary>Writes a line to the test output.</summary>
        public static void WriteLine(string message) => Console.WriteLine(message);
        /// <summary>Writes to the test output.</summary>
        public static void Write(string message) => Console.Write(message);
    }

    /// <summary>Assertions with nanoFramework.TestFramework's signatures (exact comparisons, no delta overloads).</summary>
    public sealed class Assert
    {
        private static void Fail(string what, string message) =>
            throw new AssertFailedException(what + (string.IsNullOrEmpty(message) ? "" : " — " + message));

        /// <summary>Fails unless true.</summary>
        public static void IsTrue(bool condition, string message = "") { if (!condition) Fail("Assert.IsTrue failed", message); }
        /// <summary>Fails unless false.</summary>
        public static void IsFalse(bool condition, string message = "") { if (condition) Fail("Assert.IsFalse failed", message); }
        /// <summary>Fails unless null.</summary>
        public static void IsNull(object value, string message = "") { if (value != null) Fail("Assert.IsNull failed, got " + value, message); }
        /// <summary>Fails when null.</summary>
        public static void IsNotNull(object value, string message = "") { if (value == null) Fail("Assert.IsNotNull failed", message); }
        /// <summary>Skips the test.</summary>
        public static void SkipTest(string message = null) => throw new SkipTestException(message);

        private static void Eq(object expected, object actual, string message)
        {
            if (!Equals(expected, actual)) Fail("Assert.AreEqual failed. Expected:<" + expected + ">. Actual:<" + actual + ">.", message);
        }

        private static void Ne(object notExpected, object actual, string message)
        {
            if (Equals(notExpected, actual)) Fail("Assert.AreNotEqual failed. Both:<" + actual + ">.", message);
        }

        /// <summary>Exact equality.</summary>
        public static void AreEqual(bool expected, bool actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(byte expected, byte actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(char expected, char actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(double expected, double actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(float expected, float actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(int expected, int actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(long expected, long actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(object expected, object actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(sbyte expected, sbyte actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(short expected, short actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(string expected, string actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(uint expected, uint actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(ulong expected, ulong actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Exact equality.</summary>
        public static void AreEqual(ushort expected, ushort actual, string message = "") => Eq(expected, actual, message);
        /// <summary>Inequality.</summary>
        public static void AreNotEqual(int notExpected, int actual, string message = "") => Ne(notExpected, actual, message);
        /// <summary>Inequality.</summary>
        public static void AreNotEqual(long notExpected, long actual, string message = "") => Ne(notExpected, actual, message);
        /// <summary>Inequality.</summary>
        public static void AreNotEqual(string notExpected, string actual, string message = "") => Ne(notExpected, actual, message);
        /// <summary>Inequality.</summary>
        public static void AreNotEqual(object notExpected, object actual, string message = "") => Ne(notExpected, actual, message);

        /// <summary>Fails unless <paramref name="action"/> throws <paramref name="exception"/> (or a subclass).</summary>
        public static void ThrowsException(Type exception, Action action, string message = "")
        {
            try { action(); }
            catch (Exception e)
            {
                if (exception.IsInstanceOfType(e)) return;
                Fail("Assert.ThrowsException: expected " + exception.Name + ", got " + e.GetType().Name + ": " + e.Message, message);
            }
            Fail("Assert.ThrowsException: expected " + exception.Name + ", nothing was thrown", message);
        }

        /// <summary>Fails unless <paramref name="value"/> contains <paramref name="expected"/>.</summary>
        public static void Contains(string expected, string value, string message = "")
        {
            if (value == null || !value.Contains(expected, StringComparison.Ordinal)) Fail("Assert.Contains: \"" + expected + "\" not in \"" + value + "\"", message);
        }

        /// <summary>Fails when <paramref name="value"/> contains <paramref name="notExpected"/>.</summary>
        public static void DoesNotContains(string notExpected, string value, string message = "")
        {
            if (value != null && value.Contains(notExpected, StringComparison.Ordinal)) Fail("Assert.DoesNotContains: \"" + notExpected + "\" in \"" + value + "\"", message);
        }

        /// <summary>Fails unless <paramref name="value"/> starts with <paramref name="expected"/>.</summary>
        public static void StartsWith(string expected, string value, string message = "")
        {
            if (value == null || !value.StartsWith(expected, StringComparison.Ordinal)) Fail("Assert.StartsWith: \"" + value + "\" does not start with \"" + expected + "\"", message);
        }
    }

    /// <summary>Collection assertions.</summary>
    public sealed class CollectionAssert
    {
        /// <summary>Element-wise equality.</summary>
        public static void AreEqual(ICollection expected, ICollection actual, string message = "")
        {
            if (expected.Count != actual.Count)
                throw new AssertFailedException("CollectionAssert.AreEqual: count " + expected.Count + " != " + actual.Count + " " + message);
            var e = expected.GetEnumerator();
            var a = actual.GetEnumerator();
            int i = 0;
            while (e.MoveNext() && a.MoveNext())
            {
                if (!Equals(e.Current, a.Current))
                    throw new AssertFailedException("CollectionAssert.AreEqual: element " + i + " expected " + e.Current + ", got " + a.Current + " " + message);
                i++;
            }
        }
    }
}
