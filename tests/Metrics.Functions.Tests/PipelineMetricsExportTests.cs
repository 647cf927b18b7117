using Metrics.Core.Observability;
using Metrics.Core.Operations;
using Metrics.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Metrics.Functions.Tests;

/// <summary>
/// The app's composition exports the pipeline's meter: a reader added after <c>AddMetrics</c> (as Application Insights'
/// exporter is, when its connection string is set) receives what the pipeline records.
/// </summary>
public sealed class PipelineMetricsExportTests
{
    private static IConfiguration Configuration(string? appInsights, string? authentication) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["MetricsStorage"] = "UseDevelopmentStorage=true",
                    [MetricsServices.ApplicationInsightsConnection] = appInsights,
                    [MetricsServices.ApplicationInsightsAuthentication] = authentication,
                }
            )
            .Build();

    [Theory]
    [InlineData(null, null)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/", null)]
    [InlineData(
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        "Authorization=AAD;ClientId=11111111-1111-1111-1111-111111111111"
    )]
    public void AddMetrics_ExportsThePipelineMeter_WithOrWithoutApplicationInsights(string? appInsights, string? authentication)
    {
        var exported = new List<Metric>();
        var services = new ServiceCollection();
        services.AddMetrics(Configuration(appInsights, authentication));
        services.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(exported));
        using ServiceProvider provider = services.BuildServiceProvider();
        MeterProvider meters = provider.GetRequiredService<MeterProvider>();

        PipelineMetrics.Shared.RollupFinished(new RollupResult(0, 0, 3, 1, 0), TimeSpan.FromSeconds(2));
        meters.ForceFlush();

        Assert.Contains(exported, m => m.Name == "metrics.rollup.hours" && m.MeterName == PipelineMetrics.MeterName);
        Assert.Contains(exported, m => m.Name == "metrics.rollup.duration" && m.Unit == "s");
    }
}
