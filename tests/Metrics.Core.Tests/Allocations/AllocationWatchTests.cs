using System.Text.Json;
using Metrics.Core.Allocations;

namespace Metrics.Core.Tests.Allocations;

/// <summary>Threshold events: each (allocation, basis, threshold) once for ever, on the queue, whatever happens between passes.</summary>
public sealed class AllocationWatchTests
{
    private static readonly DateOnly s_nov1 = new(2026, 11, 1);
    private static readonly DateOnly s_nov30 = new(2026, 11, 30);

    [Fact]
    public async Task EachThreshold_IsEmittedOnce_AcrossPassesRerunsAndAFallBelowIt()
    {
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 11, 5), 10m).At(new DateOnly(2026, 11, 6));
        history.Allocations.Allocations["g"] = SyntheticHistory.Hours("g", 100m, s_nov1, s_nov30);

        // 50 h of 100 used; the burn of 10 a day reaches 100 % in the forecast.
        AllocationWatchResult first = await history.Watch().RunAsync(CancellationToken.None);
        AllocationWatchResult again = await history.Watch().RunAsync(CancellationToken.None);
        Assert.Equal(["g:actual:050", "g:forecast:100"], history.Events.Queue.Select(e => e.Id));
        Assert.Equal((1, 2, 2, 1, 0), (first.Watched, first.Crossed, first.Sent, first.AtRisk, first.Exhausted));
        Assert.Equal((0, 0), (again.Crossed, again.Sent));

        // A late correction takes use back below 50 %: nothing is taken back, and 50 % is not emitted again on the way up.
        history.Burn(s_nov1, new DateOnly(2026, 11, 5), 8m);
        await history.Watch().RunAsync(CancellationToken.None);
        history.Burn(s_nov1, new DateOnly(2026, 11, 9), 10m).At(new DateOnly(2026, 11, 10));
        await history.Watch().RunAsync(CancellationToken.None);

        // (The pass on 10 Nov saw 90 h: 80 % crossed.) On 12 Nov, 110 h: 100 %; on 13 Nov, 120 h: nothing more.
        history.Burn(s_nov1, new DateOnly(2026, 11, 11), 10m).At(new DateOnly(2026, 11, 12));
        await history.Watch().RunAsync(CancellationToken.None);
        history.Burn(s_nov1, new DateOnly(2026, 11, 12), 10m).At(new DateOnly(2026, 11, 13));
        await history.Watch().RunAsync(CancellationToken.None);

        Assert.Equal(["g:actual:050", "g:forecast:100", "g:actual:080", "g:actual:100"], history.Events.Queue.Select(e => e.Id));
        Assert.Equal(history.Events.Queue.Select(e => e.Id).Order(), history.Events.Recorded.Keys.Order());
        Assert.All(history.Events.Recorded.Values, e => Assert.NotNull(e.SentAt));
        AllocationEvent hundred = history.Events.Recorded["g:actual:100"];
        Assert.Equal((110m, 100m, 100, AllocationEvent.Actual), (hundred.Used, hundred.Amount, hundred.ThresholdPct, hundred.Basis));
        Assert.Equal(history.Calendar.StartUtc(new DateOnly(2026, 11, 12)), hundred.CrossedAt);
    }

    [Fact]
    public async Task AnEventTheQueueRefused_StaysRecordedUnsent_AndTheNextPassSendsIt()
    {
        var history = new SyntheticHistory().Burn(s_nov1, new DateOnly(2026, 11, 5), 12m).At(new DateOnly(2026, 11, 6));
        history.Allocations.Allocations["g"] = SyntheticHistory.Hours("g", 100m, s_nov1, s_nov30);
        history.Events.FailSends = true;

        await Assert.ThrowsAsync<IOException>(() => history.Watch().RunAsync(CancellationToken.None));
        Assert.Empty(history.Events.Queue);
        Assert.Equal(2, history.Events.Recorded.Count);
        Assert.All(history.Events.Recorded.Values, e => Assert.Null(e.SentAt));

        history.Events.FailSends = false;
        AllocationWatchResult next = await history.Watch().RunAsync(CancellationToken.None);

        Assert.Equal((0, 2), (next.Crossed, next.Sent));
        Assert.Equal(["g:actual:050", "g:forecast:100"], history.Events.Queue.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task OnlyBegunAndRecentAllocations_AreWatched()
    {
        var history = new SyntheticHistory().Burn(s_nov1, s_nov30, 10m).At(new DateOnly(2026, 12, 1));
        history.Allocations.Allocations["future"] = SyntheticHistory.Hours(
            "future",
            1m,
            new DateOnly(2026, 12, 2),
            new DateOnly(2026, 12, 31)
        );
        history.Allocations.Allocations["old"] = SyntheticHistory.Hours("old", 1m, new DateOnly(2026, 1, 1), new DateOnly(2026, 9, 1));
        history.Allocations.Allocations["now"] = SyntheticHistory.Hours("now", 500m, s_nov1, s_nov30);

        AllocationWatchResult result = await history.Watch().RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Watched);
        Assert.Equal(["now:actual:050"], history.Events.Queue.Select(e => e.Id));
    }

    [Fact]
    public void TheQueuesJson_RoundTripsEveryField()
    {
        var e = new AllocationEvent(
            "g-1",
            "inst-a",
            "proj-x",
            "CNY",
            80,
            AllocationEvent.Actual,
            new DateTimeOffset(2026, 11, 20, 4, 5, 6, TimeSpan.Zero),
            80.5m,
            120.25m,
            100m
        );

        using JsonDocument json = JsonDocument.Parse(AllocationEventJson.Serialize(e));

        Assert.Equal("allocation-event/v1", json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("g-1:actual:080", json.RootElement.GetProperty("event_id").GetString());
        Assert.Equal("2026-11-20T04:05:06Z", json.RootElement.GetProperty("crossed_at").GetString());
        Assert.Equal(e, AllocationEventJson.Deserialize(AllocationEventJson.Serialize(e)));
    }
}
