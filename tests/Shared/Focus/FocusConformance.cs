namespace Metrics.Tests.Shared.Focus;

/// <summary>A FOCUS CSV export checked against every MUST rule of FOCUS 1.2 that applies to the centre.</summary>
public static class FocusConformance
{
    private static readonly Lazy<FocusRulesModel> Model = new(FocusRulesModel.Load);

    public static FocusRulesResult Evaluate(string csv) =>
        Model.Value.Evaluate(FocusTable.FromCsv(csv, Model.Value), FocusProvider.Criteria);

    /// <summary>Fails naming each rule that does not hold.</summary>
    public static void AssertPasses(string csv) => AssertPasses(FocusTable.FromCsv(csv, Model.Value));

    /// <summary>Fails naming each rule that does not hold for <paramref name="table"/> (a CSV or Parquet export read back).</summary>
    public static void AssertPasses(FocusTable table)
    {
        FocusRulesResult result = Model.Value.Evaluate(table, FocusProvider.Criteria);
        Assert.True(result.Failed == 0, $"{result.Failed} of {result.Evaluated} FOCUS rules fail:\n" + string.Join("\n", result.Failures));
    }
}
