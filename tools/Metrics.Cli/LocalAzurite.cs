using System.Diagnostics;
using System.Net.Sockets;

namespace Metrics.Cli;

/// <summary>
/// Makes sure a local Azurite answers for the demo: if nothing listens on 127.0.0.1:10000, it starts the pinned one with
/// tools/azurite/azurite.sh (which installs it from the lockfile first) and stops it again when disposed.
/// </summary>
internal sealed class LocalAzurite : IAsyncDisposable
{
    private readonly string? _script;
    private readonly Dictionary<string, string> _environment;

    private LocalAzurite(string? script, Dictionary<string, string> environment)
    {
        _script = script;
        _environment = environment;
    }

    public bool Started => _script is not null;

    public static async Task<LocalAzurite> EnsureAsync(
        string repoRoot,
        string dataDirectory,
        TextWriter log,
        CancellationToken cancellationToken
    )
    {
        if (
            await ListensAsync(10000, cancellationToken).ConfigureAwait(false)
            && await ListensAsync(10002, cancellationToken).ConfigureAwait(false)
        )
        {
            await log.WriteLineAsync("demo: using the Azurite already listening on 127.0.0.1:10000").ConfigureAwait(false);
            return new LocalAzurite(null, []);
        }

        string script = Path.Combine(repoRoot, "tools", "azurite", "azurite.sh");
        var environment = new Dictionary<string, string> { ["AZURITE_LOCATION"] = dataDirectory };
        await log.WriteLineAsync("demo: starting the pinned Azurite (tools/azurite/azurite.sh start)").ConfigureAwait(false);
        (int exit, string output) = await RunAsync(script, "start", environment, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new CliFailure($"could not start Azurite: {output.Trim().Replace('\n', ' ')}");
        }

        return new LocalAzurite(script, environment);
    }

    public async ValueTask DisposeAsync()
    {
        if (_script is not null)
        {
            await RunAsync(_script, "stop", _environment, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The repository root: the folder above the current directory (or the tool's build output) holding Metrics.sln.</summary>
    public static string FindRepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (
                    File.Exists(Path.Combine(dir.FullName, "Metrics.sln"))
                    && File.Exists(Path.Combine(dir.FullName, "tools", "azurite", "azurite.sh"))
                )
                {
                    return dir.FullName;
                }
            }
        }

        throw new CliFailure(
            "run the demo from the repository (Metrics.sln and tools/azurite/azurite.sh not found above the current directory)"
        );
    }

    private static async Task<bool> ListensAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(
        string script,
        string verb,
        Dictionary<string, string> environment,
        CancellationToken cancellationToken
    )
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start) ?? throw new CliFailure("could not run bash to start Azurite");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
