namespace Metrics.Tests.Shared.Focus;

/// <summary>The MUST rules evaluated, by id: null when the rule holds, else why it does not.</summary>
public sealed class FocusRulesResult(IReadOnlyDictionary<string, string?> outcomes)
{
    public IReadOnlyDictionary<string, string?> Outcomes { get; } = outcomes;

    public int Evaluated => Outcomes.Count;

    /// <summary>The rules that fail and have no failing rule under them (the ones that say what is wrong).</summary>
    public IReadOnlyList<string> Failures =>
        Outcomes
            .Where(o => o.Value is not null && !o.Value.EndsWith(" fails", StringComparison.Ordinal))
            .Select(o => $"{o.Key}: {o.Value}")
            .ToArray();

    public int Failed => Outcomes.Count(o => o.Value is not null);
}
