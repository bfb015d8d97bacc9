// Finds what a portable source uses that nanoFramework 1.x lacks: language features its runtime cannot load, and
// any API that is not in the nanoFramework listing (or is on the reviewed deny list).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PreampFirmware.DesktopTests.Portability;

/// <summary>One finding: where, and what construct.</summary>
public sealed record Violation(string File, int Line, string Construct)
{
    public override string ToString() => File + ":" + Line + ": " + Construct;
}

/// <summary>
/// Compiles the portable sources with Roslyn (C# 9, as the .nfproj files state) and walks them. Language features
/// are judged on syntax (generics, LINQ queries, async, tuples, ranges, stackalloc, records, nullable value types,
/// iterators, default interface members, multi-dimensional arrays, dynamic); every referenced type and member that
/// is not declared in the portable sources themselves must appear in the nanoFramework listing, with a matching
/// parameter list for methods and constructors.
/// </summary>
public sealed class PortabilityChecker
{
    /// <summary>Listings portable code may use. System.Device.*, System.IO.Ports, the ESP32 library and the file system are not among them.</summary>
    public static readonly string[] PortableAssemblies =
    {
        "mscorlib", "System.Math", "nanoFramework.System.Text", "nanoFramework.System.Collections", "nanoFramework.Runtime.Native", "nanoFramework.TestFramework",
    };

    /// <summary>Members that exist on nanoFramework but that portable code must not touch: clocks (state machines get time in Tick calls).</summary>
    public static readonly string[] Denied =
    {
        "System.DateTime.UtcNow", "System.DateTime.Now", "System.DateTime.Today", "System.Environment.TickCount64",
    };

    private readonly NanoApi _api;
    private readonly HashSet<string> _trusted;

    /// <param name="api">The listing that decides what exists.</param>
    /// <param name="trustedAssemblies">Assemblies of this project referenced as metadata (their own code is checked separately).</param>
    public PortabilityChecker(NanoApi api, params string[] trustedAssemblies)
    {
        _api = api;
        _trusted = new HashSet<string>(trustedAssemblies);
    }

    /// <summary>Checks sources given as (display path, text) pairs, compiled together.</summary>
    public List<Violation> Check(IEnumerable<(string Path, string Text)> sources, IEnumerable<MetadataReference> extraReferences = null)
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp9, preprocessorSymbols: new[] { "NANOFRAMEWORK_1_0" });
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Path)).ToList();
        var refs = ReferenceAssemblies().Concat(extraReferences ?? Enumerable.Empty<MetadataReference>());
        var compilation = CSharpCompilation.Create("PortableCheck", trees, refs,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var found = new List<Violation>();

        foreach (var d in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = d.Location.GetLineSpan();
            found.Add(new Violation(span.Path, span.StartLinePosition.Line + 1, "does not compile: " + d.GetMessage()));
        }

        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            var walker = new Walker(this, model, tree.FilePath, found);
            walker.Visit(tree.GetRoot());
        }
        return found.Distinct().OrderBy(v => v.File).ThenBy(v => v.Line).ToList();
    }

    private static IEnumerable<MetadataReference> ReferenceAssemblies()
    {
        var tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES");
        var names = new[] { "System.Runtime", "System.Private.CoreLib", "System.Collections", "System.Linq", "System.Runtime.Extensions", "netstandard", "System.Console", "System.Threading", "System.Memory" };
        var shim = typeof(nanoFramework.TestFramework.Assert).Assembly.Location;
        return tpa.Split(Path.PathSeparator)
            .Where(p => names.Contains(Path.GetFileNameWithoutExtension(p)))
            .Append(shim)
            .Select(p => MetadataReference.CreateFromFile(p));
    }

    private static string FullName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType) name = outer.MetadataName + "+" + name;
        string ns = type.ContainingNamespace?.ToDisplayString();
        return string.IsNullOrEmpty(ns) || type.ContainingNamespace.IsGlobalNamespace ? name : ns + "." + name;
    }

    private static readonly SymbolDisplayFormat s_paramFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>Null when the symbol is allowed, else what is wrong with it.</summary>
    internal string Judge(ISymbol symbol, IAssemblySymbol sourceAssembly)
    {
        if (symbol == null) return null;
        if (symbol is IAliasSymbol alias) symbol = alias.Target;
        switch (symbol)
        {
            case INamespaceSymbol or ILocalSymbol or IParameterSymbol or ILabelSymbol or IRangeVariableSymbol or IDiscardSymbol or ITypeParameterSymbol:
                return null;
            case IArrayTypeSymbol array:
                return array.Rank > 1 ? "multi-dimensional array " + array.ToDisplayString() : Judge(array.ElementType, sourceAssembly);
            case IPointerTypeSymbol:
                return null;
            case IDynamicTypeSymbol:
                return "dynamic";
            case INamedTypeSymbol type:
                return JudgeType(type, sourceAssembly);
        }

        if (SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, sourceAssembly)) return null;
        if (symbol.ContainingAssembly != null && _trusted.Contains(symbol.ContainingAssembly.Name)) return null;
        var containing = symbol.ContainingType;
        if (containing == null) return null;
        if (symbol is IMethodSymbol { ReducedFrom: not null } ext) containing = ext.ReducedFrom.ContainingType;
        string typeProblem = JudgeType(containing, sourceAssembly);
        string memberName = FullName(containing) + "." + symbol.Name;
        if (containing.ContainingNamespace?.ToDisplayString().StartsWith("System.Linq", StringComparison.Ordinal) == true)
            return "LINQ: " + memberName;
        if (typeProblem != null) return typeProblem;
        if (Denied.Contains(memberName)) return "denied for portable code (read time from Tick arguments): " + memberName;
        if (containing.TypeKind == TypeKind.Delegate) return null;
        if (!_api.TryGet(FullName(containing), out var listed)) return null; // type came from the portable sources

        switch (symbol)
        {
            case IMethodSymbol m when m.MethodKind is MethodKind.UserDefinedOperator or MethodKind.Conversion or MethodKind.BuiltinOperator:
                return null;
            case IMethodSymbol m when m.MethodKind is MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove:
                return null;
            case IMethodSymbol { OverriddenMethod: not null } m when !Listed(listed, m):
                return Judge(m.OverriddenMethod, sourceAssembly);
            case IMethodSymbol m:
            {
                string name = m.MethodKind == MethodKind.Constructor ? ".ctor" : m.Name;
                var parameters = m.Parameters.Select(p => NanoApi.NormaliseTypeName(p.Type.ToDisplayString(s_paramFormat))).ToArray();
                var candidates = listed.Members.Where(x => x.IsMethod && x.Name == name).ToList();
                if (candidates.Count == 0) return "not in nanoFramework: " + memberName + "()";
                if (!candidates.Any(c => c.Parameters.SequenceEqual(parameters)))
                    return "no such overload in nanoFramework: " + memberName + "(" + string.Join(", ", parameters) + ")";
                return null;
            }
            case IPropertySymbol { IsIndexer: true }:
                return listed.Members.Any(x => x.Name is "Item" or "Chars") ? null : "not in nanoFramework: indexer of " + FullName(containing);
            default:
                return listed.Members.Any(x => x.Name == symbol.Name) ? null : "not in nanoFramework: " + memberName;
        }
    }

    private static bool Listed(NanoType listed, IMethodSymbol m)
    {
        string name = m.MethodKind == MethodKind.Constructor ? ".ctor" : m.Name;
        var parameters = m.Parameters.Select(p => NanoApi.NormaliseTypeName(p.Type.ToDisplayString(s_paramFormat))).ToArray();
        return listed.Members.Any(x => x.IsMethod && x.Name == name && x.Parameters.SequenceEqual(parameters));
    }

    private string JudgeType(INamedTypeSymbol type, IAssemblySymbol sourceAssembly)
    {
        if (type.IsTupleType) return "tuple " + type.ToDisplayString();
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return "nullable value type " + type.ToDisplayString() + " (Nullable<T> is generic)";
        if (type.IsGenericType) return "generic type " + type.ToDisplayString();
        if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, sourceAssembly) || (type.ContainingAssembly != null && _trusted.Contains(type.ContainingAssembly.Name)))
            return type.ContainingType != null ? JudgeType(type.ContainingType, sourceAssembly) : null;
        if (type.SpecialType == SpecialType.System_Void) return null;
        string full = FullName(type);
        if (full.StartsWith("System.Linq", StringComparison.Ordinal)) return "LINQ: " + full;
        return _api.TryGet(full, out _) ? null : "type not in nanoFramework 1.x: " + full;
    }

    private sealed class Walker : CSharpSyntaxWalker
    {
        private readonly PortabilityChecker _checker;
        private readonly SemanticModel _model;
        private readonly string _file;
        private readonly List<Violation> _found;

        public Walker(PortabilityChecker checker, SemanticModel model, string file, List<Violation> found)
        {
            _checker = checker;
            _model = model;
            _file = file;
            _found = found;
        }

        private void Report(SyntaxNode node, string construct)
        {
            int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            _found.Add(new Violation(_file, line, construct));
        }

        private void JudgeSymbol(SyntaxNode node, ISymbol symbol)
        {
            string problem = _checker.Judge(symbol, _model.Compilation.Assembly);
            if (problem != null) Report(node, problem);
        }

        private void JudgeNode(SyntaxNode node)
        {
            var info = _model.GetSymbolInfo(node);
            JudgeSymbol(node, info.Symbol ?? info.CandidateSymbols.FirstOrDefault());
        }

        public override void VisitGenericName(GenericNameSyntax node) { Report(node, "generic " + node); base.VisitGenericName(node); }
        public override void VisitTypeParameterList(TypeParameterListSyntax node) { Report(node, "generic declaration " + node); }
        public override void VisitQueryExpression(QueryExpressionSyntax node) { Report(node, "LINQ query expression"); base.VisitQueryExpression(node); }
        public override void VisitAwaitExpression(AwaitExpressionSyntax node) { Report(node, "await"); base.VisitAwaitExpression(node); }
        public override void VisitTupleType(TupleTypeSyntax node) { Report(node, "tuple type " + node); base.VisitTupleType(node); }
        public override void VisitTupleExpression(TupleExpressionSyntax node) { Report(node, "tuple " + node); base.VisitTupleExpression(node); }
        public override void VisitRangeExpression(RangeExpressionSyntax node) { Report(node, "range " + node); base.VisitRangeExpression(node); }
        public override void VisitStackAllocArrayCreationExpression(StackAllocArrayCreationExpressionSyntax node) { Report(node, "stackalloc"); base.VisitStackAllocArrayCreationExpression(node); }
        public override void VisitImplicitStackAllocArrayCreationExpression(ImplicitStackAllocArrayCreationExpressionSyntax node) { Report(node, "stackalloc"); base.VisitImplicitStackAllocArrayCreationExpression(node); }
        public override void VisitRecordDeclaration(RecordDeclarationSyntax node) { Report(node, "record " + node.Identifier); base.VisitRecordDeclaration(node); }
        public override void VisitNullableType(NullableTypeSyntax node) { Report(node, "nullable type " + node + " (Nullable<T> is generic)"); base.VisitNullableType(node); }
        public override void VisitYieldStatement(YieldStatementSyntax node) { Report(node, "iterator (yield)"); base.VisitYieldStatement(node); }

        public override void VisitPrefixUnaryExpression(PrefixUnaryExpressionSyntax node)
        {
            if (node.IsKind(SyntaxKind.IndexExpression)) Report(node, "index from end " + node);
            base.VisitPrefixUnaryExpression(node);
        }

        public override void VisitMethodDeclaration(MethodDeclarationSyntax node)
        {
            if (node.Modifiers.Any(SyntaxKind.AsyncKeyword)) Report(node, "async method " + node.Identifier);
            if (node.Parent is InterfaceDeclarationSyntax && (node.Body != null || node.ExpressionBody != null))
                Report(node, "default interface member " + node.Identifier);
            base.VisitMethodDeclaration(node);
        }

        public override void VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
        {
            if (node.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)) Report(node, "async lambda");
            base.VisitParenthesizedLambdaExpression(node);
        }

        public override void VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
        {
            if (node.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)) Report(node, "async lambda");
            base.VisitSimpleLambdaExpression(node);
        }

        public override void VisitArrayRankSpecifier(ArrayRankSpecifierSyntax node)
        {
            if (node.Rank > 1) Report(node, "multi-dimensional array");
            base.VisitArrayRankSpecifier(node);
        }

        public override void VisitIdentifierName(IdentifierNameSyntax node)
        {
            if (node.IsVar)
            {
                JudgeSymbol(node, _model.GetTypeInfo(node).Type);
                return;
            }
            if (node.Identifier.Text == "dynamic" && _model.GetTypeInfo(node).Type is IDynamicTypeSymbol) { Report(node, "dynamic"); return; }
            JudgeNode(node);
        }

        public override void VisitPredefinedType(PredefinedTypeSyntax node)
        {
            JudgeSymbol(node, _model.GetTypeInfo(node).Type);
        }

        public override void VisitObjectCreationExpression(ObjectCreationExpressionSyntax node) { JudgeNode(node); base.VisitObjectCreationExpression(node); }
        public override void VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node) { JudgeNode(node); base.VisitImplicitObjectCreationExpression(node); }
        public override void VisitConstructorInitializer(ConstructorInitializerSyntax node) { JudgeNode(node); base.VisitConstructorInitializer(node); }
        public override void VisitElementAccessExpression(ElementAccessExpressionSyntax node) { JudgeNode(node); base.VisitElementAccessExpression(node); }

        /// <summary>
        /// A byte cast to a character that goes straight into a string (concatenated, appended, or passed to a string's
        /// constructor or Concat): nanoFramework's strings end at a NUL, so binary data built into a string loses bytes
        /// there (<c>"" + 'a' + (char)0 + 'b'</c> has length 1 on the device). Binary data stays in byte arrays; text that
        /// arrived as bytes is checked printable and copied into a char[] first (as the SCPI line reader does).
        /// </summary>
        public override void VisitCastExpression(CastExpressionSyntax node)
        {
            if (_model.GetTypeInfo(node.Type).Type?.SpecialType == SpecialType.System_Char
                && _model.GetTypeInfo(node.Expression).Type?.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte
                && IntoString(node))
            {
                Report(node, "string built from raw bytes: " + node + " (nanoFramework strings end at a NUL; keep binary data in byte[])");
            }
            base.VisitCastExpression(node);
        }

        private bool IntoString(ExpressionSyntax cast)
        {
            SyntaxNode at = cast;
            while (at.Parent is ParenthesizedExpressionSyntax) at = at.Parent;
            switch (at.Parent)
            {
                case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.AddExpression):
                    return _model.GetTypeInfo(b).Type?.SpecialType == SpecialType.System_String;
                case AssignmentExpressionSyntax a when a.IsKind(SyntaxKind.AddAssignmentExpression):
                    return _model.GetTypeInfo(a.Left).Type?.SpecialType == SpecialType.System_String;
                case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: var call } }:
                    var target = _model.GetSymbolInfo(call).Symbol as IMethodSymbol;
                    string type = target?.ContainingType?.ToDisplayString();
                    return type == "System.String" || type == "System.Text.StringBuilder";
                default:
                    return false;
            }
        }

        public override void VisitForEachStatement(ForEachStatementSyntax node)
        {
            var info = _model.GetForEachStatementInfo(node);
            if (info.ElementType != null) JudgeSymbol(node, info.ElementType);
            base.VisitForEachStatement(node);
        }
    }
}
