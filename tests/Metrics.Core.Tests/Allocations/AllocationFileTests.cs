using Metrics.Core.Allocations;

namespace Metrics.Core.Tests.Allocations;

public sealed class AllocationFileTests
{
    /// <summary>A valid allocation entry, as JSON, for the mistakes below to change one field of.</summary>
    private const string ValidEntry = """
        {"id":"grant-1","institution":"inst-a","account":"proj-x","unit":"gpu-hours","amount":1000.5,
         "from":"2026-11-15","to":"2026-12-14"}
        """;

    [Fact]
    public void Parse_ReadsBothShapes_WithAndWithoutAnAccount()
    {
        byte[] array = Encoding.UTF8.GetBytes($"[{ValidEntry}]");
        const string Money = """
            {"id":"money","institution":"inst-a","unit":"CNY","amount":250000.25,"from":"2026-01-01","to":"2026-12-31"}
            """;
        byte[] wrapped = Encoding.UTF8.GetBytes($$"""{"allocations":[{{ValidEntry}},{{Money}}]}""");

        Allocation hours = Assert.Single(AllocationFile.Parse(array));
        IReadOnlyList<Allocation> both = AllocationFile.Parse(wrapped);

        Assert.Equal(
            new Allocation("grant-1", "inst-a", "proj-x", Allocation.GpuHours, 1000.5m, new(2026, 11, 15), new(2026, 12, 14)),
            hours
        );
        Assert.True(hours.IsGpuHours);
        Assert.Equal(new Allocation("money", "inst-a", null, "CNY", 250000.25m, new(2026, 1, 1), new(2026, 12, 31)), both[1]);
        Assert.False(both[1].IsGpuHours);
        Assert.True(hours.Covers(new(2026, 12, 14)));
        Assert.False(hours.Covers(new(2026, 12, 15)));
    }

    [Theory]
    [InlineData("unit", "\"hours\"", "allocations[0].unit must be \"gpu-hours\" or an ISO 4217 currency")]
    [InlineData("unit", "\"cny\"", "ISO 4217")]
    [InlineData("amount", "0", "allocations[0].amount must be positive")]
    [InlineData("amount", "-5", "must be positive")]
    [InlineData("amount", "1.0001", "at most 3 decimal places")]
    [InlineData("amount", "100000000000.001", "at most 100,000,000,000")]
    [InlineData("amount", "\"12\"", "allocations[0].amount must be a number")]
    [InlineData("account", "\"proj x\"", "allocations[0].account 'proj x' is not a valid id")]
    [InlineData("institution", "7", "allocations[0].institution must be a string")]
    [InlineData("to", "\"2026-11-14\"", "allocations[0]: to 2026-11-14 is before from 2026-11-15")]
    [InlineData("to", "\"2036-11-15\"", "from 2026-11-15 to 2036-11-15 is longer than 120 months")]
    [InlineData("from", "\"1999-12-31\"", "allocations[0].from 1999-12-31 is outside 2000-01-01 to 2199-12-31")]
    [InlineData("from", "\"15/11/2026\"", "allocations[0].from must be a local date yyyy-MM-dd")]
    public void Parse_AMistakeInOneField_RefusesTheFileNamingTheEntryAndField(string field, string value, string expected)
    {
        JsonObject entry = JsonNode.Parse(ValidEntry)!.AsObject();
        entry[field] = JsonNode.Parse(value);

        FormatException refused = Assert.Throws<FormatException>(() =>
            AllocationFile.Parse(Encoding.UTF8.GetBytes($"[{entry.ToJsonString()}]"))
        );

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoneyIsInWholeCents()
    {
        FormatException refused = Assert.Throws<FormatException>(() =>
            AllocationFile.Parse(
                """[{"id":"m","institution":"inst-a","unit":"CNY","amount":10.005,"from":"2026-01-01","to":"2026-01-31"}]"""u8
            )
        );

        Assert.Contains("at most 2 decimal places", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"grants":[]}""", "allocation file must be a JSON array of allocations")]
    [InlineData("""[{"id":"a"}]""", "allocations[0].institution is missing")]
    [InlineData("[1]", "allocations[0] must be an object")]
    [InlineData("[", "allocation file is not valid JSON")]
    public void Parse_AFileOfTheWrongShape_IsRefusedSayingWhy(string json, string expected)
    {
        FormatException refused = Assert.Throws<FormatException>(() => AllocationFile.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TheSameIdTwice_RefusesTheFile()
    {
        FormatException refused = Assert.Throws<FormatException>(() =>
            AllocationFile.Parse(Encoding.UTF8.GetBytes($"[{ValidEntry},{ValidEntry}]"))
        );

        Assert.Contains("allocation 'grant-1' twice", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreAllocationsThanTheBound_IsRefusedBeforeReadingThemAll()
    {
        string entries = string.Join(
            ',',
            Enumerable
                .Range(0, FinanceLimits.MaxAllocationsPerFile + 1)
                .Select(i =>
                    $$"""{"id":"a{{i}}","institution":"inst-a","unit":"gpu-hours","amount":1,"from":"2026-01-01","to":"2026-01-31"}"""
                )
        );

        FormatException refused = Assert.Throws<FormatException>(() => AllocationFile.Parse(Encoding.UTF8.GetBytes($"[{entries}]")));

        Assert.Contains($"more than {FinanceLimits.MaxAllocationsPerFile} allocations", refused.Message, StringComparison.Ordinal);
    }
}
