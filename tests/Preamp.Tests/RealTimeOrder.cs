// The checks that run on the wall clock (real clients against real-time simulators, a real browser) run in a second
// pass of the suite, after the processor-heavy tests, side by side, longest first: see test.sh.
using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("PreampFirmware.DesktopTests.LongestFirst", "Preamp.Tests")]

namespace PreampFirmware.DesktopTests;

/// <summary>The trait test.sh filters on: `Category=RealTime` runs in the second pass.</summary>
public static class RealTime
{
    public const string Category = "Category";
    public const string Name = "RealTime";
}

/// <summary>How long a real-time check takes on the 2-core CI machine, so the suite starts the longest first.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TakesSecondsAttribute : Attribute
{
    public TakesSecondsAttribute(int seconds) => Seconds = seconds;

    public int Seconds { get; }
}

/// <summary>
/// Starts the test classes marked <see cref="TakesSecondsAttribute"/> longest first, then the rest in xunit's own
/// order; with several classes running at once the longest check no longer starts last and sets the suite's length.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(Seconds).ThenBy(c => c.DisplayName, StringComparer.Ordinal).ToList();

    private static int Seconds(ITestCollection collection)
    {
        const string prefix = "Test collection for ";
        if (!collection.DisplayName.StartsWith(prefix, StringComparison.Ordinal)) return 0;
        var type = typeof(LongestFirst).Assembly.GetType(collection.DisplayName.Substring(prefix.Length));
        var takes = type == null ? null : (TakesSecondsAttribute)Attribute.GetCustomAttribute(type, typeof(TakesSecondsAttribute));
        return takes?.Seconds ?? 0;
    }
}
