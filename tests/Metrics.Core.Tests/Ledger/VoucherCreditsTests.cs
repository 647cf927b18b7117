using Metrics.Core.Ledger;

namespace Metrics.Core.Tests.Ledger;

public sealed class VoucherCreditsTests
{
    private static readonly BillingMonth s_november = new(2026, 11);

    private static UsageLine Charge(
        string institution,
        decimal? amount,
        string model = "H100-SXM5-80GB",
        UsageLineType type = UsageLineType.Usage
    ) =>
        new(new MonthlyUsage(s_november, institution, model, "", 1, new UsageSeconds(3600m, 0m, 0m, 0m)), 28.50m, null, amount, "CNY")
        {
            Type = type,
        };

    private static Voucher V(
        string id,
        decimal amount,
        string to,
        decimal share,
        string institution = "inst-a",
        string from = "2026-01-01",
        string currency = "CNY"
    ) =>
        new(
            id,
            institution,
            amount,
            currency,
            DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
            share
        );

    [Fact]
    public void Apply_EarliestExpiryFirst_EachWithinItsShareAndBalance_NeverBeyondTheCharges()
    {
        // Charges 1,000.00 (usage 900.00 + adjustment 100.00). V1 expires first: share 0.5 -> 500.00, balance 300.00:
        // pays 300.00. V2: share 0.6 -> 600.00, 10,000 left, charges left 700.00: pays 600.00. V3: 100.00 left to pay.
        UsageLine[] charges = [Charge("inst-a", 900m), Charge("inst-a", 100m, type: UsageLineType.Adjustment), Charge("inst-b", 50m)];
        (Voucher, decimal)[] vouchers =
        [
            (V("v3", 5000m, "2027-06-30", 1m), 5000m),
            (V("v2", 10000m, "2027-03-31", 0.6m), 10000m),
            (V("v1", 800m, "2026-12-31", 0.5m), 300m),
        ];

        IReadOnlyList<UsageLine> credits = VoucherCredits.Apply(s_november, charges, vouchers, new List<string>());

        Assert.Equal([("v1", -300m), ("v2", -600m), ("v3", -100m)], credits.Select(c => (c.VoucherId!, c.Amount!.Value)).ToArray());
        Assert.All(
            credits,
            c => Assert.Equal((UsageLineType.Credit, "inst-a", string.Empty), (c.Type, c.Usage.Institution, c.Usage.GpuModel))
        );
    }

    [Fact]
    public void Apply_ShareIsRoundedDownToTheCent()
    {
        // 1/3 of 100.00 is 33.333...: the voucher pays 33.33, never 33.34.
        IReadOnlyList<UsageLine> credits = VoucherCredits.Apply(
            s_november,
            [Charge("inst-a", 100m)],
            [(V("v", 1000m, "2026-12-31", 1m / 3m), 1000m)],
            new List<string>()
        );

        Assert.Equal(-33.33m, Assert.Single(credits).Amount);
    }

    [Theory]
    [InlineData("2026-12-01", "2027-01-31")] // Not yet valid on November's last day.
    [InlineData("2026-01-01", "2026-11-29")] // Expired before it: its balance lapsed.
    public void Apply_VoucherNotValidOnTheMonthsLastDay_PaysNothing(string from, string to)
    {
        Assert.Empty(
            VoucherCredits.Apply(s_november, [Charge("inst-a", 100m)], [(V("v", 1000m, to, 1m, from: from), 1000m)], new List<string>())
        );
    }

    [Fact]
    public void Apply_UnpricedOrNegativeCharges_OrAnotherCurrency_PayNothing()
    {
        var warnings = new List<string>();
        Assert.Empty(VoucherCredits.Apply(s_november, [Charge("inst-a", null)], [(V("v", 1000m, "2026-12-31", 1m), 1000m)], warnings));
        Assert.Empty(
            VoucherCredits.Apply(
                s_november,
                [Charge("inst-a", -40m, type: UsageLineType.Adjustment)],
                [(V("v", 1000m, "2026-12-31", 1m), 1000m)],
                warnings
            )
        );
        Assert.Empty(
            VoucherCredits.Apply(
                s_november,
                [Charge("inst-a", 100m)],
                [(V("v", 1000m, "2026-12-31", 1m, currency: "EUR"), 1000m)],
                warnings
            )
        );
        Assert.Contains(warnings, w => w.Contains("voucher v of inst-a is in EUR", StringComparison.Ordinal));
    }

    /// <summary>A valid voucher entry, as JSON, for the mistakes below to change one field of.</summary>
    private const string ValidEntry = """
        {"id":"v1","institution":"inst-a","amount":100,"currency":"CNY",
         "validFrom":"2026-01-01","validTo":"2026-12-31","maxShare":0.5}
        """;

    [Theory]
    [InlineData("amount", "100.001", "whole cents")]
    [InlineData("maxShare", "1.5", "maxShare")]
    [InlineData("validTo", "\"2025-12-31\"", "before validFrom")]
    [InlineData("institution", "\"inst a\"", "not a valid id")]
    [InlineData("currency", "\"yuan\"", "ISO 4217")]
    [InlineData("validFrom", "\"0026-01-01\"", "vouchers[0].validFrom 0026-01-01 is outside 2000-01-01 to 2199-12-31")]
    [InlineData("validTo", "\"2200-01-01\"", "vouchers[0].validTo 2200-01-01 is outside 2000-01-01 to 2199-12-31")]
    [InlineData("validTo", "\"2036-01-01\"", "valid from 2026-01-01 to 2036-01-01 is longer than 120 months")]
    [InlineData("amount", "100000000000.01", "at most 100,000,000,000")]
    [InlineData("amount", "1e25", "at most 100,000,000,000")]
    public void VoucherFile_MistakeInOneField_RefusesTheFileNamingTheEntry(string field, string value, string expected)
    {
        JsonObject entry = JsonNode.Parse(ValidEntry)!.AsObject();
        entry[field] = JsonNode.Parse(value);

        FormatException refused = Assert.Throws<FormatException>(() =>
            VoucherFile.Parse(Encoding.UTF8.GetBytes($"[{entry.ToJsonString()}]"))
        );

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VoucherFile_EntryMissingAField_RefusesTheFileNamingIt()
    {
        FormatException refused = Assert.Throws<FormatException>(() => VoucherFile.Parse("""{"vouchers": [{"id":"v1"}]}"""u8));

        Assert.Contains("vouchers[0].institution is missing", refused.Message, StringComparison.Ordinal);
    }
}
