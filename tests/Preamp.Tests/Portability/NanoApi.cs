// The nanoFramework 1.x public API, read from the signature listings in NanoApi/*.txt.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace PreampFirmware.DesktopTests.Portability;

/// <summary>One member of a listed type: its name and, for methods and constructors, its parameter types.</summary>
public sealed record NanoMember(string Name, string[] Parameters, bool IsMethod);

/// <summary>One listed type and its members.</summary>
public sealed class NanoType
{
    public NanoType(string fullName, string kind, string assembly)
    {
        FullName = fullName;
        Kind = kind;
        Assembly = assembly;
    }

    public string FullName { get; }
    public string Kind { get; }
    public string Assembly { get; }
    public List<NanoMember> Members { get; } = new();
}

/// <summary>
/// The listing of every public type and member of the nanoFramework 1.x libraries (one file per assembly,
/// "kind Full.Name   [assembly]" then indented member signatures), as the truth for what code may call.
/// </summary>
public sealed class NanoApi
{
    private static readonly Regex s_typeLine = new(@"^(?<mods>(?:(?:abstract|sealed|static)\s+)*)(?<kind>class|struct|interface|enum|delegate)\s+(?<name>\S+)(?:\s*:\s*[\w.,\s]+?)?\s+\[(?<asm>[^\]]+)\]\s*(?:\(.*\))?\s*$");

    public Dictionary<string, NanoType> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Loads the listings of the named assemblies' files (e.g. "mscorlib", "System.Math").</summary>
    public static NanoApi Load(string directory, params string[] files)
    {
        var api = new NanoApi();
        foreach (var file in files)
        {
            NanoType current = null;
            foreach (var raw in File.ReadLines(Path.Combine(directory, file + ".txt")))
            {
                if (raw.Length == 0) continue;
                if (!raw.StartsWith("    ", StringComparison.Ordinal))
                {
                    var m = s_typeLine.Match(raw);
                    if (!m.Success) throw new InvalidDataException("unreadable type line in " + file + ": " + raw);
                    current = new NanoType(m.Groups["name"].Value, m.Groups["kind"].Value, m.Groups["asm"].Value);
                    api.Types[current.FullName] = current;
                    continue;
                }
                ParseMember(current, raw.Trim());
            }
        }
        return api;
    }

    private static void ParseMember(NanoType type, string line)
    {
        if (type.Kind == "enum")
        {
            foreach (var part in line.Split(','))
            {
                var name = part.Split('=')[0].Trim();
                if (name.Length > 0) type.Members.Add(new NanoMember(name, Array.Empty<string>(), false));
            }
            return;
        }
        int paren = line.IndexOf('(');
        int brace = line.IndexOf('{');
        if (paren >= 0 && (brace < 0 || paren < brace))
        {
            string head = line[..paren].Trim();
            string name = head.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last();
            if (name == "ctor") name = ".ctor";
            string inner = line[(paren + 1)..line.LastIndexOf(')')];
            type.Members.Add(new NanoMember(name, SplitParameters(inner), true));
            return;
        }
        string decl = brace >= 0 ? line[..brace].Trim() : line;
        type.Members.Add(new NanoMember(decl.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last(), Array.Empty<string>(), false));
    }

    private static string[] SplitParameters(string inner)
    {
        if (inner.Trim().Length == 0) return Array.Empty<string>();
        var result = new List<string>();
        foreach (var p in inner.Split(','))
        {
            string decl = p.Split('=')[0].Trim();
            var words = decl.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(w => w is not ("ref" or "out" or "in" or "params" or "this")).ToArray();
            if (words.Length == 0) continue;
            result.Add(NormaliseTypeName(words.Length >= 2 ? words[^2] : words[0]));
        }
        return result.ToArray();
    }

    /// <summary>The comparable form of a listed or Roslyn type name: the last dotted part, arrays kept.</summary>
    public static string NormaliseTypeName(string name)
    {
        int lt = name.IndexOf('<');
        if (lt >= 0) name = name[..lt];
        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name;
    }

    public bool TryGet(string fullName, out NanoType type) => Types.TryGetValue(fullName, out type);
}
