// Runs the shared nanoFramework.TestFramework tests under xunit: one xunit case per [TestMethod].
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using nanoFramework.TestFramework;
using Xunit;
using Assert = Xunit.Assert;

namespace PreampFirmware.DesktopTests;

public class PortableTestRunner
{
    private static readonly Assembly s_portable = typeof(PreampFirmware.Tests.ScriptedSpi).Assembly;

    public static IEnumerable<object[]> Cases() =>
        s_portable.GetTypes()
            .Where(t => t.GetCustomAttribute<TestClassAttribute>() != null)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null)
                .Select(m => new object[] { t.Name + "." + m.Name }));

    [Fact]
    public void EveryPortableTestIsStaticAndDiscovered()
    {
        // nanoFramework's runner invokes test methods on no instance: an instance method would never run there.
        var instanceTests = s_portable.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<TestMethodAttribute>() != null)
            .Select(m => m.DeclaringType.Name + "." + m.Name)
            .ToList();
        Assert.Empty(instanceTests);
        Assert.True(Cases().Count() >= 30, "portable tests discovered: " + Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run(string name)
    {
        string[] parts = name.Split('.');
        Type type = s_portable.GetTypes().Single(t => t.Name == parts[0]);
        foreach (var setup in type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.GetCustomAttribute<SetupAttribute>() != null))
            setup.Invoke(null, null);
        try
        {
            type.GetMethod(parts[1], BindingFlags.Public | BindingFlags.Static).Invoke(null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is SkipTestException)
        {
            Console.WriteLine("skipped: " + e.InnerException.Message);
        }
        catch (TargetInvocationException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        finally
        {
            foreach (var cleanup in type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.GetCustomAttribute<CleanupAttribute>() != null))
                cleanup.Invoke(null, null);
        }
    }
}
