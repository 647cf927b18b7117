using Metrics.Core.Catalogue;

namespace Metrics.Core.Tests.Catalogue;

/// <summary>The catalogue file's rules, each mistake named, and how names resolve to canonical ids.</summary>
public sealed class GpuModelCatalogueTests
{
    private static IReadOnlyList<GpuModel> Parse(string json) => GpuModelCatalogueFile.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_TheSampleCatalogue_ResolvesNvidiaSmiGresAndMigNames()
    {
        var catalogue = new GpuModelCatalogue(Parse(File.ReadAllText(RepoPaths.Combine("tools", "samples", "gpu-models.json"))));

        Assert.Equal("H100-SXM5-80GB", catalogue.Find("NVIDIA H100 80GB HBM3"));
        Assert.Equal("H100-SXM5-80GB", catalogue.Find("h100"));
        Assert.Equal("H100-SXM5-80GB", catalogue.Find("H100-SXM5-80GB"));
        Assert.Equal("H100-SXM5-80GB-MIG-1g.10gb", catalogue.Find("nvidia_h100_80gb_hbm3_1g.10gb"));
        Assert.Null(catalogue.Find("NVIDIA B200"));
        Assert.Equal("NVIDIA B200", catalogue.Canonical("NVIDIA B200"));
    }

    [Fact]
    public void Find_IgnoresCase_SinceGresTypesAndRateCardsAreTypedByHand()
    {
        var catalogue = new GpuModelCatalogue([new GpuModel("H100-SXM5-80GB", ["h100"])]);

        Assert.Equal("H100-SXM5-80GB", catalogue.Find("H100"));
        Assert.Equal("H100-SXM5-80GB", catalogue.Find("h100-sxm5-80gb"));
    }

    [Fact]
    public void Format_ThenParse_GivesTheSameCatalogue()
    {
        var catalogue = new GpuModelCatalogue(Parse("""[{"id":"B","aliases":["b1","b2"]},{"id":"A"}]"""));

        string listed = GpuModelCatalogueFile.Format(catalogue);
        var again = new GpuModelCatalogue(GpuModelCatalogueFile.Parse(Encoding.UTF8.GetBytes(listed)));

        Assert.Equal(["A", "B"], again.Models.Select(m => m.Id));
        Assert.Equal(["b1", "b2"], again.Models[1].Aliases);
        Assert.Equal(listed, GpuModelCatalogueFile.Format(again));
        Assert.Contains("\"models\": [", listed, StringComparison.Ordinal);
    }

    [Fact]
    public void With_AModelImportedAgain_ReplacesItsAliases_AndKeepsTheOthers()
    {
        var catalogue = new GpuModelCatalogue([new GpuModel("A", ["a1"]), new GpuModel("B", ["b1"])]);

        GpuModelCatalogue changed = catalogue.With([new GpuModel("A", ["a2"])]);

        Assert.Null(changed.Find("a1"));
        Assert.Equal("A", changed.Find("a2"));
        Assert.Equal("B", changed.Find("b1"));
    }

    [Fact]
    public void With_AnAliasOfAStoredModel_IsRefused()
    {
        var catalogue = new GpuModelCatalogue([new GpuModel("H100-SXM5-80GB", ["h100"])]);

        var ex = Assert.Throws<FormatException>(() => catalogue.With([new GpuModel("H200", ["H100"])]));
        Assert.Contains("'H100' names both", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is not valid JSON")]
    [InlineData("{\"models\":{}}", "must be an object with a \"models\" array")]
    [InlineData("[1]", "models[0] must be an object")]
    [InlineData("[{\"aliases\":[]}]", "models[0].id must be a string")]
    [InlineData("[{\"id\":\"a/b\"}]", "models[0].id 'a/b' is not a GPU model name")]
    [InlineData("[{\"id\":\" lead\"}]", "models[0].id ' lead' is not a GPU model name")]
    [InlineData("[{\"id\":\"A\",\"aliases\":\"x\"}]", "models[0].aliases must be an array of names")]
    [InlineData("[{\"id\":\"A\",\"aliases\":[7]}]", "models[0].aliases[0] must be a string")]
    [InlineData("[{\"id\":\"A\",\"aliases\":[\"b\",\"A1\",\"a1\"]}]", "models[0].aliases has 'a1' twice")]
    [InlineData("[{\"id\":\"A\",\"aliases\":[\"a\"]}]", "models[0].aliases repeats the model's own id 'A'")]
    [InlineData("[{\"id\":\"A\"},{\"id\":\"a\"}]", "has model 'A' twice")]
    [InlineData("[{\"id\":\"A\",\"aliases\":[\"x\"]},{\"id\":\"B\",\"aliases\":[\"X\"]}]", "'X' names both 'A' and 'B'")]
    [InlineData("[{\"id\":\"A\"},{\"id\":\"B\",\"aliases\":[\"a\"]}]", "'a' names both 'A' and 'B'")]
    public void Parse_AMistake_RefusesTheFile_NamingTheEntry(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => Parse(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooManyModelsOrAliases_IsRefused()
    {
        string models =
            "[" + string.Join(',', Enumerable.Range(0, GpuModelCatalogueFile.MaxModels + 1).Select(i => $"{{\"id\":\"M{i}\"}}")) + "]";
        string aliases =
            "[{\"id\":\"A\",\"aliases\":["
            + string.Join(',', Enumerable.Range(0, GpuModelCatalogueFile.MaxAliasesPerModel + 1).Select(i => $"\"a{i}\""))
            + "]}]";

        Assert.Contains("at most 1000 are accepted", Assert.Throws<FormatException>(() => Parse(models)).Message, StringComparison.Ordinal);
        Assert.Contains("at most 64 are accepted", Assert.Throws<FormatException>(() => Parse(aliases)).Message, StringComparison.Ordinal);
        Assert.Contains(
            "at most 1048576 are accepted",
            Assert.Throws<FormatException>(() => GpuModelCatalogueFile.Parse(new byte[GpuModelCatalogueFile.MaxFileBytes + 1])).Message,
            StringComparison.Ordinal
        );
    }
}
