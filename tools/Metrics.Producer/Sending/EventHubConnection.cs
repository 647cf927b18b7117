using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;

namespace Metrics.Producer.Sending;

/// <summary>
/// How a producer reaches Event Hubs: with managed identity (<c>--namespace</c>, DefaultAzureCredential), or with a
/// connection string read from a file or the environment, never from the command line, where <c>ps</c> and shell
/// history would show it.
/// </summary>
public static class EventHubConnection
{
    public const string ConnectionStringVariable = "EVENTHUB_CONNECTION_STRING";

    /// <summary>The connection string from <paramref name="file"/> or the environment; null when neither has one.</summary>
    /// <exception cref="ProducerSetupException">The file cannot be read.</exception>
    public static string? ReadConnectionString(string? file, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (file is null)
        {
            return environment(ConnectionStringVariable);
        }

        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProducerSetupException($"--connection-string-file {file}: {ex.Message}", ex);
        }
    }

    /// <summary>A client for <paramref name="hub"/>, by connection string when there is one, else by identity.</summary>
    /// <exception cref="ProducerSetupException">Neither a connection string nor a namespace was given.</exception>
    public static EventHubProducerClient CreateProducer(string? connectionString, string? fullyQualifiedNamespace, string hub)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new EventHubProducerClient(connectionString, hub);
        }

        if (!string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            return new EventHubProducerClient(fullyQualifiedNamespace, hub, new DefaultAzureCredential());
        }

        throw new ProducerSetupException(
            $"no Event Hubs connection: set {ConnectionStringVariable}, pass --connection-string-file or --namespace, or use --dry-run"
        );
    }

    /// <summary>
    /// The refusal of <c>--connection-string</c>, or null when <paramref name="args"/> do not try it: a secret on the command
    /// line is visible to every user in <c>ps</c> and stays in shell history.
    /// </summary>
    public static string? RefuseSecretOnCommandLine(IEnumerable<string> args) =>
        args.Any(a => a == "--connection-string" || a.StartsWith("--connection-string=", StringComparison.Ordinal))
            ? "--connection-string is not accepted: a secret on the command line is visible to every user in ps and stays in shell "
                + $"history; set {ConnectionStringVariable} or pass --connection-string-file"
            : null;
}
