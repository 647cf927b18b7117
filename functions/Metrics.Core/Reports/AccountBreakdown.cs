using Metrics.Core.Usage;

namespace Metrics.Core.Reports;

/// <summary>
/// A report's usage lines split by account (project), so that the parts add up to each institution line exactly: its
/// hours to the 0.0001 h and its amount to the cent, as finance invoiced it.
/// <para>
/// Each figure of a line (GPU-hours, active and observed GPU-hours, CPU core-hours, as reported with 4 decimals) is
/// divided among the line's accounts in proportion to their exact seconds by the largest-remainder method: every account
/// gets its share rounded down to the last decimal, and the units left over go one each to the accounts with the largest
/// remainders (ties to the account that sorts first). The amount is divided the same way, to the cent, in proportion to
/// each account's own hours at the line's rates. Jobs are counted per account, and an account's average utilisation is
/// its own (active / observed seconds, exact). Adjustment and credit lines are the
/// institution's and stay whole, under the empty account.
/// </para>
/// </summary>
public static class AccountBreakdown
{
    /// <summary>
    /// The report with each usage line replaced by its account parts (<see cref="UsageLine.Account"/> set on every line).
    /// </summary>
    /// <param name="report">Institution lines, as billed.</param>
    /// <param name="accounts">The same month's usage by account (exact seconds), any number of institutions.</param>
    public static UsageReport Split(UsageReport report, IReadOnlyList<MonthlyUsage> accounts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(accounts);
        ILookup<UsageKey, MonthlyUsage> byLine = accounts.ToLookup(a => a.Key.Line());
        var lines = new List<UsageLine>(report.Lines.Count);
        foreach (UsageLine line in report.Lines)
        {
            if (line.Type != UsageLineType.Usage)
            {
                lines.Add(line with { Account = string.Empty });
                continue;
            }

            MonthlyUsage[] parts = byLine[line.Usage.Key.Line()].OrderBy(a => a.Account, StringComparer.Ordinal).ToArray();
            lines.AddRange(parts.Length == 0 ? [line with { Account = string.Empty }] : SplitLine(line, parts));
        }

        return report with
        {
            Lines = lines,
            ByAccount = true,
        };
    }

    private static IEnumerable<UsageLine> SplitLine(UsageLine line, MonthlyUsage[] parts)
    {
        MonthlyUsage u = line.Usage;
        decimal[] gpu = Hours(u.Seconds.Gpu, parts.Select(p => p.Seconds.Gpu));
        decimal[] active = Hours(u.Seconds.ActiveGpu, parts.Select(p => p.Seconds.ActiveGpu));
        decimal[] observed = Hours(u.Seconds.ObservedGpu, parts.Select(p => p.Seconds.ObservedGpu));
        decimal[] cpu = Hours(u.Seconds.CpuCore, parts.Select(p => p.Seconds.CpuCore));
        decimal[]? amounts = line.Amount is { } amount
            ? Allocate(amount, 2, parts.Select((_, i) => (gpu[i] * (line.GpuRate ?? 0)) + (cpu[i] * (line.CpuRate ?? 0))).ToArray())
            : null;
        for (int i = 0; i < parts.Length; i++)
        {
            // Seconds that report back as exactly the allocated hours.
            var usage = new MonthlyUsage(
                u.Month,
                u.Institution,
                u.GpuModel,
                parts[i].Account,
                parts[i].Jobs,
                new UsageSeconds(gpu[i] * 3600m, cpu[i] * 3600m, active[i] * 3600m, observed[i] * 3600m)
            );
            yield return line with
            {
                Usage = usage,
                Amount = amounts?[i],
                Account = parts[i].Account,
                AvgGpuUtilPct = UsageLine.UtilPct(parts[i].Seconds.ActiveGpu, parts[i].Seconds.ObservedGpu),
            };
        }
    }

    /// <summary>The line's reported hours divided among its parts in proportion to their exact seconds.</summary>
    private static decimal[] Hours(decimal lineSeconds, IEnumerable<decimal> partSeconds) =>
        Allocate(UsageLine.ReportedHours(lineSeconds), 4, partSeconds.ToArray());

    /// <summary>
    /// Divides <paramref name="total"/> (a multiple of 10^-<paramref name="decimals"/>) in proportion to non-negative
    /// <paramref name="weights"/> by the largest-remainder method: the parts are multiples of the same unit and add up to
    /// the total exactly. With no weight at all the first part takes everything.
    /// </summary>
    /// <summary>10^-<paramref name="decimals"/>, exactly.</summary>
    private static decimal Unit(int decimals)
    {
        decimal unit = 1m;
        for (int d = 0; d < decimals; d++)
        {
            unit /= 10m;
        }

        return unit;
    }

    /// <summary>The weights' sum; a negative weight is refused.</summary>
    private static decimal SumOf(IReadOnlyList<decimal> weights)
    {
        decimal sum = 0;
        foreach (decimal w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(w, nameof(weights));
            sum += w;
        }

        return sum;
    }

    public static decimal[] Allocate(decimal total, int decimals, IReadOnlyList<decimal> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        var parts = new decimal[weights.Count];
        if (parts.Length == 0)
        {
            return parts;
        }

        decimal unit = Unit(decimals);
        decimal units = total / unit;
        if (units != decimal.Truncate(units))
        {
            throw new ArgumentException($"{total} is not a multiple of {unit}.", nameof(total));
        }

        decimal weightSum = SumOf(weights);

        if (weightSum == 0)
        {
            parts[0] = total;
            return parts;
        }

        var whole = new decimal[parts.Length];
        var remainders = new decimal[parts.Length];
        decimal given = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            decimal ideal = units * weights[i] / weightSum;
            whole[i] = decimal.Floor(ideal);
            remainders[i] = ideal - whole[i];
            given += whole[i];
        }

        // Left over: between 0 and one unit per part (a negative total floors every part down as well).
        int[] order = Enumerable.Range(0, parts.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        decimal left = units - given;
        for (int k = 0; left > 0; k = (k + 1) % order.Length, left--)
        {
            whole[order[k]] += 1;
        }

        for (int k = order.Length - 1; left < 0; k = (k - 1 + order.Length) % order.Length, left++)
        {
            whole[order[k]] -= 1;
        }

        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = whole[i] * unit;
        }

        return parts;
    }
}
