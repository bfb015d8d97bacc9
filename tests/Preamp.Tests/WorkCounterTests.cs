// The device's work counter: exact on methods whose IL is known, built instruction by instruction.
using System;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using PreampFirmware.DeviceWork;
using Xunit;

namespace PreampFirmware.DesktopTests;

[Collection("WorkCounter")]
public class WorkCounterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "preamp-counter-" + Guid.NewGuid().ToString("N"));
    private readonly WovenContext _context;
    private readonly Type _known;

    public WorkCounterTests()
    {
        string plain = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(plain);
        string path = Path.Combine(plain, "CounterFixture.dll");
        BuildFixture(path);
        string woven = Path.Combine(_dir, "woven");
        IlCounterWeaver.Weave(new[] { path }, woven, "Fixture.Root");
        WorkCounter.Load(woven);
        _context = new WovenContext(woven, plain, shareCounter: true);
        _known = _context.LoadFromAssemblyPath(Path.Combine(woven, "CounterFixture.dll")).GetType("Fixture.Known");
    }

    public void Dispose()
    {
        _context.Unload();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private object Call(string method, params object[] args) => Call(_known, method, args);

    private static object Call(Type type, string method, params object[] args)
    {
        WorkCounter.Reset();
        return type.GetMethod(method).Invoke(null, args);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    public void ALoopCountsEveryInstructionOfEveryIteration(int n)
    {
        Assert.Equal(n, Call("Loop", n));
        // ldc.i4.0 stloc.0 br | body: ldloc.0 ldc.i4.1 add stloc.0 | cond: ldloc.0 ldarg.0 blt | ldloc.0 ret
        Assert.Equal(3 + 4 * n + 3 * (n + 1) + 2, WorkCounter.Il);
        Assert.Equal(0, WorkCounter.ManagedCalls);
        Assert.Equal(0, WorkCounter.CallsOut);
    }

    [Fact]
    public void ACallCountsTheCallerTheCalleeAndTheCall()
    {
        Assert.Equal(7, Call("Calls"));
        // ldc.i4.5 call ldc.i4.2 call add ret, plus Loop(5) = 43 and Loop(2) = 22
        Assert.Equal(6 + 43 + 22, WorkCounter.Il);
        Assert.Equal(2, WorkCounter.ManagedCalls);
        var counts = WorkCounter.Snapshot();
        Assert.Equal(6, counts.IlByMethod["Known.Calls"]);
        Assert.Equal(65, counts.IlByMethod["Known.Loop"]);
    }

    [Fact]
    public void AnExceptionPathCountsWhatRanUpToTheThrowAndTheHandler()
    {
        Assert.Equal(0, Call("Throws", false));
        // ldc.i4.0 stloc.0 | try: ldarg.0 brfalse | leave | end: ldloc.0 ret
        Assert.Equal(7, WorkCounter.Il);
        Assert.Equal(0, WorkCounter.CallsOut);

        Assert.Equal(1, Call("Throws", true));
        // ldc.i4.0 stloc.0 | ldarg.0 brfalse | ldstr newobj | throw | catch: pop ldc.i4.1 stloc.0 leave | ldloc.0 ret
        Assert.Equal(13, WorkCounter.Il);
        Assert.Equal(1, WorkCounter.CallsOut);
        Assert.Contains(WorkCounter.Snapshot().CallsOutByTarget.Keys, k => k.EndsWith("System.Exception..ctor", StringComparison.Ordinal));
    }

    [Fact]
    public void CallsInTheRootCountForThePartTheyCall()
    {
        Assert.Equal(3, Call(_known.Assembly.GetType("Fixture.Root"), "Run"));   // Root.Run: Loop(3)
        var parts = WorkCounter.Snapshot().ByPart;
        Assert.Equal(8 + 7 * 3, parts["Run: Known.Loop"].Il);
        Assert.Equal(3, parts["Run: (own)"].Il);   // ldc.i4.3 call ret, in the root itself
    }

    /// <summary>Writes an assembly whose methods are built instruction by instruction, so their executed IL is known.</summary>
    private static void BuildFixture(string path)
    {
        var assembly = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition("CounterFixture", new Version(1, 0)), "CounterFixture", ModuleKind.Dll);
        var module = assembly.MainModule;
        var ts = module.TypeSystem;
        var known = new TypeDefinition("Fixture", "Known", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class, ts.Object);
        module.Types.Add(known);

        var loop = new MethodDefinition("Loop", MethodAttributes.Public | MethodAttributes.Static, ts.Int32);
        loop.Parameters.Add(new ParameterDefinition("n", ParameterAttributes.None, ts.Int32));
        loop.Body.Variables.Add(new VariableDefinition(ts.Int32));
        var il = loop.Body.GetILProcessor();
        var cond = il.Create(OpCodes.Ldloc_0);
        var body = il.Create(OpCodes.Ldloc_0);
        il.Append(il.Create(OpCodes.Ldc_I4_0));
        il.Append(il.Create(OpCodes.Stloc_0));
        il.Append(il.Create(OpCodes.Br, cond));
        il.Append(body);
        il.Append(il.Create(OpCodes.Ldc_I4_1));
        il.Append(il.Create(OpCodes.Add));
        il.Append(il.Create(OpCodes.Stloc_0));
        il.Append(cond);
        il.Append(il.Create(OpCodes.Ldarg_0));
        il.Append(il.Create(OpCodes.Blt, body));
        il.Append(il.Create(OpCodes.Ldloc_0));
        il.Append(il.Create(OpCodes.Ret));
        known.Methods.Add(loop);

        var calls = new MethodDefinition("Calls", MethodAttributes.Public | MethodAttributes.Static, ts.Int32);
        il = calls.Body.GetILProcessor();
        il.Append(il.Create(OpCodes.Ldc_I4_5));
        il.Append(il.Create(OpCodes.Call, loop));
        il.Append(il.Create(OpCodes.Ldc_I4_2));
        il.Append(il.Create(OpCodes.Call, loop));
        il.Append(il.Create(OpCodes.Add));
        il.Append(il.Create(OpCodes.Ret));
        known.Methods.Add(calls);

        var throws = new MethodDefinition("Throws", MethodAttributes.Public | MethodAttributes.Static, ts.Int32);
        throws.Parameters.Add(new ParameterDefinition("t", ParameterAttributes.None, ts.Boolean));
        throws.Body.Variables.Add(new VariableDefinition(ts.Int32));
        il = throws.Body.GetILProcessor();
        var end = il.Create(OpCodes.Ldloc_0);
        var skip = il.Create(OpCodes.Leave, end);
        var tryStart = il.Create(OpCodes.Ldarg_0);
        var handler = il.Create(OpCodes.Pop);
        il.Append(il.Create(OpCodes.Ldc_I4_0));
        il.Append(il.Create(OpCodes.Stloc_0));
        il.Append(tryStart);
        il.Append(il.Create(OpCodes.Brfalse, skip));
        il.Append(il.Create(OpCodes.Ldstr, "x"));
        il.Append(il.Create(OpCodes.Newobj, module.ImportReference(typeof(Exception).GetConstructor(new[] { typeof(string) }))));
        il.Append(il.Create(OpCodes.Throw));
        il.Append(skip);
        il.Append(handler);
        il.Append(il.Create(OpCodes.Ldc_I4_1));
        il.Append(il.Create(OpCodes.Stloc_0));
        il.Append(il.Create(OpCodes.Leave, end));
        il.Append(end);
        il.Append(il.Create(OpCodes.Ret));
        throws.Body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Catch)
        {
            TryStart = tryStart, TryEnd = handler, HandlerStart = handler, HandlerEnd = end,
            CatchType = module.ImportReference(typeof(Exception)),
        });
        known.Methods.Add(throws);

        var root = new TypeDefinition("Fixture", "Root", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class, ts.Object);
        module.Types.Add(root);
        var run = new MethodDefinition("Run", MethodAttributes.Public | MethodAttributes.Static, ts.Int32);
        il = run.Body.GetILProcessor();
        il.Append(il.Create(OpCodes.Ldc_I4_3));
        il.Append(il.Create(OpCodes.Call, loop));
        il.Append(il.Create(OpCodes.Ret));
        root.Methods.Add(run);

        assembly.Write(path);
    }
}
