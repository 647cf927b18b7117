using Azure.Storage.Blobs;
using Metrics.Cli;

namespace Metrics.Integration.Tests;

/// <summary>
/// A test's own corner of the one Azurite every integration test talks to (<c>MetricsStorage</c> if set, else the
/// development account): every table and container name of the product gets a prefix of its own
/// (<see cref="StorageSettings.NamePrefix"/>), so tests run in parallel without seeing each other's marks, locks, months
/// or files. Each test class makes one per test (a field). If Azurite does not answer, tests fail with instructions
/// rather than silently skipping.
/// </summary>
public sealed class AzuriteStore
{
    private static readonly StorageSettings s_base = StorageSettings.FromEnvironment(Environment.GetEnvironmentVariable) with
    {
        MaxRetries = 1,
    };

    private static readonly Lazy<bool> s_reachable = new(CheckReachable);

    private readonly Lazy<StorageClients> _clients;

    public AzuriteStore()
    {
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        Settings = s_base with { NamePrefix = Prefix };
        _clients = new Lazy<StorageClients>(() =>
            s_reachable.Value ? new StorageClients(Settings) : throw new InvalidOperationException("unreachable")
        );
    }

    /// <summary>Put before this test's table and container names.</summary>
    public string Prefix { get; }

    public StorageSettings Settings { get; }

    public StorageClients Clients => _clients.Value;

    public string ConnectionString => Settings.ConnectionString!;

    /// <summary>The environment a tool run for this test sees: this store's account and prefix.</summary>
    public string? Variable(string name) =>
        name switch
        {
            StorageSettings.ConnectionName => ConnectionString,
            StorageSettings.NamePrefixName => Prefix,
            _ => null,
        };

    /// <summary>
    /// Runs the <c>metrics</c> CLI in-process on this store (or on <paramref name="storage"/>), with a chosen clock, capturing both
    /// outputs.
    /// </summary>
    public async Task<(int Exit, string Out, string Error)> RunAsync(TimeProvider time, string? storage, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(
            output,
            error,
            name => name == StorageSettings.ConnectionName && storage is not null ? storage : Variable(name),
            time
        );
        int exit = await MetricsCli.RunAsync(args, context);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The same, with more environment variables than the store's own (the CLI reads the app's settings there).</summary>
    public async Task<(int Exit, string Out, string Error)> RunWithEnvironmentAsync(
        TimeProvider time,
        IReadOnlyDictionary<string, string> environment,
        params string[] args
    )
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(
            output,
            error,
            name => environment.TryGetValue(name, out string? value) ? value : Variable(name),
            time
        );
        int exit = await MetricsCli.RunAsync(args, context);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Starts the CLI as a process of its own on this store (<c>dotnet exec metrics.dll ...</c>, its output redirected):
    /// for tests that kill it, or that need its worker processes.
    /// </summary>
    public System.Diagnostics.Process StartProcess(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "metrics.dll") }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[StorageSettings.ConnectionName] = ConnectionString;
        start.Environment[StorageSettings.NamePrefixName] = Prefix;
        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>Runs a command that must succeed and returns its standard output.</summary>
    public async Task<string> RunOkAsync(TimeProvider time, params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(time, null, args);
        Assert.True(exit == 0, $"metrics {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    /// <summary>Every blob (name, ETag) in one of this store's containers, or an empty map if it does not exist yet.</summary>
    public async Task<Dictionary<string, string>> ListAsync(string container, string prefix = "")
    {
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        BlobContainerClient client = Clients.Blobs.GetBlobContainerClient(container);
        if (!await client.ExistsAsync())
        {
            return blobs;
        }

        await foreach (
            Azure.Storage.Blobs.Models.BlobItem item in client.GetBlobsAsync(
                new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }
            )
        )
        {
            blobs[item.Name] = item.Properties.ETag!.Value.ToString();
        }

        return blobs;
    }

    /// <summary>
    /// Frees the rollup lock held by a holder that cannot release it (a killed process, a dead proxy): what the
    /// lease's expiry does in production within 60 s, at once.
    /// </summary>
    public async Task BreakRollupLeaseAsync() =>
        await Azure
            .Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(
                Clients.Blobs.GetBlobContainerClient(BlobWorkLock.Container).GetBlobClient(BlobWorkLock.BlobName)
            )
            .BreakAsync(TimeSpan.Zero);

    public async Task<BinaryData> DownloadAsync(string container, string name) =>
        (await Clients.Blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content;

    private static bool CheckReachable()
    {
        var clients = new StorageClients(s_base);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            clients.Blobs.GetPropertiesAsync(timeout.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Azurite is not reachable at {s_base.Describe()}: run the tests with tools/test.sh, or start it with "
                    + $"tools/azurite/azurite.sh start. ({ex.Message})",
                ex
            );
        }
    }
}
