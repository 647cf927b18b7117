namespace Metrics.Storage;

/// <summary>
/// How the rollup lock's blob lease is held. <see cref="Default"/> is what runs; tests shorten it (the service allows
/// 15 to 60 s leases) to see a blocked renewal end in <see cref="Metrics.Core.Work.IWorkLease.Lost"/> within seconds.
/// </summary>
/// <param name="Duration">Lease length asked of the service.</param>
/// <param name="RenewEvery">Time between renewals while they succeed.</param>
/// <param name="RenewTimeout">Longest one renewal may take before it counts as failed.</param>
/// <param name="RetryEvery">Time between renewal attempts after a failure.</param>
/// <param name="SafetyMargin">How long before the lease could expire the holder is told it lost it.</param>
public sealed record LeaseTimings(TimeSpan Duration, TimeSpan RenewEvery, TimeSpan RenewTimeout, TimeSpan RetryEvery, TimeSpan SafetyMargin)
{
    public static LeaseTimings Default { get; } =
        new(
            Duration: TimeSpan.FromSeconds(60),
            RenewEvery: TimeSpan.FromSeconds(15),
            RenewTimeout: TimeSpan.FromSeconds(5),
            RetryEvery: TimeSpan.FromSeconds(3),
            SafetyMargin: TimeSpan.FromSeconds(10)
        );
}
