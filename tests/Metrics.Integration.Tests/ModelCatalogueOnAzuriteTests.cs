using Metrics.Agent.Mapping;
using Metrics.Agent.Reading;
using Metrics.Agent.Sending;

namespace Metrics.Integration.Tests;

/// <summary>
/// Real producers' names meet the rate card's through the catalogue: the node agent's event from the real H100 capture
/// (<c>NVIDIA H100 80GB HBM3</c>) and a job whose gres type is <c>h100</c> make one usage line, H100-SXM5-80GB, with both
/// billed and observed hours; a name the catalogue does not know lands as sent and is counted by <c>metrics status</c>.
/// </summary>
public sealed class ModelCatalogueOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2026, 11), "models")
{
    private string Institution => $"inst-models-{Run}";

    private string Cluster => $"models-{Run}";

    /// <summary>The agent's event for the real capture, its GPU 0 mapped to job J1 of <see cref="Institution"/>.</summary>
    private async Task<string> AgentEventAsync()
    {
        string map = Directory.CreateDirectory(Path.Combine(Dir, "gpu-jobs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(map, "0"), "J1\n");
        string institutions = Path.Combine(Dir, "institutions");
        await File.WriteAllTextAsync(institutions, $"J1,{Institution}\n");
        string capture = await File.ReadAllTextAsync(
            RepoPaths.Combine("tests", "Metrics.Tools.Tests", "Fixtures", "nvidia-smi", "query-gpu.csv")
        );
        IReadOnlyList<GpuStatus> gpus = new NvidiaSmiCsvParser(NvidiaSmiFields.Query, TimeZoneInfo.Utc).Parse(capture);
        var warnings = new List<string>();
        byte[] body = new TelemetryEventBuilder(Cluster, "gn0001", 60, new JobMapping(map, institutions)).Build(gpus, warnings)!;
        return Encoding.UTF8.GetString(body);
    }

    [Fact]
    public async Task AgentAndSchedulerNames_WithTheCatalogue_BillOneLineWithBilledAndObservedHours()
    {
        Time.SetUtcNow(At(28, 0));
        Assert.Equal(
            "imported=4 aliases=12",
            (await Azurite.RunOkAsync(Time, "models", "import", RepoPaths.Combine("tools", "samples", "gpu-models.json"))).Trim()
        );
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string agentEvent = await AgentEventAsync();
        Assert.Contains("\"model\":\"NVIDIA H100 80GB HBM3\"", agentEvent, StringComparison.Ordinal);

        // Job J1: 1 GPU of gres type h100, 09:00-10:00Z on the 27th. The capture is one 60 s sample at 09:49:09Z at 0 %.
        string job = EventJson
            .Job("J1", "ended", "2026-11-27T10:00:00Z", 1, Institution, Cluster, "2026-11-27T09:00:00Z", "2026-11-27T10:00:00Z", "h100", 0)
            .ToJsonString();
        await IngestAsync("jobs", job);
        await IngestAsync("gpu", agentEvent);
        await Azurite.RunOkAsync(Time, "rollup");

        string usage = await Azurite.RunOkAsync(Time, "usage", "--month", "2026-11", "--institution", Institution);
        Assert.Equal(
            FinanceCsv.Header
                + "\r\n"
                + $"2026-11,{Institution},H100-SXM5-80GB,1,1.0000,0.0000,0.0167,0.00,0.0000,28.50,28.50,CNY,usage,\r\n",
            usage
        );
        string status = await Azurite.RunOkAsync(Time, "status");
        Assert.Contains("unknown GPU models: 0", status, StringComparison.Ordinal);

        // The landed file keeps the name as sent beside the canonical id.
        string landed = await Azurite.RunOkAsync(Time, "inspect", "telemetry/gpu/v1/");
        string file = landed.Split('\n')[0].Split('\t')[0];
        string rows = await Azurite.RunOkAsync(Time, "inspect", file, "--rows", "1");
        Assert.Contains("H100-SXM5-80GB", rows, StringComparison.Ordinal);
        Assert.Contains("NVIDIA H100 80GB HBM3", rows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownName_LandsAsSent_IsCountedByStatus_UntilTheCatalogueLearnsIt()
    {
        Time.SetUtcNow(At(28, 0));
        await Azurite.RunOkAsync(Time, "models", "import", RepoPaths.Combine("tools", "samples", "gpu-models.json"));
        JsonObject sample = EventJson.Gpu(node: $"gn-b200-{Run}", ts: "2026-11-27T09:00:15Z", gpus: 2, jobId: null, institution: null);
        foreach (JsonNode? gpu in sample["gpus"]!.AsArray())
        {
            gpu!["model"] = "NVIDIA B200";
        }

        await IngestAsync("gpu", sample.ToJsonString());
        await IngestAsync("gpu", sample.ToJsonString());

        string status = await Azurite.RunOkAsync(Time, "status");
        Assert.Contains("unknown GPU models: 1 (add them to the catalogue", status, StringComparison.Ordinal);
        Assert.Contains("  unknown model: gpu 'NVIDIA B200' rows=4 last seen 2026-11-28T00:00Z", status, StringComparison.Ordinal);

        string catalogue = Path.Combine(Dir, "b200.json");
        await File.WriteAllTextAsync(catalogue, """{"models":[{"id":"B200-SXM6-180GB","aliases":["NVIDIA B200","b200"]}]}""");
        await Azurite.RunOkAsync(Time, "models", "import", catalogue);
        Assert.Contains("unknown GPU models: 0", await Azurite.RunOkAsync(Time, "status"), StringComparison.Ordinal);
        using JsonDocument listed = JsonDocument.Parse(await Azurite.RunOkAsync(Time, "models", "list"));
        Assert.Equal(
            ["A100-SXM4-40GB", "B200-SXM6-180GB", "H100-SXM5-80GB", "H100-SXM5-80GB-MIG-1g.10gb", "L40S-48GB"],
            listed.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray()
        );
    }

    [Fact]
    public async Task Import_ANameOfAnotherStoredModel_IsRefusedWhole_AndTheCatalogueIsUnchanged()
    {
        await Azurite.RunOkAsync(Time, "models", "import", RepoPaths.Combine("tools", "samples", "gpu-models.json"));
        string before = await Azurite.RunOkAsync(Time, "models", "list");
        string clash = Path.Combine(Dir, "clash.json");
        await File.WriteAllTextAsync(clash, """{"models":[{"id":"H200-SXM5-141GB","aliases":["NVIDIA H200","H100"]}]}""");

        (int exit, _, string error) = await Azurite.RunAsync(Time, null, "models", "import", clash);

        Assert.Equal(1, exit);
        Assert.Contains("'H100' names both", error, StringComparison.Ordinal);
        Assert.Equal(before, await Azurite.RunOkAsync(Time, "models", "list"));
    }

    /// <summary>
    /// Without a catalogue every batch names unknown models: an instance writes a name when it first sees it, then at most
    /// once a minute with the rows in between, so a misconfigured centre does not double ingest's storage requests.
    /// </summary>
    [Fact]
    public async Task UnknownModelLog_WritesANameOnceAMinute_WithTheRowsSeenMeanwhile()
    {
        var log = new TableUnknownModelLog(Azurite.Clients.Tables);
        DateTimeOffset t0 = At(27, 9);
        var rows = new Dictionary<string, long> { ["NVIDIA B200"] = 2 };

        await log.RecordAsync(TelemetryStream.Gpu, rows, t0, CancellationToken.None);
        long requests = Azurite.Clients.Requests.Count;
        await log.RecordAsync(
            TelemetryStream.Gpu,
            new Dictionary<string, long> { ["NVIDIA B200"] = 3 },
            t0.AddSeconds(30),
            CancellationToken.None
        );
        await log.RecordAsync(
            TelemetryStream.Gpu,
            new Dictionary<string, long> { ["NVIDIA B200"] = 4 },
            t0.AddSeconds(59),
            CancellationToken.None
        );
        Assert.Equal(requests, Azurite.Clients.Requests.Count);
        Assert.Equal(2, Assert.Single(await log.ReadAsync(CancellationToken.None)).Rows);

        await log.RecordAsync(
            TelemetryStream.Gpu,
            new Dictionary<string, long> { ["NVIDIA B200"] = 5 },
            t0.AddMinutes(1),
            CancellationToken.None
        );

        Metrics.Core.Catalogue.UnknownModelSighting sighting = Assert.Single(await log.ReadAsync(CancellationToken.None));
        Assert.Equal((14L, t0, t0.AddMinutes(1)), (sighting.Rows, sighting.FirstSeen, sighting.LastSeen));
    }
}
