using Azure.Monitor.OpenTelemetry.Exporter;
using Metrics.Contract;
using Metrics.Core.Ledger;
using Metrics.Core.Validation;
using Metrics.Functions.Access;
using Metrics.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Metrics.Functions;

/// <summary>Composition of the app's services: one call from Program.cs.</summary>
public static class MetricsServices
{
    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        StorageSettings settings = ReadStorageSettings(configuration);
        services.AddSingleton(TimeProvider.System);
        AddPipelineMetrics(services, configuration);
        services.AddSingleton(new StorageClients(settings));

        // Read at start-up too: a bad value stops the app instead of dead-lettering good events. The functions never
        // lift the maximum event age; only metrics ingest --backfill does.
        IngestLimits limits = IngestLimits.FromSettings(
            configuration[IngestLimits.MaxEventAgeDaysSetting],
            configuration[IngestLimits.MaxJobAgeDaysSetting],
            configuration[IngestLimits.AllowedClustersSetting]
        );
        services.AddSingleton(sp =>
            IngestStorage.CreatePipeline(sp.GetRequiredService<StorageClients>(), limits, sp.GetRequiredService<TimeProvider>())
        );

        // Created here, at start-up, so a bad BillingTimeZone stops the app before it bills anything.
        BillingCalendar calendar = BillingCalendar.Create(configuration[BillingSettings.TimeZoneVariable]);
        services.AddSingleton(calendar);
        // The timer plans and writes hours; the units between run on RollupHourShard, on as many instances as there are.
        services.AddSingleton(sp =>
            BillingStorage.CreateRollup(
                sp.GetRequiredService<StorageClients>(),
                calendar,
                sp.GetRequiredService<TimeProvider>(),
                drain: null
            )
        );
        services.AddSingleton(sp =>
            BillingStorage.CreateQueuedHours(sp.GetRequiredService<StorageClients>(), calendar, sp.GetRequiredService<TimeProvider>())
        );
        services.AddSingleton(sp => BillingStorage.CreateQuery(sp.GetRequiredService<StorageClients>(), calendar));
        services.AddSingleton(sp =>
            BillingStorage.CreateUsageLakePublisher(
                sp.GetRequiredService<StorageClients>(),
                calendar,
                sp.GetRequiredService<TimeProvider>()
            )
        );
        services.AddSingleton(sp =>
            BillingStorage.CreateStatementQuery(sp.GetRequiredService<StorageClients>(), calendar, sp.GetRequiredService<TimeProvider>())
        );
        services.AddSingleton(sp => new Metrics.Statements.StatementPages(
            sp.GetRequiredService<StatementQuery>(),
            sp.GetRequiredService<Metrics.Core.Allocations.AllocationStandings>(),
            calendar
        ));

        AddTimedWork(services, configuration, calendar);

        // Who may call what: one gate for every HTTP function, trusting the caller only behind the platform's sign-in.
        services.AddSingleton(AccessSettings.FromSettings(name => configuration[name]));
        services.AddSingleton<AccessGate>();
        AddFinance(services, calendar);
        return services;
    }

    /// <summary>
    /// Compaction, the month close and the status, with their grace periods read at start-up too: a bad value stops the
    /// app rather than compacting hours or closing months too early.
    /// </summary>
    /// <summary>Vouchers, allocations and their imports, and the audit trail every finance change is recorded on.</summary>
    private static void AddFinance(IServiceCollection services, BillingCalendar calendar)
    {
        services.AddSingleton<IVoucherStore>(sp => new TableVoucherStore(sp.GetRequiredService<StorageClients>().Tables));
        services.AddSingleton<IAuditLog>(sp => new BlobAuditLog(sp.GetRequiredService<StorageClients>().Blobs));
        services.AddSingleton<Billing.FinanceImport>();
        services.AddSingleton<Metrics.Core.Allocations.IAllocationStore>(sp => new TableAllocationStore(
            sp.GetRequiredService<StorageClients>().Tables
        ));
        services.AddSingleton(sp =>
            BillingStorage.CreateAllocationStandings(
                sp.GetRequiredService<StorageClients>(),
                calendar,
                sp.GetRequiredService<TimeProvider>()
            )
        );
        services.AddSingleton(sp =>
            BillingStorage.CreateAllocationWatch(sp.GetRequiredService<StorageClients>(), calendar, sp.GetRequiredService<TimeProvider>())
        );
        services.AddSingleton(sp => new VoucherLedger(
            sp.GetRequiredService<IVoucherStore>(),
            new BlobStatementStore(sp.GetRequiredService<StorageClients>().Blobs),
            calendar
        ));
    }

    private static void AddTimedWork(IServiceCollection services, IConfiguration configuration, BillingCalendar calendar)
    {
        // Read at start-up too: a bad grace period stops the app rather than compacting hours too early.
        TimeSpan grace = CompactionSettings.GraceFromSetting(configuration[CompactionSettings.GraceMinutesSetting]);
        services.AddSingleton(sp =>
            CompactionStorage.Create(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<TimeProvider>(), grace)
        );
        services.AddSingleton<IWorkQueue>(sp => CompactionStorage.Queue(sp.GetRequiredService<StorageClients>()));
        services.AddSingleton(sp =>
            CompactionStorage.Runner(sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<TimeProvider>())
        );

        // Likewise: a bad grace period stops the app rather than closing months too early.
        TimeSpan closeGrace = MonthCloseSettings.GraceFromSetting(configuration[MonthCloseSettings.GraceDaysSetting]);
        services.AddSingleton(sp =>
            BillingStorage.CreateMonthClose(
                sp.GetRequiredService<StorageClients>(),
                calendar,
                sp.GetRequiredService<TimeProvider>(),
                closeGrace
            )
        );
        services.AddSingleton(sp =>
            BillingStorage.CreateStatusQuery(
                sp.GetRequiredService<StorageClients>(),
                calendar,
                sp.GetRequiredService<TimeProvider>(),
                closeGrace
            )
        );
    }

    /// <summary>
    /// <c>MetricsStorage</c> as a connection string (Azurite), or identity-based as
    /// <c>MetricsStorage__blobServiceUri</c>, <c>__tableServiceUri</c>, <c>__clientId</c> (Azure); else the host's
    /// <c>AzureWebJobsStorage</c> connection string: <see cref="StorageSettings.Resolve"/>, the tools' resolution, over
    /// the app's configuration (where <c>__</c> is a section separator, <c>:</c>).
    /// </summary>
    public static StorageSettings ReadStorageSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return StorageSettings.Resolve(name => configuration[name.Replace("__", ":", StringComparison.Ordinal)])
            ?? throw new InvalidOperationException(
                $"No data storage configured: set {StorageSettings.ConnectionName} (connection string) or "
                    + $"{StorageSettings.ConnectionName}__blobServiceUri and __tableServiceUri."
            );
    }

    /// <summary>Application Insights' connection string, which Azure sets on the Function App (infra/modules/functionapp.bicep).</summary>
    public const string ApplicationInsightsConnection = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// <c>Authorization=AAD;ClientId=...</c> when the resource refuses keys: the exporter then signs in as that identity.
    /// </summary>
    public const string ApplicationInsightsAuthentication = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// The pipeline's meter (<see cref="Metrics.Core.Observability.PipelineMetrics"/>) exported to Application Insights when the app has
    /// its connection string; without one (local runs, tests) the meter is still collected and simply not sent.
    /// </summary>
    private static void AddPipelineMetrics(IServiceCollection services, IConfiguration configuration)
    {
        string? connection = configuration[ApplicationInsightsConnection];
        string? clientId = (configuration[ApplicationInsightsAuthentication] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv[1])
            .FirstOrDefault();
        services
            .AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Metrics.Core.Observability.PipelineMetrics.MeterName);
                if (!string.IsNullOrWhiteSpace(connection))
                {
                    metrics.AddAzureMonitorMetricExporter(o =>
                    {
                        o.ConnectionString = connection;
                        if (clientId is not null)
                        {
                            o.Credential = new Azure.Identity.ManagedIdentityCredential(
                                Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId)
                            );
                        }
                    });
                }
            });
    }
}
