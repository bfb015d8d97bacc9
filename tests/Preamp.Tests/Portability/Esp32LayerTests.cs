// The ESP32 adapters and the app entry: checked against the full nanoFramework listing, and the facade they
// compile against checked to declare nothing that nanoFramework lacks.
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace PreampFirmware.DesktopTests.Portability;

public class Esp32LayerTests
{
    private static readonly string[] s_allListings =
        Directory.GetFiles(RepoPaths.Combine("tests", "Preamp.Tests", "Portability", "NanoApi"), "*.txt")
            .Select(Path.GetFileNameWithoutExtension).ToArray();

    private static readonly NanoApi s_all = NanoApi.Load(RepoPaths.Combine("tests", "Preamp.Tests", "Portability", "NanoApi"), s_allListings);

    private static string FacadePath()
    {
        string path = RepoPaths.Combine("tests", "NanoFramework.Facade", "bin");
        var dll = Directory.GetFiles(path, "NanoFramework.Facade.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        Assert.True(dll != null, "build tests/NanoFramework.Facade first (dotnet build PreampFirmware.sln)");
        return dll;
    }

    [Fact]
    public void AdaptersAndProgramUseOnlyNanoFrameworkApis()
    {
        var files = Directory.GetFiles(RepoPaths.Combine("hal", "Preamp.Hal.Esp32"), "*.cs")
            .Append(RepoPaths.Combine("firmware", "PreampApp", "Program.cs"))
            .Select(p => (Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'), File.ReadAllText(p)))
            .ToList();
        Assert.True(files.Count >= 8);
        var refs = new[]
        {
            MetadataReference.CreateFromFile(FacadePath()),
            MetadataReference.CreateFromFile(typeof(Preamp).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(PreampFirmware.Hal.BoardIo).Assembly.Location),
        };
        var v = new PortabilityChecker(s_all, "PreampFirmware", "PreampFirmware.Hal").Check(files, refs);
        Assert.True(v.Count == 0, string.Join("\n", v));
    }

    [Fact]
    public void FacadeDeclaresOnlyListedSignatures()
    {
        var asm = Assembly.LoadFrom(FacadePath());
        var problems = new System.Collections.Generic.List<string>();
        foreach (var type in asm.GetExportedTypes())
        {
            string full = type.FullName!.Replace('+', '+');
            if (!s_all.TryGet(full, out var listed)) { problems.Add("type " + full); continue; }
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                if (member is MethodInfo { IsSpecialName: true }) continue;   // property and event accessors
                if (type.IsEnum && member.Name == "value__") continue;
                string name = member is ConstructorInfo ? ".ctor" : member.Name;
                if (member is MethodBase method)
                {
                    var ps = method.GetParameters().Select(p => NanoApi.NormaliseTypeName(CSharpName(p.ParameterType))).ToArray();
                    if (!listed.Members.Any(m => m.IsMethod && m.Name == name && m.Parameters.SequenceEqual(ps)))
                        problems.Add(full + "." + name + "(" + string.Join(", ", ps) + ")");
                }
                else if (!listed.Members.Any(m => m.Name == name))
                {
                    problems.Add(full + "." + name);
                }
            }
        }
        Assert.True(problems.Count == 0, "facade members not in the nanoFramework listing:\n" + string.Join("\n", problems));
    }

    private static string CSharpName(Type t)
    {
        if (t.IsByRef) t = t.GetElementType()!;
        if (t.IsArray) return CSharpName(t.GetElementType()!) + "[]";
        if (t.IsEnum) return t.Name;
        return Type.GetTypeCode(t) switch
        {
            TypeCode.Boolean => "bool", TypeCode.Byte => "byte", TypeCode.SByte => "sbyte", TypeCode.Char => "char",
            TypeCode.Int16 => "short", TypeCode.UInt16 => "ushort", TypeCode.Int32 => "int", TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long", TypeCode.UInt64 => "ulong", TypeCode.Single => "float", TypeCode.Double => "double",
            TypeCode.String => "string",
            _ => t == typeof(object) ? "object" : t.Name,
        };
    }
}
