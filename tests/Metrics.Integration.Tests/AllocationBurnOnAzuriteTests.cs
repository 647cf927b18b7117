using Azure.Storage.Queues.Models;
using Metrics.Core.Allocations;

namespace Metrics.Integration.Tests;

/// <summary>
/// An allocation's use against billing, end to end on Azurite and the CLI, across the Shanghai month boundary (31 March
/// 16:00Z): ingested and rolled up in steps, with a heartbeat before its job's late <c>ended</c> event, resent files and
/// a forced recompute. At every step <c>used</c> is the billed GPU-hours of the period (the months' billed lines less
/// a job billed before the period began), the 50 % event exists once, the queue holds exactly the events the CLI lists,
/// and a money allocation's <c>used</c> is the sum of the priced lines to the cent.
/// </summary>
public sealed class AllocationBurnOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2098, 3), "allocburn")
{
    private const string H100 = "H100-SXM5-80GB";

    private string Institution => $"inst-burn-{Run}";

    private string Cluster => $"burn-{Run}";

    private static string Ts(int month, int day, int hour) => EventJson.Ts(new DateTimeOffset(2098, month, day, hour, 0, 0, TimeSpan.Zero));

    private string Job(string id, string state, string ts, double gpus, string start, string? end = null) =>
        EventJson.Job(id, state, ts, gpus, Institution, Cluster, start, end, H100, 0, "proj-a").ToJsonString();

    private async Task<decimal> BilledAsync(string month, string field)
    {
        using JsonDocument usage = JsonDocument.Parse(
            await Azurite.RunOkAsync(Time, "usage", "--month", month, "--institution", Institution, "--format", "json")
        );
        return usage.RootElement.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty(field).GetDecimal());
    }

    private async Task<Dictionary<string, string[]>> ListAsync()
    {
        string csv = await Azurite.RunOkAsync(Time, "allocations", "list", "--institution", Institution, "--format", "csv");
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AllocationRows.StandingHeader, lines[0]);
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0], c => c);
    }

    /// <summary>Checks the invariants of a step; returns the events the CLI lists.</summary>
    private async Task<string[]> CheckAsync(string step, decimal billedBeforePeriod)
    {
        Dictionary<string, string[]> list = await ListAsync();
        decimal billed = await BilledAsync("2098-03", "gpu_hours") + await BilledAsync("2098-04", "gpu_hours") - billedBeforePeriod;
        decimal used = decimal.Parse(list[$"hours-{Run}"][5], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(used - billed) <= 0.001m, $"{step}: used {used} h, billed {billed} h in the period");
        decimal priced = await BilledAsync("2098-03", "amount") + await BilledAsync("2098-04", "amount");
        Assert.True(priced > 0, $"{step}: nothing priced");
        Assert.Equal(priced, decimal.Parse(list[$"money-{Run}"][5], CultureInfo.InvariantCulture));

        string[] events = (await Azurite.RunOkAsync(Time, "allocations", "events"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Where(l => l.Contains(Institution, StringComparison.Ordinal))
            .ToArray();
        PeekedMessage[] queued = (await Azurite.Clients.Queue("allocation-events").PeekMessagesAsync(32)).Value;
        string[] onQueue = queued
            .Select(m => AllocationEventJson.Deserialize(m.Body.ToArray()))
            .Select(AllocationRows.EventCsv)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(events.Order(StringComparer.Ordinal), onQueue);
        Assert.Equal(onQueue.Length, onQueue.Distinct().Count());
        return events;
    }

    [Fact]
    public async Task UsedTracksBilling_AcrossTheMonthBoundaryLateEndsResendsAndARecompute_AndEachEventIsEmittedOnce()
    {
        await Azurite.RunOkAsync(Time, "rates", "import", RepoPaths.Combine("tools", "samples", "rates.json"));
        string grants = Path.Combine(Dir, "grants.json");
        await File.WriteAllTextAsync(
            grants,
            $$"""
            [{"id":"hours-{{Run}}","institution":"{{Institution}}","unit":"gpu-hours","amount":100,"from":"2098-03-20","to":"2098-04-10"},
             {"id":"money-{{Run}}","institution":"{{Institution}}","unit":"CNY","amount":100000,"from":"2098-03-01","to":"2098-04-30"}]
            """
        );
        await Azurite.RunOkAsync(Time, "allocations", "import", grants);

        // Step 1, 24 March: a job of 4 GPUs on 18 March (before the grant: 4 x 24 = 96 h, for money only) and job J1, 2
        // GPUs from 21 March 00:00Z, heard running at 22 March 00:00Z: 48 h so far, under 50 of 100.
        Time.SetUtcNow(new DateTimeOffset(2098, 3, 24, 0, 0, 0, TimeSpan.Zero));
        string before = Job("J0", "ended", Ts(3, 19, 0), 4, Ts(3, 18, 0), Ts(3, 19, 0));
        string heartbeat = Job("J1", "running", Ts(3, 22, 0), 2, Ts(3, 21, 0));
        await IngestAsync("jobs", before, heartbeat);
        await Azurite.RunOkAsync(Time, "rollup");
        Assert.Equal("48.0000", (await ListAsync())[$"hours-{Run}"][5]);
        // At 12 h a day since 20 March (48 h over 4 days), the forecast passes 100 h: the one event so far.
        string forecast = Assert.Single(await CheckAsync("step 1", 96m));
        Assert.StartsWith($"hours-{Run},{Institution},100,forecast,", forecast, StringComparison.Ordinal);

        // Step 2, 25 March: J1's ended event arrives late (ended 22 March 12:00Z: 36 h x 2 = 72 h), with step 1's file
        // resent. 50 % is crossed.
        Time.SetUtcNow(new DateTimeOffset(2098, 3, 25, 0, 0, 0, TimeSpan.Zero));
        await IngestAsync("jobs", before, heartbeat, Job("J1", "ended", Ts(3, 22, 12), 2, Ts(3, 21, 0), Ts(3, 22, 12)));
        await Azurite.RunOkAsync(Time, "rollup");
        Assert.Equal("72.0000", (await ListAsync())[$"hours-{Run}"][5]);
        Assert.Contains(
            await CheckAsync("step 2", 96m),
            e => e.StartsWith($"hours-{Run},{Institution},50,actual,", StringComparison.Ordinal)
        );

        // Step 3, 3 April: J2 straddles the boundary (31 March 14:00Z-18:00Z, 1 GPU: 2 h in March, 2 in April) and J3 runs
        // 2 April 00:00-04:00Z on 2 GPUs (8 h): 84 h, and 80 % is crossed.
        Time.SetUtcNow(new DateTimeOffset(2098, 4, 3, 0, 0, 0, TimeSpan.Zero));
        await IngestAsync(
            "jobs",
            Job("J2", "ended", Ts(3, 31, 18), 1, Ts(3, 31, 14), Ts(3, 31, 18)),
            Job("J3", "ended", Ts(4, 2, 4), 2, Ts(4, 2, 0), Ts(4, 2, 4))
        );
        await Azurite.RunOkAsync(Time, "rollup");
        Assert.Equal("84.0000", (await ListAsync())[$"hours-{Run}"][5]);
        Assert.Equal((170m, 10m), (await BilledAsync("2098-03", "gpu_hours"), await BilledAsync("2098-04", "gpu_hours")));
        string[] third = await CheckAsync("step 3", 96m);
        Assert.Contains(third, e => e.StartsWith($"hours-{Run},{Institution},80,actual,", StringComparison.Ordinal));

        // Step 4: the rollup again, and a forced recompute of J1's hours: nothing moves, nothing is emitted again.
        await Azurite.RunOkAsync(Time, "rollup");
        await Azurite.RunOkAsync(Time, "rollup", "--from", "2098-03-21T00", "--to", "2098-03-22T23");
        Assert.Equal("84.0000", (await ListAsync())[$"hours-{Run}"][5]);
        string[] last = await CheckAsync("step 4", 96m);
        Assert.Equal(third, last);
        Assert.Single(last, e => e.StartsWith($"hours-{Run},{Institution},50,actual,", StringComparison.Ordinal));

        // The JSON and table forms say the same: list's used, and events' ids, one per CSV row.
        using (JsonDocument json = JsonDocument.Parse(await Azurite.RunOkAsync(Time, "allocations", "list", "--format", "json")))
        {
            JsonElement hours = json.RootElement.EnumerateArray().Single(a => a.GetProperty("id").GetString() == $"hours-{Run}");
            Assert.Equal((84m, "ok"), (hours.GetProperty("used").GetDecimal(), hours.GetProperty("status").GetString()));
        }

        using (JsonDocument json = JsonDocument.Parse(await Azurite.RunOkAsync(Time, "allocations", "events", "--format", "json")))
        {
            string[] ids = json
                .RootElement.EnumerateArray()
                .Where(e => e.GetProperty("institution").GetString() == Institution)
                .Select(e => e.GetProperty("event_id").GetString()!)
                .ToArray();
            Assert.Equal(last.Length, ids.Length);
            Assert.Contains($"hours-{Run}:actual:050", ids);
        }

        Assert.Contains($"│ hours-{Run} ", await Azurite.RunOkAsync(Time, "allocations", "list"), StringComparison.Ordinal);

        // An allocation imported late that its institution has already used up: exhausted at the next rollup (on the day
        // that rollup saw it), on the status screen and the centre's overview, its events on the queue like the others.
        await File.WriteAllTextAsync(
            grants,
            $$"""
            [{"id":"tiny-{{Run}}","institution":"{{Institution}}","unit":"gpu-hours","amount":10,"from":"2098-03-20","to":"2098-04-10"}]
            """
        );
        await Azurite.RunOkAsync(Time, "allocations", "import", grants);
        await Azurite.RunOkAsync(Time, "rollup");
        string[] tiny = (await ListAsync())[$"tiny-{Run}"];
        Assert.Equal(("84.0000", "840.0", "2098-04-03", "exhausted"), (tiny[5], tiny[6], tiny[9], tiny[10]));
        (_, string status, _) = await Azurite.RunAsync(Time, null, "status");
        Assert.Contains("allocations: watched=3 at-risk=0 exhausted=1 (which: metrics allocations list)", status, StringComparison.Ordinal);
        string page = Path.Combine(Dir, "overview.html");
        await Azurite.RunOkAsync(Time, "statement", "--month", "2098-04", "--out", page);
        string html = await File.ReadAllTextAsync(page);
        Assert.Contains("data-total=\"allocations-exhausted\">1<", html, StringComparison.Ordinal);
        Assert.Contains($"data-allocation=\"tiny-{Run}\" data-status=\"exhausted\"", html, StringComparison.Ordinal);
        Assert.Equal(4, (await CheckAsync("step 5", 96m)).Count(e => e.StartsWith($"tiny-{Run},", StringComparison.Ordinal)));
    }
}
