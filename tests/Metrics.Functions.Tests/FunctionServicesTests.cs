using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests;

/// <summary>
/// Every class that declares a function can be built from the app's services as the worker builds it, so a missing
/// registration fails here rather than at the first trigger in Azure; and the rollup timer gets the lake's publisher.
/// </summary>
public sealed class FunctionServicesTests
{
    private static ServiceProvider Services()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MetricsStorage"] = "UseDevelopmentStorage=true" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddMetrics(configuration);
        return services.BuildServiceProvider();
    }

    public static TheoryData<string> FunctionClasses() =>
        [
            .. typeof(MetricsServices)
                .Assembly.GetTypes()
                .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
                .Select(t => t.FullName!)
                .Order(StringComparer.Ordinal),
        ];

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void FunctionClass_IsBuiltFromTheAppsServices(string typeName)
    {
        using ServiceProvider services = Services();
        Type type = typeof(MetricsServices).Assembly.GetType(typeName)!;
        Assert.NotNull(ActivatorUtilities.CreateInstance(services, type));
    }

    [Fact]
    public void UsageLakePublisher_IsRegistered_SoTheRollupTimerPublishes()
    {
        using ServiceProvider services = Services();
        Assert.NotNull(services.GetService<UsageLakePublisher>());
    }
}
