using System.CommandLine;
using Azure.Messaging.EventHubs.Producer;
using Metrics.Producer.Sending;
using Metrics.Producer.Spooling;

namespace Metrics.Producer.Hosting;

/// <summary>
/// How a producer sends, the same options for every producer: the Event Hubs connection (identity, or a connection
/// string from a file or the environment), the hub, the spool and its limit, <c>--dry-run</c> and <c>--once</c>.
/// </summary>
public sealed class SendingOptions
{
    public SendingOptions(string hub, string spoolDirectory, string spoolLimit, string dryRun, string once)
    {
        Hub = new("--hub") { Description = "Event hub name.", DefaultValueFactory = _ => hub };
        Spool = new("--spool-dir")
        {
            Description = "Directory of spool segments: events not yet sent.",
            DefaultValueFactory = _ => spoolDirectory,
        };
        SpoolMax = new("--spool-max-mb") { Description = $"Spool size limit in MiB ({spoolLimit}).", DefaultValueFactory = _ => 256 };
        SpoolMax.InRange(1, 1024 * 1024);
        DryRun = new("--dry-run") { Description = dryRun };
        Once = new("--once") { Description = once };
    }

    public Option<string?> ConnectionFile { get; } =
        new("--connection-string-file")
        {
            Description =
                $"File holding the Event Hubs connection string (or env {EventHubConnection.ConnectionStringVariable}). Never on the "
                + $"command line: ps and shell history would show it.",
        };

    public Option<string?> Namespace { get; } =
        new("--namespace") { Description = "Event Hubs namespace host, for DefaultAzureCredential (managed identity)." };

    public Option<string> Hub { get; }

    public Option<string> Spool { get; }

    public Option<int> SpoolMax { get; }

    public Option<bool> DryRun { get; }

    public Option<bool> Once { get; }

    public IEnumerable<Option> All => [ConnectionFile, Namespace, Hub, Spool, SpoolMax, DryRun, Once];

    /// <summary>
    /// The way to Event Hubs: the client, the spool (events an earlier run left are reported, and sent first) and the
    /// sender that empties it.
    /// </summary>
    /// <exception cref="ProducerSetupException">No connection was configured, or its file cannot be read.</exception>
    public async Task<SendingChannel> OpenAsync(
        ParseResult parsed,
        Func<string, string?> environment,
        string tool,
        Func<byte[], string> partitionKeyOf,
        TextWriter log,
        TimeProvider time
    )
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(log);
        string? connectionString = EventHubConnection.ReadConnectionString(parsed.GetValue(ConnectionFile), environment);
        EventHubProducerClient producer = EventHubConnection.CreateProducer(
            connectionString,
            parsed.GetValue(Namespace),
            parsed.GetValue(Hub)!
        );
        var spool = new EventSpool(parsed.GetValue(Spool)!, parsed.GetValue(SpoolMax) * 1024L * 1024L);
        if (spool.Count > 0)
        {
            await log.WriteLineAsync($"{tool}: {spool.Count} event(s) spooled in {spool.Directory} from an earlier run; sending them first")
                .ConfigureAwait(false);
        }

        return new SendingChannel(producer, spool, new EventSender(producer, spool, partitionKeyOf, tool, log, time));
    }
}
