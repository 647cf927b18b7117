namespace Metrics.Cli.Commands;

/// <summary>The required <c>--month yyyy-MM</c> option that <c>usage</c> and <c>close</c> share, checked at parse time.</summary>
internal static class MonthOption
{
    public static Option<string> Create(string description)
    {
        var month = new Option<string>("--month") { Description = description, Required = true };
        month.Validators.Add(r =>
        {
            if (!BillingMonth.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"--month must be yyyy-MM, got '{r.GetValueOrDefault<string>()}'.");
            }
        });
        return month;
    }

    /// <summary>The month of a command line that passed validation.</summary>
    public static BillingMonth Value(ParseResult result, Option<string> option) =>
        BillingMonth.TryParse(result.GetValue(option), out BillingMonth month) ? month : throw new CliFailure("--month must be yyyy-MM.");
}
