// The portability guard: hal/ and firmware/ (and the shared tests) may use only what nanoFramework 1.x offers.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace PreampFirmware.DesktopTests.Portability;

public class PortabilityTests
{
    private static readonly NanoApi s_api = NanoApi.Load(
        Path.Combine(RepoPaths.Root, "tests", "Preamp.Tests", "Portability", "NanoApi"), PortabilityChecker.PortableAssemblies);

    /// <summary>Every portable source: the HAL interfaces, the firmware core, the shared tests.</summary>
    public static List<(string Path, string Text)> PortableSources()
    {
        string[] dirs = { "hal/Preamp.Hal", "firmware/Preamp.Firmware", "tests/Preamp.PortableTests" };
        return dirs.SelectMany(d => Directory.EnumerateFiles(RepoPaths.Combine(d), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains("/obj/") && !p.Contains("/bin/") && !p.Contains("/Properties/"))
            .OrderBy(p => p)
            .Select(p => (Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'), File.ReadAllText(p)))
            .ToList();
    }

    private static List<Violation> CheckWith(string file, string snippet)
    {
        var sources = PortableSources().Select(s => s.Path == file ? (s.Path, s.Text + "\n" + snippet) : s).ToList();
        Assert.Contains(sources, s => s.Path == file);
        return new PortabilityChecker(s_api).Check(sources);
    }

    [Fact]
    public void PortableSourcesUseOnlyWhatNanoFramework1xHas()
    {
        var sources = PortableSources();
        Assert.True(sources.Count >= 15, "portable sources found: " + sources.Count);
        var violations = new PortabilityChecker(s_api).Check(sources);
        Assert.True(violations.Count == 0, "nanoFramework 1.x cannot run:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void AGenericListWithLinqInFirmwareIsNamed()
    {
        var v = CheckWith("firmware/Preamp.Firmware/Preamp.cs", @"
namespace PreampFirmware
{
    public static class Injected
    {
        public static int Count()
        {
            var list = new System.Collections.Generic.List<int>();
            list.Add(1);
            return System.Linq.Enumerable.Count(list, x => x > 0);
        }
    }
}");
        Assert.Contains(v, x => x.File == "firmware/Preamp.Firmware/Preamp.cs" && x.Construct.Contains("generic System.Collections.Generic.List<int>") || x.Construct.Contains("List<int>"));
        Assert.Contains(v, x => x.File == "firmware/Preamp.Firmware/Preamp.cs" && x.Construct.StartsWith("LINQ"));
    }

    [Theory]
    [InlineData("public static System.Threading.Tasks.Task Go() { return null; }", "type not in nanoFramework 1.x: System.Threading.Tasks.Task")]
    [InlineData("public static async void Go() { await System.Threading.Tasks.Task.Yield(); }", "async method")]
    [InlineData("public static int Go() { var t = (1, 2); return t.Item1; }", "tuple")]
    [InlineData("public static int Go(int[] a) { return a[^1]; }", "index from end")]
    [InlineData("public static int[] Go(int[] a) { return a[1..2]; }", "range")]
    [InlineData("public static unsafe int Go() { int* p = stackalloc int[4]; return p[0]; }", "stackalloc")]
    [InlineData("public static int? Go() { return null; }", "nullable")]
    [InlineData("public static System.Span<byte> Go(byte[] b) { return b; }", "generic")]
    [InlineData("public static long Go() { return System.Math.Abs(5L); }", "no such overload in nanoFramework: System.Math.Abs(long)")]
    [InlineData("public static string Go(string s) { return s.Replace(\"a\", \"b\"); }", "not in nanoFramework: System.String.Replace()")]
    [InlineData("public static long Go() { return System.DateTime.UtcNow.Ticks; }", "denied for portable code")]
    [InlineData("public static long Go() { return System.Environment.TickCount64; }", "denied for portable code")]
    [InlineData("public static decimal Go() { return 1m; }", "System.Decimal")]
    [InlineData("public static int Go() { var a = new int[2, 2]; return a.Length; }", "multi-dimensional array")]
    [InlineData("public static System.Collections.IEnumerable Go() { yield return 1; }", "iterator")]
    [InlineData("public static void Go<T>(T x) { }", "generic declaration")]
    [InlineData("public static string[] Go() { return System.Enum.GetNames(typeof(System.DayOfWeek)); }", "not in nanoFramework")]
    [InlineData("public static string Go(byte[] b) { string s = \"\"; for (int i = 0; i < b.Length; i++) s = s + (char)b[i]; return s; }", "string built from raw bytes")]
    [InlineData("public static string Go(byte[] b) { string s = \"\"; s += (char)b[0]; return s; }", "string built from raw bytes")]
    [InlineData("public static string Go(byte[] b) { var t = new System.Text.StringBuilder(); t.Append((char)b[0]); return t.ToString(); }", "string built from raw bytes")]
    public void EachUnsupportedConstructIsNamedWithItsFile(string member, string expected)
    {
        var v = CheckWith("firmware/Preamp.Firmware/Scpi/ErrorQueue.cs", "namespace PreampFirmware { public static class Injected { " + member + " } }");
        Assert.True(v.Any(x => x.File == "firmware/Preamp.Firmware/Scpi/ErrorQueue.cs" && x.Construct.Contains(expected)),
            "expected \"" + expected + "\" in:\n" + string.Join("\n", v));
    }

    [Fact]
    public void CodeThatNanoFrameworkHasPasses()
    {
        var v = CheckWith("firmware/Preamp.Firmware/Scpi/ErrorQueue.cs", @"namespace PreampFirmware { public static class Injected {
            public static string Go(byte[] b, string s) {
                System.Collections.ArrayList list = new System.Collections.ArrayList();
                list.Add(s);
                System.Array.Copy(b, 0, b, 1, 1);
                string[] parts = s.Split(new char[] { ',' });
                double d = System.Math.Pow(10, -1.5) + System.Math.Log10(2.0);
                System.Text.StringBuilder sb = new System.Text.StringBuilder();
                sb.Append(parts[0]);
                lock (list) { }
                return sb.ToString() + d.ToString() + b[0].ToString(""X2"") + s.Substring(1).ToUpper();
            } } }");
        Assert.True(v.Count == 0, string.Join("\n", v));
    }

    [Fact]
    public void ListingIsReadWhole()
    {
        Assert.True(s_api.TryGet("System.String", out var str));
        Assert.Contains(str.Members, m => m.Name == "Split" && m.Parameters.SequenceEqual(new[] { "char[]" }));
        Assert.True(s_api.TryGet("System.SpanByte", out var span));
        Assert.Contains(span.Members, m => m.Name == ".ctor" && m.Parameters.SequenceEqual(new[] { "byte[]", "int", "int" }));
        Assert.False(s_api.TryGet("System.Device.Gpio.GpioPin", out _), "GPIO is not portable");
        Assert.True(s_api.Types.Count > 200);
    }
}
