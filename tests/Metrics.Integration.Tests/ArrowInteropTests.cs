using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Metrics.Core.Landing;

namespace Metrics.Integration.Tests;

/// <summary>
/// An independent Arrow implementation (apache-arrow for JavaScript, with fzstd for ZSTD) reads a file the pipeline
/// landed in Azurite and must see the same rows and the same values as the C# reader.
/// </summary>
public sealed class ArrowInteropTests : IDisposable
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ArrowJs_ReadsALandedFile_WithTheSameRowCountAndUtilSum()
    {
        string partition = "interop" + Guid.NewGuid().ToString("N")[..8];
        var enqueued = new DateTimeOffset(2026, 11, 27, 9, 5, 0, TimeSpan.Zero);
        var events = Enumerable
            .Range(0, 50)
            .Select(i => new RawEvent(
                EventJson.Bytes(
                    EventJson.Gpu(
                        node: $"gn{i:D4}",
                        ts: $"2026-11-27T09:00:{i:D2}Z",
                        gpus: 1 + (i % 8),
                        utilPct: i * 1.7 % 100,
                        jobId: i % 5 == 0 ? null : "77",
                        institution: i % 5 == 0 ? null : "inst-1"
                    )
                ),
                i,
                enqueued
            ))
            .ToArray();
        var pipeline = new IngestPipeline(
            new BlobLandingStore(_azurite.Clients.Blobs),
            new TableWorkMarks(_azurite.Clients.Tables, TimeProvider.System)
        );
        IngestResult result = await pipeline.IngestAsync(new EventBatch(TelemetryStream.Gpu, partition, events), CancellationToken.None);
        string blob = Assert.Single(result.Files)["telemetry/".Length..];
        string file = Path.Combine(_dir, "landed.arrow");
        await File.WriteAllBytesAsync(file, (await _azurite.DownloadAsync("telemetry", blob)).ToArray());

        long csharpRows = 0;
        double csharpUtil = 0,
            csharpMem = 0;
        using (ArrowFileReader reader = ArrowIpc.OpenFile(File.OpenRead(file)))
        {
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    csharpRows += batch.Length;
                    csharpUtil += ((DoubleArray)batch.Column(batch.Schema.GetFieldIndex("util_pct"))).Values.ToArray().Sum();
                    csharpMem += ((Int64Array)batch.Column(batch.Schema.GetFieldIndex("mem_used_mib"))).Values.ToArray().Sum();
                }
            }
        }

        JsonElement js = RunNode(file, "util_pct", "mem_used_mib", "eh_sequence", "institution");

        Assert.Equal(result.LandedRows, csharpRows);
        Assert.Equal(csharpRows, js.GetProperty("rows").GetInt64());
        Assert.Equal(csharpUtil, js.GetProperty("sums").GetProperty("util_pct").GetDouble(), precision: 6);
        Assert.Equal(csharpMem, js.GetProperty("sums").GetProperty("mem_used_mib").GetDouble());
        Assert.Equal(
            GpuRowSchema.Schema.FieldsList.Select(f => f.Name),
            js.GetProperty("columns").EnumerateArray().Select(c => c.GetString())
        );
        int idleRows = Enumerable.Range(0, 50).Where(i => i % 5 == 0).Sum(i => 1 + (i % 8));
        Assert.Equal(idleRows, js.GetProperty("nulls").GetProperty("institution").GetInt32());
    }

    private static JsonElement RunNode(string file, params string[] columns)
    {
        string script = RepoPaths.Combine("tools", "node", "arrow-summary.mjs");
        string modules = RepoPaths.Combine("tools", "node", "node_modules", "apache-arrow");
        Assert.True(Directory.Exists(modules), $"{modules} is missing: run tools/test.sh (it runs npm ci in tools/node).");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(file);
        foreach (string column in columns)
        {
            start.ArgumentList.Add(column);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "node did not finish within 60 s");
        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }
}
