// Weaves WorkCounter calls into copies of the device assemblies: one call at the head of every basic block.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace PreampFirmware.DeviceWork;

/// <summary>
/// Copies assemblies with a <see cref="WorkCounter.Block"/> call at the head of every basic block of every method, and
/// writes the table of what each block holds. A basic block ends after a branch, a return, a throw and after every
/// call, so a block's instructions all run once it starts (an instruction that faults by itself, such as a null
/// dereference, would count the rest of its block; the firmware relies on none). Calls are told apart when woven: into
/// a method with a body in the woven assemblies (or a delegate's Invoke, whose targets are woven code) they are managed
/// calls; anything else (the BCL, natives, an interface implemented outside, such as the HAL's adapters) is a call out,
/// counted by target. Call sites in the methods of <c>rootType</c> are wrapped so their work counts for the part called.
/// </summary>
public static class IlCounterWeaver
{
    /// <summary>File name of the block table beside the woven assemblies.</summary>
    public const string TableFile = "woven-blocks.tsv";

    /// <summary>
    /// Weaves <paramref name="assemblies"/> (paths) into <paramref name="outputDirectory"/>; call sites inside methods of the
    /// type named <paramref name="rootType"/> (full name, or null) become parts. Returns the number of blocks woven.
    /// </summary>
    public static int Weave(IReadOnlyList<string> assemblies, string outputDirectory, string rootType)
    {
        Directory.CreateDirectory(outputDirectory);
        var resolver = new DefaultAssemblyResolver();
        foreach (var dir in assemblies.Select(Path.GetDirectoryName).Distinct()) resolver.AddSearchDirectory(dir);
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location));
        var modules = assemblies.Select(a => ModuleDefinition.ReadModule(a, new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = false, InMemory = true })).ToList();
        var woven = new HashSet<string>(modules.Select(m => m.Assembly.Name.Name));
        var table = new Table();
        foreach (var module in modules)
        {
            var block = module.ImportReference(typeof(WorkCounter).GetMethod(nameof(WorkCounter.Block)));
            var enter = module.ImportReference(typeof(WorkCounter).GetMethod(nameof(WorkCounter.EnterPart)));
            var leave = module.ImportReference(typeof(WorkCounter).GetMethod(nameof(WorkCounter.LeavePart)));
            foreach (var type in AllTypes(module))
            {
                bool root = type.FullName == rootType;
                foreach (var method in type.Methods.Where(m => m.HasBody).ToList())
                {
                    WeaveMethod(method, woven, table, block, root ? enter : null, root ? leave : null);
                }
            }
            module.Write(Path.Combine(outputDirectory, module.Assembly.Name.Name + ".dll"));
        }
        File.WriteAllLines(Path.Combine(outputDirectory, TableFile), table.Lines());
        return table.Blocks.Count;
    }

    private static IEnumerable<TypeDefinition> AllTypes(ModuleDefinition module)
    {
        var stack = new Stack<TypeDefinition>(module.Types);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            yield return t;
            foreach (var n in t.NestedTypes) stack.Push(n);
        }
    }

    private static bool IsCall(Instruction i) => i.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj or Code.Calli;

    private static bool EndsBlock(Instruction i) =>
        IsCall(i) || i.OpCode.FlowControl is FlowControl.Branch or FlowControl.Cond_Branch or FlowControl.Return or FlowControl.Throw
        || i.OpCode.Code is Code.Leave or Code.Leave_S or Code.Endfinally or Code.Endfilter or Code.Rethrow or Code.Jmp;

    private static void WeaveMethod(MethodDefinition method, HashSet<string> woven, Table table, MethodReference block, MethodReference enter, MethodReference leave)
    {
        var body = method.Body;
        body.SimplifyMacros();
        var code = body.Instructions.ToList();
        var leaders = new HashSet<Instruction> { code[0] };
        for (int k = 0; k < code.Count; k++)
        {
            var i = code[k];
            if (i.Operand is Instruction target) leaders.Add(target);
            if (i.Operand is Instruction[] targets) leaders.UnionWith(targets);
            if (EndsBlock(i) && k + 1 < code.Count) leaders.Add(code[k + 1]);
        }
        foreach (var h in body.ExceptionHandlers)
        {
            leaders.Add(h.TryStart);
            leaders.Add(h.HandlerStart);
            if (h.FilterStart != null) leaders.Add(h.FilterStart);
            if (h.TryEnd != null) leaders.Add(h.TryEnd);
            if (h.HandlerEnd != null) leaders.Add(h.HandlerEnd);
        }
        int methodId = table.Method(method.DeclaringType.Name + "." + method.Name);
        int ownPart = enter != null ? table.Part(method.Name + ": (own)") : 0;
        var il = body.GetILProcessor();
        for (int start = 0; start < code.Count;)
        {
            int end = start + 1;
            while (end < code.Count && !leaders.Contains(code[end])) end++;
            var last = code[end - 1];
            bool managed = false;
            int callOut = -1;
            if (IsCall(last))
            {
                if (last.Operand is MethodReference target && IsManaged(target, woven)) managed = true;
                else callOut = table.CallOut(last.Operand is MethodReference t ? Describe(t, woven) : "calli");
            }
            int id = table.Block(end - start, methodId, managed, callOut, ownPart);
            // The leader stays the instruction that branches and handlers point at: it becomes the counting code, and
            // its own opcode moves into a new instruction after it.
            var leader = code[start];
            var moved = il.Create(OpCodes.Nop);
            moved.OpCode = leader.OpCode;
            moved.Operand = leader.Operand;
            leader.OpCode = OpCodes.Ldc_I4;
            leader.Operand = id;
            var call = il.Create(OpCodes.Call, block);
            il.InsertAfter(leader, call);
            il.InsertAfter(call, moved);
            var callSite = end - 1 == start ? moved : last;
            if (enter != null && IsCall(callSite) && callSite.Operand is MethodReference callee)
            {
                int part = table.Part(method.Name + ": " + callee.DeclaringType.Name + "." + callee.Name);
                il.InsertBefore(callSite, il.Create(OpCodes.Ldc_I4, part));
                il.InsertBefore(callSite, il.Create(OpCodes.Call, enter));
                il.InsertAfter(callSite, il.Create(OpCodes.Call, leave));
            }
            start = end;
        }
        body.OptimizeMacros();
    }

    private static bool IsManaged(MethodReference target, HashSet<string> woven)
    {
        if (target.DeclaringType.Resolve() is { } type && type.BaseType?.FullName == "System.MulticastDelegate" && target.Name == "Invoke") return true;
        if (!woven.Contains(AssemblyOf(target.DeclaringType))) return false;
        var m = target.Resolve();
        return m != null && m.HasBody;
    }

    private static string AssemblyOf(TypeReference type) => type.Scope switch
    {
        ModuleDefinition m => m.Assembly.Name.Name,
        AssemblyNameReference a => a.Name,
        _ => type.Scope.Name,
    };

    private static string Describe(MethodReference target, HashSet<string> woven)
    {
        string where = woven.Contains(AssemblyOf(target.DeclaringType)) ? "HAL " : AssemblyOf(target.DeclaringType) + " ";
        return where + target.DeclaringType.FullName + "." + target.Name;
    }

    private sealed class Table
    {
        private readonly Dictionary<string, int> _methods = new(), _callOuts = new(), _parts = new();
        public readonly List<(int Il, int Method, bool Managed, int CallOut, int OwnPart)> Blocks = new();

        public int Method(string name) => Index(_methods, name);
        public int CallOut(string name) => Index(_callOuts, name);
        public int Part(string name) => Index(_parts, name) + 1;   // part 0 is "outside the root's calls"

        public int Block(int il, int method, bool managed, int callOut, int ownPart)
        {
            Blocks.Add((il, method, managed, callOut, ownPart));
            return Blocks.Count - 1;
        }

        private static int Index(Dictionary<string, int> d, string name)
        {
            if (!d.TryGetValue(name, out int i)) d[name] = i = d.Count;
            return i;
        }

        public IEnumerable<string> Lines()
        {
            foreach (var (name, i) in _methods.OrderBy(p => p.Value)) yield return "M\t" + i + "\t" + name;
            foreach (var (name, i) in _callOuts.OrderBy(p => p.Value)) yield return "C\t" + i + "\t" + name;
            foreach (var (name, i) in _parts.OrderBy(p => p.Value)) yield return "P\t" + (i + 1) + "\t" + name;
            for (int b = 0; b < Blocks.Count; b++)
            {
                var x = Blocks[b];
                yield return "B\t" + b + "\t" + x.Il + "\t" + x.Method + "\t" + (x.Managed ? "1" : "0") + "\t" + x.CallOut + "\t" + x.OwnPart;
            }
        }
    }
}
