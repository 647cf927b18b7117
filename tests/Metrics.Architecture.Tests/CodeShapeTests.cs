using Metrics.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Metrics.Architecture.Tests;

/// <summary>
/// Every product source file (functions/ and tools/) stays readable in one sitting: at most <see cref="MaxFileLines"/>
/// lines, and no method, constructor, accessor or local function over <see cref="MaxMethodLines"/>. Tests and generated
/// code are not product code.
/// </summary>
public sealed class CodeShapeTests
{
    public const int MaxFileLines = 400;
    public const int MaxMethodLines = 60;

    private static IEnumerable<string> ProductFiles() =>
        new[] { "functions", "tools" }
            .SelectMany(root => Directory.EnumerateFiles(RepoPaths.Combine(root), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');

    [Fact]
    public void NoProductFile_IsOverTheLimit()
    {
        string[] over = ProductFiles()
            .Select(f => (File: Relative(f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{f.File} ({f.Lines} lines)")
            .ToArray();

        Assert.True(over.Length == 0, $"over {MaxFileLines} lines:\n" + string.Join('\n', over));
    }

    [Fact]
    public void NoProductMethod_IsOverTheLimit()
    {
        string[] over = ProductFiles().SelectMany(f => LongMethods(File.ReadAllText(f)).Select(m => $"{Relative(f)} {m}")).ToArray();

        Assert.True(over.Length == 0, $"{over.Length} over {MaxMethodLines} lines:\n" + string.Join('\n', over));
    }

    [Theory]
    [InlineData(MaxMethodLines, false)]
    [InlineData(MaxMethodLines + 1, true)]
    public void TheCheck_CountsAMethodFromItsSignatureToItsClosingBrace(int lines, bool flagged)
    {
        // Signature, opening brace and closing brace are three of the lines; the rest are statements.
        string body = string.Concat(Enumerable.Range(0, lines - 3).Select(i => $"        int v{i} = {i};\n"));
        string source = $"class C\n{{\n    void Long()\n    {{\n{body}    }}\n\n    int Get {{ get {{ return 1; }} }}\n}}\n";

        Assert.Equal(flagged ? ["Long"] : [], LongMethods(source));
    }

    private static IEnumerable<string> LongMethods(string source) =>
        CSharpSyntaxTree
            .ParseText(source)
            .GetRoot()
            .DescendantNodes()
            .Where(IsMethodLike)
            .Where(m =>
                m.GetLocation().GetLineSpan() is var span && span.EndLinePosition.Line - span.StartLinePosition.Line + 1 > MaxMethodLines
            )
            .Select(Name);

    private static bool IsMethodLike(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax;

    private static string Name(SyntaxNode node) =>
        node switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
            LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
            AccessorDeclarationSyntax a => a.Keyword.Text + " accessor",
            _ => node.Kind().ToString(),
        };
}
