using System.Reflection;
using NetArchTest.Rules;

namespace Metrics.Architecture.Tests;

/// <summary>
/// Inside Core, capabilities depend on each other one way, down a fixed order (README, "Architecture"): a namespace may
/// use only those below it. A dependency up the order (which could close a cycle) fails, and so does a namespace that has
/// no place in the order yet.
/// </summary>
public sealed class CoreLayeringTests
{
    private static readonly Assembly s_core = typeof(Metrics.Core.Rollup.UsageRollup).Assembly;

    /// <summary>Core's capabilities, top first: each may use the ones after it, never one before.</summary>
    public static readonly string[] Order =
    [
        "Operations",
        "Audit",
        "Access",
        "Compaction",
        "Allocations",
        "Ledger",
        "Rollup",
        "Lake",
        "Ingest",
        "Pricing",
        "Scan",
        "Reports",
        "Landing",
        "Observability",
        "Ports",
        "Catalogue",
        "Work",
        "Validation",
        "Usage",
    ];

    private static string[] Namespaces() =>
        [
            .. s_core
                .GetTypes()
                .Select(t => t.Namespace)
                .OfType<string>()
                .Where(n => n.StartsWith("Metrics.Core.", StringComparison.Ordinal))
                .Select(n => n["Metrics.Core.".Length..])
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];

    [Fact]
    public void EveryNamespace_HasItsPlaceInTheOrder()
    {
        Assert.Empty(Namespaces().Except(Order));
        Assert.Empty(Order.Except(Namespaces()));
    }

    [Fact]
    public void NoCapability_UsesOneAboveIt()
    {
        var upward = new List<string>();
        for (int low = 0; low < Order.Length; low++)
        {
            for (int high = 0; high < low; high++)
            {
                IEnumerable<string> offenders = Types
                    .InAssembly(s_core)
                    .That()
                    .ResideInNamespace($"Metrics.Core.{Order[low]}")
                    .And()
                    .HaveDependencyOn($"Metrics.Core.{Order[high]}")
                    .GetTypes()
                    .Select(t => t.Name);
                upward.AddRange(offenders.Select(t => $"{Order[low]} -> {Order[high]}: {t}"));
            }
        }

        Assert.True(upward.Count == 0, $"{upward.Count} dependencies up the order:\n" + string.Join('\n', upward));
    }
}
