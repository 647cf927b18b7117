using Metrics.Core.Ledger;

namespace Metrics.Cli.Commands;

/// <summary>
/// What finance's month end looks like, on the demo's data: the first month's biggest spender gets a compute voucher,
/// the month is closed (its statement frozen, the voucher's credit in it), and then one of that institution's jobs in
/// the closed month reports only now. Its usage never changes the statement: it is booked as an adjustment in the next
/// month, which the voucher also pays towards (provisionally, until that month closes).
/// </summary>
internal static class DemoMonthEnd
{
    /// <summary>The voucher: 3,000.00 CNY paying at most half of a month's charges, valid through both months.</summary>
    private const decimal VoucherAmount = 3_000.00m;
    private const decimal VoucherShare = 0.5m;

    public static async Task<DemoMonthEndResult> RunAsync(
        CliContext context,
        StorageClients storage,
        BillingCalendar calendar,
        UsageRollup rollup,
        string cluster,
        string workDirectory,
        UsageReport first,
        BillingMonth next,
        CancellationToken cancellationToken
    )
    {
        UsageLine top =
            first.Lines.Where(l => l.Type == UsageLineType.Usage && l.Priced).MaxBy(l => l.Amount)
            ?? throw new CliFailure($"the demo's first month {first.Month} has no priced usage to close");
        string institution = top.Usage.Institution;
        var voucher = new Voucher(
            $"demo-{institution}-{first.Month}",
            institution,
            VoucherAmount,
            top.Currency,
            first.Month.FirstDay,
            next.Next().FirstDay.AddDays(-1),
            VoucherShare
        );
        await new TableVoucherStore(storage.Tables).ImportAsync([voucher], cancellationToken).ConfigureAwait(false);

        MonthCloseResult closed = await BillingStorage
            .CreateMonthClose(storage, calendar, context.TimeProvider, MonthClose.DefaultGrace)
            .CloseAsync(first.Month, cancellationToken)
            .ConfigureAwait(false);
        if (closed.Statement is null)
        {
            throw new CliFailure($"the demo could not close {first.Month}: {closed.Outcome} {string.Join("; ", closed.Failures)}");
        }

        JobEvent late = LateJob(calendar, cluster, first.Month, institution, top.Usage.GpuModel);
        string file = Path.Combine(workDirectory, "late-jobs.jsonl");
        await File.WriteAllBytesAsync(file, [.. ContractJson.Serialize(late), (byte)'\n'], cancellationToken).ConfigureAwait(false);
        await LocalIngest
            .RunAsync(context, storage, TelemetryStream.Jobs, file, 1, 1, backfill: true, progress: null, cancellationToken)
            .ConfigureAwait(false);
        await rollup.RunPendingAsync(cancellationToken).ConfigureAwait(false);
        return new DemoMonthEndResult(closed, voucher, late);
    }

    /// <summary>
    /// A job of the closed month's last hours (8 GPUs, 2 h, ending an hour before the month did) whose one event, its
    /// end, arrives after the close, as from a scheduler that was down.
    /// </summary>
    private static JobEvent LateJob(BillingCalendar calendar, string cluster, BillingMonth month, string institution, string gpuModel)
    {
        DateTimeOffset monthEnd = calendar.EndUtc(month);
        DateTimeOffset ts = monthEnd.AddHours(-1);
        return new JobEvent
        {
            EventId = ContractJson.JobEventId(cluster, $"late-{month}", JobState.Ended, ts),
            Cluster = cluster,
            JobId = $"late-{month}",
            State = JobState.Ended,
            Ts = ts,
            Institution = institution,
            Account = $"proj-{institution}",
            StartTime = ts.AddHours(-2),
            EndTime = ts,
            ExitState = "COMPLETED",
            Gpus = 8,
            GpuModel = gpuModel,
            Cpus = 32,
        };
    }
}

/// <summary>What the demo's month end did: the close, the voucher it granted, the job that arrived late.</summary>
internal sealed record DemoMonthEndResult(MonthCloseResult Closed, Voucher Voucher, JobEvent LateJob);
