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

    /// <summary>Files over the limit that are still to be split: the list only shrinks, as the methods' below.</summary>
    private static readonly HashSet<string> s_filesStillToSplit = new(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// Methods over the limit that are still to be split, by file and name: the list only shrinks. A new one fails the
    /// test; so does one listed here that is no longer over (take it off the list).
    /// </summary>
    private static readonly HashSet<string> s_stillToSplit = new(StringComparer.Ordinal)
    {
        "functions/Metrics.Core/Landing/GpuRowsEncoder.cs Encode",
        "functions/Metrics.Core/Landing/JobRowsEncoder.cs Encode",
    };

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
            .Select(f => f.File)
            .ToArray();

        string[] added = over.Where(f => !s_filesStillToSplit.Contains(f)).ToArray();
        string[] done = s_filesStillToSplit.Where(f => !over.Contains(f)).ToArray();
        Assert.True(added.Length == 0, $"over {MaxFileLines} lines:\n" + string.Join('\n', added));
        Assert.True(done.Length == 0, "no longer over the limit; take them off the list:\n" + string.Join('\n', done));
    }

    [Fact]
    public void NoProductMethod_IsOverTheLimit()
    {
        var over = new List<string>();
        foreach (string file in ProductFiles())
        {
            SyntaxNode root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (SyntaxNode member in root.DescendantNodes().Where(IsMethodLike))
            {
                FileLinePositionSpan span = member.GetLocation().GetLineSpan();
                int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines)
                {
                    over.Add($"{Relative(file)} {Name(member)}");
                }
            }
        }

        string[] added = over.Where(o => !s_stillToSplit.Contains(o)).ToArray();
        string[] done = s_stillToSplit.Where(o => !over.Contains(o)).ToArray();
        Assert.True(added.Length == 0, $"{added.Length} over {MaxMethodLines} lines:\n" + string.Join('\n', added));
        Assert.True(done.Length == 0, "no longer over the limit; take them off the list:\n" + string.Join('\n', done));
    }

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
