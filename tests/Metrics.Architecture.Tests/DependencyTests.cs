using System.Reflection;
using NetArchTest.Rules;

namespace Metrics.Architecture.Tests;

/// <summary>
/// Dependencies run one way (README, "Architecture"): Core knows no Azure SDK, no Functions and no web framework, so
/// the rules run the same in the functions, the CLI and the tests; Storage adapts Core's ports to the Azure SDK and
/// knows nothing of the Functions host; the statement pages draw what Core gathers and know no storage.
/// </summary>
public sealed class DependencyTests
{
    private static readonly Assembly s_core = typeof(Metrics.Core.Billing.UsageRollup).Assembly;
    private static readonly Assembly s_storage = typeof(Metrics.Storage.TableUsageStore).Assembly;
    private static readonly Assembly s_statements = typeof(Metrics.Statements.InstitutionStatementPage).Assembly;

    public static TheoryData<string, string> Forbidden() =>
        new()
        {
            { "Metrics.Core", "Azure" },
            { "Metrics.Core", "Microsoft.Azure.Functions" },
            { "Metrics.Core", "Microsoft.AspNetCore" },
            { "Metrics.Core", "Metrics.Storage" },
            { "Metrics.Core", "Metrics.Statements" },
            { "Metrics.Core", "Metrics.Functions" },
            { "Metrics.Storage", "Microsoft.Azure.Functions" },
            { "Metrics.Storage", "Microsoft.AspNetCore" },
            { "Metrics.Storage", "Metrics.Functions" },
            { "Metrics.Storage", "Metrics.Statements" },
            { "Metrics.Statements", "Azure" },
            { "Metrics.Statements", "Metrics.Storage" },
            { "Metrics.Statements", "Metrics.Functions" },
        };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void AProject_NeverDependsAgainstTheDirection(string project, string forbidden)
    {
        Assembly assembly = project switch
        {
            "Metrics.Core" => s_core,
            "Metrics.Storage" => s_storage,
            _ => s_statements,
        };

        TestResult result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOn(forbidden).GetResult();

        Assert.True(
            result.IsSuccessful,
            $"{project} depends on {forbidden}: " + string.Join(", ", result.FailingTypeNames ?? [])
        );
    }
}
