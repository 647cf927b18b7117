using Metrics.Core.Work;

namespace Metrics.Core.Rollup;

/// <summary>
/// A queued rollup unit that writes a billing day or month again: its mark's key and the lease generation of the run
/// that planned it, which fences its write. On the queue it is a <see cref="WorkUnit"/> of kind <c>day</c> or
/// <c>month</c> whose key is <c>{key}@{generation}</c>, e.g. <c>2026-11-27@42</c>.
/// </summary>
public sealed record PeriodUnit(MarkKind Kind, string Key, long Generation)
{
    public static WorkUnit Of(MarkKind kind, string key, long generation) =>
        new(kind, string.Create(CultureInfo.InvariantCulture, $"{key}@{generation}"));

    /// <summary>The unit a queued message names; <see cref="FormatException"/> if it names no day or month.</summary>
    public static PeriodUnit Parse(WorkUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        int at = unit.Key.LastIndexOf('@');
        return
            unit.Kind is MarkKind.Day or MarkKind.Month
            && at > 0
            && long.TryParse(unit.Key.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long generation)
            ? new PeriodUnit(unit.Kind, unit.Key[..at], generation)
            : throw new FormatException($"'{unit}' is not a day or month unit (day yyyy-MM-dd@generation, month yyyy-MM@generation)");
    }
}
