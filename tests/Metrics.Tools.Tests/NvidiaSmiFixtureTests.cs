using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Metrics.Tools.Tests;

/// <summary>The agent's query and parser checked against the rest of the real H100 captures in Fixtures/nvidia-smi.</summary>
public sealed partial class NvidiaSmiFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "nvidia-smi", name);

    /// <summary><c>nvidia-smi --help-query-gpu</c> lists every field the driver accepts: the agent asks for none other.</summary>
    [Fact]
    public void Query_EveryField_IsOneTheDriverAccepts()
    {
        HashSet<string> accepted = File.ReadLines(Fixture("help-query-gpu.txt"))
            .SelectMany(line => QuotedField().Matches(line).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(accepted.Count > 100, $"the help text should list the driver's fields, found {accepted.Count}");
        Assert.All(NvidiaSmiFields.Query, field => Assert.Contains(field, accepted));
    }

    /// <summary>The XML report (<c>nvidia-smi -q -x</c>) of the same GPU agrees with what the parser reads from the CSV.</summary>
    [Fact]
    public void Parse_CsvCapture_AgreesWithTheXmlReportOfTheSameGpu()
    {
        XElement gpu = XDocument.Load(Fixture("nvidia-smi-q.xml")).Root!.Element("gpu")!;
        GpuStatus parsed = Assert.Single(
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse(File.ReadAllText(Fixture("query-gpu.csv")))
        );

        Assert.Equal(gpu.Element("uuid")!.Value, parsed.Uuid);
        Assert.Equal(gpu.Element("product_name")!.Value, parsed.Name);
        Assert.Equal($"{parsed.MemTotalMiB} MiB", gpu.Element("fb_memory_usage")!.Element("total")!.Value);
        Assert.Equal($"{parsed.PowerLimitW:F2} W", gpu.Descendants("current_power_limit").First().Value);
    }

    /// <summary>The human-readable table and the compute-apps capture name the same GPU the agent keys samples by.</summary>
    [Fact]
    public void Captures_AllNameTheSameGpuUuid()
    {
        GpuStatus parsed = Assert.Single(
            new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse(File.ReadAllText(Fixture("query-gpu.csv")))
        );

        Assert.Contains(parsed.Uuid, File.ReadAllText(Fixture("query-compute-apps.csv")), StringComparison.Ordinal);
        Assert.Contains("NVIDIA H100 80GB HBM3", File.ReadAllText(Fixture("nvidia-smi.txt")), StringComparison.Ordinal);
        Assert.Contains("81559MiB", File.ReadAllText(Fixture("nvidia-smi.txt")), StringComparison.Ordinal);
    }

    [GeneratedRegex("^\"([a-z0-9_.]+)\"")]
    private static partial Regex QuotedField();
}
