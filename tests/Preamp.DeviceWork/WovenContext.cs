// A load context where the device assemblies are the woven copies and the rest of the project is loaded afresh over them.
using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PreampFirmware.DeviceWork;

/// <summary>
/// Loads the woven device assemblies from their directory, and every other assembly of the project ("Preamp*" and
/// "PreampFirmware*") afresh from where the running one came from, so that the simulator, the scenarios and the counter
/// all bind to the woven firmware. The BCL and packages come from the default context.
/// </summary>
public sealed class WovenContext : AssemblyLoadContext
{
    private readonly string _wovenDirectory;
    private readonly string _projectDirectory;
    private readonly bool _shareCounter;

    /// <summary>
    /// A context over <paramref name="wovenDirectory"/>; the project's other assemblies come from
    /// <paramref name="projectDirectory"/>. With <paramref name="shareCounter"/> the counter is the caller's own
    /// (<see cref="WorkCounter"/> as seen from the default context); otherwise the context has its own copy.
    /// </summary>
    public WovenContext(string wovenDirectory, string projectDirectory, bool shareCounter) : base("woven", isCollectible: true)
    {
        _wovenDirectory = wovenDirectory;
        _projectDirectory = projectDirectory;
        _shareCounter = shareCounter;
    }

    /// <inheritdoc />
    protected override Assembly Load(AssemblyName name)
    {
        string woven = Path.Combine(_wovenDirectory, name.Name + ".dll");
        if (File.Exists(woven)) return LoadFromAssemblyPath(woven);
        if (name.Name == typeof(WorkCounter).Assembly.GetName().Name && _shareCounter) return null;
        if (!name.Name.StartsWith("Preamp", StringComparison.Ordinal)) return null;
        string own = Path.Combine(_projectDirectory, name.Name + ".dll");
        return File.Exists(own) ? LoadFromAssemblyPath(own) : null;
    }
}
