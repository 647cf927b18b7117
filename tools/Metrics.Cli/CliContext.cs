using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Cli;

/// <summary>What a command needs from the outside world, passed in so tests can run the CLI in-process.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<string, string?> GetEnvironmentVariable, TimeProvider TimeProvider)
{
    /// <summary>True when a person watches stderr: progress bars are drawn only then.</summary>
    public bool Interactive { get; init; }

    /// <summary>Where ingest and the rollup record their metrics: the app's meter, or this run's for <c>--metrics console</c>.</summary>
    public global::Metrics.Core.Observability.PipelineMetrics Metrics { get; init; } =
        global::Metrics.Core.Observability.PipelineMetrics.Shared;

    public static CliContext FromProcess() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System)
        {
            Interactive = !Console.IsErrorRedirected,
        };

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr when interactive, silently otherwise.</summary>
    public Task<T> WithProgressAsync<T>(string description, Func<IProgress<double>?, Task<T>> work) =>
        Interactive ? ProgressBars.RunAsync(description, work) : work(null);

    /// <summary>
    /// Storage from <c>MetricsStorage</c>, else <c>AzureWebJobsStorage</c>, else Azurite; few retries, so an unreachable store fails fast.
    /// </summary>
    public StorageClients CreateStorage() => new(StorageSettings.FromEnvironment(GetEnvironmentVariable) with { MaxRetries = 2 });

    /// <summary>
    /// Ingest limits from <c>IngestMaxEventAgeDays</c> and <c>IngestMaxJobAgeDays</c> (the functions' settings), with the
    /// maximum event age lifted for a backfill.
    /// </summary>
    public IngestLimits CreateIngestLimits(bool backfill)
    {
        try
        {
            IngestLimits limits = IngestLimits.FromSettings(
                GetEnvironmentVariable(IngestLimits.MaxEventAgeDaysSetting),
                GetEnvironmentVariable(IngestLimits.MaxJobAgeDaysSetting),
                GetEnvironmentVariable(IngestLimits.AllowedClustersSetting)
            );
            return backfill ? limits.ForBackfill() : limits;
        }
        catch (InvalidOperationException ex)
        {
            throw new CliFailure(ex.Message, ex);
        }
    }

    /// <summary>The billing calendar from <c>BillingTimeZone</c> (default Asia/Shanghai); a bad zone is a one-line failure.</summary>
    public BillingCalendar CreateCalendar()
    {
        try
        {
            return BillingCalendar.Create(GetEnvironmentVariable(BillingSettings.TimeZoneVariable));
        }
        catch (ArgumentException ex)
        {
            throw new CliFailure(ex.Message, ex);
        }
    }
}
