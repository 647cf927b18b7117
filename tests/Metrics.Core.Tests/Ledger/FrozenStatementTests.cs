namespace Metrics.Core.Tests.Ledger;

public sealed class FrozenStatementTests
{
    private static readonly BillingMonth s_october = new(2026, 10);

    /// <summary>Two institutions; one line unpriced (no rate for its model), with the warning pricing gave it.</summary>
    private static UsageReport Report() =>
        new(
            s_october,
            "Asia/Shanghai",
            [
                new UsageLine(
                    new MonthlyUsage(
                        s_october,
                        "inst-00042",
                        "H100-SXM5-80GB",
                        "",
                        3,
                        new UsageSeconds(36000.5m, 7200m, 18000.25m, 36000.125m)
                    ),
                    28.50m,
                    0.12m,
                    285.24m,
                    "CNY"
                ),
                new UsageLine(
                    new MonthlyUsage(s_october, "inst-00107", "B200-180GB", "", 1, new UsageSeconds(3600m, 0m, 0m, 0m)),
                    null,
                    0.12m,
                    null,
                    "CNY"
                ),
            ],
            ["no GPU rate in force on 2026-10-01 for model 'B200-180GB': its lines are unpriced"]
        );

    [Fact]
    public void FromJson_OfToJson_GivesTheSameCsvJsonAndSeal()
    {
        FrozenStatement frozen = FrozenStatement.Freeze(Report(), [], new DateTimeOffset(2026, 11, 3, 16, 0, 0, TimeSpan.Zero));

        FrozenStatement read = FrozenStatement.FromJson(frozen.ToJson());

        Assert.Equal(UsageCsvWriter.Write(frozen.Report), UsageCsvWriter.Write(read.Report));
        Assert.Equal(UsageJsonWriter.Write(frozen.Report), UsageJsonWriter.Write(read.Report));
        Assert.Equal(frozen.Seal, read.Seal);
        // Exact seconds survive, not only the 4-decimal hours the CSV shows.
        Assert.Equal(36000.125m, read.Report.Lines[0].Usage.Seconds.ObservedGpu);
    }

    [Fact]
    public void TheHashOfTheFrozenDays_RidesOnTheSeal_ThroughTheStoredForm_SoAPageReadsTheStatementOnce()
    {
        string days = new('d', 64);
        FrozenStatement frozen = FrozenStatement.Freeze(Report(), [], DateTimeOffset.UnixEpoch, days);

        FrozenStatement read = FrozenStatement.FromJson(frozen.ToJson());

        Assert.Equal((days, days, days), (read.DaysSha256, read.Seal.DaysSha256, read.ReportFor("inst-00042").Seal!.DaysSha256));
        Assert.Null(FrozenStatement.Freeze(Report(), [], DateTimeOffset.UnixEpoch).Seal.DaysSha256);
        // The CSV's hash, and so the statement id, does not depend on it.
        Assert.Equal(FrozenStatement.Freeze(Report(), [], DateTimeOffset.UnixEpoch).Seal.StatementId, read.Seal.StatementId);
    }

    [Fact]
    public void Freeze_SealsTheCsvHash_AndNamesTheStatementAfterIt()
    {
        FrozenStatement frozen = FrozenStatement.Freeze(Report(), [], new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.FromHours(8)));

        string csv = UsageCsvWriter.Write(Report());
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(csv)));
        Assert.Equal(sha, frozen.Seal.CsvSha256);
        Assert.Equal($"ST-2026-10-{sha[..8].ToUpperInvariant()}", frozen.Seal.StatementId);
        Assert.Equal(new DateTimeOffset(2026, 11, 4, 1, 0, 0, TimeSpan.Zero), frozen.Seal.ClosedAt);
        Assert.Equal(TimeSpan.Zero, frozen.Seal.ClosedAt.Offset);
    }

    [Fact]
    public void ReportFor_OneInstitution_HasItsLinesAndOnlyTheWarningsAboutThem()
    {
        FrozenStatement frozen = FrozenStatement.Freeze(Report(), [], DateTimeOffset.UnixEpoch);

        UsageReport priced = frozen.ReportFor("inst-00042");
        UsageReport unpriced = frozen.ReportFor("inst-00107");

        Assert.Equal(("inst-00042", 0), (Assert.Single(priced.Lines).Usage.Institution, priced.Warnings.Count));
        Assert.Equal("inst-00107", Assert.Single(unpriced.Lines).Usage.Institution);
        Assert.Single(unpriced.Warnings);
        Assert.Equal(frozen.Seal, unpriced.Seal);
    }

    [Fact]
    public void FromJson_LinesChangedAfterTheClose_IsRefused()
    {
        string json = Encoding.UTF8.GetString(FrozenStatement.Freeze(Report(), [], DateTimeOffset.UnixEpoch).ToJson());

        string edited = json.Replace("285.24", "185.24", StringComparison.Ordinal);

        Assert.NotEqual(json, edited);
        InvalidDataException refused = Assert.Throws<InvalidDataException>(() => FrozenStatement.FromJson(Encoding.UTF8.GetBytes(edited)));
        Assert.Contains("no longer matches its seal", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportByAccount_ComesFromTheAccountsFrozenWithIt_AndAnEditedAccountIsRefused()
    {
        MonthlyUsage[] accounts =
        [
            new(s_october, "inst-00042", "H100-SXM5-80GB", "proj-a", 2, new UsageSeconds(24000.5m, 3600m, 12000m, 24000m)),
            new(s_october, "inst-00042", "H100-SXM5-80GB", "proj-b", 1, new UsageSeconds(12000m, 3600m, 6000.25m, 12000.125m)),
        ];
        byte[] json = FrozenStatement.Freeze(Report(), accounts, DateTimeOffset.UnixEpoch).ToJson();
        FrozenStatement read = FrozenStatement.FromJson(json);

        UsageReport split = read.ReportByAccountFor("inst-00042");
        Assert.Equal(["proj-a", "proj-b"], split.Lines.Select(l => l.Account!).ToArray());
        Assert.Equal(285.24m, split.Lines.Sum(l => l.Amount!.Value));
        Assert.Equal(read.Seal, split.Seal);

        string edited = Encoding.UTF8.GetString(json).Replace("\"proj-b\"", "\"proj-c\"", StringComparison.Ordinal);
        Assert.NotEqual(Encoding.UTF8.GetString(json), edited);
        InvalidDataException refused = Assert.Throws<InvalidDataException>(() => FrozenStatement.FromJson(Encoding.UTF8.GetBytes(edited)));
        Assert.Contains("CSV by account", refused.Message, StringComparison.Ordinal);

        // Nor can the parts' hash simply be dropped.
        string unhashed = System.Text.RegularExpressions.Regex.Replace(
            Encoding.UTF8.GetString(json),
            ",\\s*\"accounts_sha256\": \"[0-9a-f]{64}\"",
            string.Empty
        );
        Assert.DoesNotContain("accounts_sha256", unhashed, StringComparison.Ordinal);
        Assert.Contains(
            "no accounts_sha256",
            Assert.Throws<InvalidDataException>(() => FrozenStatement.FromJson(Encoding.UTF8.GetBytes(unhashed))).Message,
            StringComparison.Ordinal
        );
    }

    [Theory]
    [InlineData("2026-12-03T15:59:59Z", "2026-10")] // November ended 2026-11-30T16:00Z; three days have not passed.
    [InlineData("2026-12-03T16:00:00Z", "2026-11")]
    [InlineData("2027-01-03T16:00:00Z", "2026-12")] // Across the year.
    public void DueMonth_IsTheLastMonthWhoseGraceHasPassed(string now, string due)
    {
        var close = new MonthClose(null!, null!, null!, null!, null!, BillingCalendar.Create("Asia/Shanghai"), TimeProvider.System)
        {
            Grace = TimeSpan.FromDays(3),
        };

        Assert.Equal(due, close.DueMonth(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)).ToString());
    }
}
