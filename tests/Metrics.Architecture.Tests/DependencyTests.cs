using System.Reflection;
using NetArchTest.Rules;

namespace Metrics.Architecture.Tests;

/// <summary>
/// Dependencies run one way (README, "Architecture"): Core knows no Azure SDK, no Functions and no web framework, so
/// the rules run the same in the functions, the CLI and the tests; Storage adapts Core's ports to the Azure SDK and
/// knows nothing of the Functions host; the statement pages draw what Core gathers and know no storage. The contract
/// stands alone, and the producers and the simulator carry only it, not the pipeline.
/// </summary>
public sealed class DependencyTests
{
    private static readonly Assembly s_core = typeof(Metrics.Core.Rollup.UsageRollup).Assembly;
    private static readonly Assembly s_storage = typeof(Metrics.Storage.TableUsageStore).Assembly;
    private static readonly Assembly s_statements = typeof(Metrics.Statements.InstitutionStatementPage).Assembly;
    private static readonly Assembly s_contract = typeof(Metrics.Contract.ContractJson).Assembly;
    private static readonly Assembly s_agent = typeof(Metrics.Agent.NodeAgent).Assembly;
    private static readonly Assembly s_slurm = typeof(Metrics.Slurm.SlurmCollector).Assembly;
    private static readonly Assembly s_producer = typeof(Metrics.Producer.Spooling.EventSpool).Assembly;
    private static readonly Assembly s_simulator = typeof(Metrics.Simulator.ClusterSimulator).Assembly;

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
            { "Metrics.Contract", "Metrics.Core" },
            { "Metrics.Contract", "Apache.Arrow" },
            { "Metrics.Contract", "Azure" },
            { "Metrics.Agent", "Metrics.Core" },
            { "Metrics.Slurm", "Metrics.Core" },
            { "Metrics.Producer", "Metrics.Core" },
            { "Metrics.Simulator", "Metrics.Core" },
        };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void AProject_NeverDependsAgainstTheDirection(string project, string forbidden)
    {
        Assembly assembly = project switch
        {
            "Metrics.Core" => s_core,
            "Metrics.Storage" => s_storage,
            "Metrics.Statements" => s_statements,
            "Metrics.Contract" => s_contract,
            "Metrics.Agent" => s_agent,
            "Metrics.Slurm" => s_slurm,
            "Metrics.Producer" => s_producer,
            _ => s_simulator,
        };

        TestResult result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOn(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{project} depends on {forbidden}: " + string.Join(", ", result.FailingTypeNames ?? []));
    }
}
