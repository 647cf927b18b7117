namespace Metrics.Storage;

/// <summary>
/// How to reach the data storage account. Either a connection string (Azurite, local runs) or, in Azure, service URIs
/// with a managed identity: no keys in configuration.
/// </summary>
public sealed record StorageSettings
{
    /// <summary>The environment variable checked first by tools; the Functions app reads the same name from configuration.</summary>
    public const string ConnectionName = "MetricsStorage";

    /// <summary>Fallback name: the Functions host's own storage, which is Azurite in local development.</summary>
    public const string HostConnectionName = "AzureWebJobsStorage";

    public const string DevelopmentConnectionString = "UseDevelopmentStorage=true";

    /// <summary>The environment variable of <see cref="NamePrefix"/> (tools only).</summary>
    public const string NamePrefixName = "MetricsStoragePrefix";

    /// <summary>
    /// Put before every table and container name (lower-case letters and digits, a letter first, at most 16), so that
    /// several users of one account never see each other's data: what lets the integration tests run in parallel on
    /// one Azurite, each with its own prefix. Empty (the names of docs/billing.md) unless set.
    /// </summary>
    public string NamePrefix
    {
        get => _namePrefix;
        init => _namePrefix = ValidPrefix(value);
    }

    private readonly string _namePrefix = string.Empty;

    public string? ConnectionString { get; init; }

    public Uri? BlobServiceUri { get; init; }

    public Uri? TableServiceUri { get; init; }

    /// <summary>The queue endpoint; when null, the blob endpoint's account with <c>.queue.</c> for <c>.blob.</c>.</summary>
    public Uri? QueueServiceUri { get; init; }

    /// <summary>Client id of a user-assigned managed identity; null for the system identity or a developer login.</summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// SDK retries per request. The Functions app keeps the SDK default; the CLI lowers it so an unreachable
    /// Azurite fails in seconds with a clear message rather than after a minute of back-off.
    /// </summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Where these settings point, for messages: the account endpoint, never a key.</summary>
    public string Describe() =>
        ConnectionString is { } cs
            ? (
                cs.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                    ? "Azurite (UseDevelopmentStorage=true, http://127.0.0.1:10000)"
                    : DescribeConnectionString(cs)
            )
            : BlobServiceUri?.ToString() ?? "(no storage configured)";

    /// <summary>
    /// Resolves settings the way tools do: <c>MetricsStorage</c> (a connection string), else identity-based
    /// <c>MetricsStorage__blobServiceUri</c> + <c>MetricsStorage__tableServiceUri</c> (DefaultAzureCredential, e.g. after
    /// <c>az login</c>: Azure accounts here have shared keys disabled), else <c>AzureWebJobsStorage</c>, else Azurite.
    /// </summary>
    public static StorageSettings FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        StorageSettings settings = Resolve(getVariable) ?? new StorageSettings { ConnectionString = DevelopmentConnectionString };
        return NonEmpty(getVariable(NamePrefixName)) is { } prefix ? settings with { NamePrefix = prefix } : settings;
    }

    /// <summary>
    /// The one resolution of the data storage settings, for the function app (from its configuration) and the tools
    /// (from the environment): <c>MetricsStorage</c> (a connection string), else identity-based
    /// <c>MetricsStorage__blobServiceUri</c> + <c>__tableServiceUri</c> (+ <c>__clientId</c>), else
    /// <c>AzureWebJobsStorage</c>; null when none is set. <paramref name="getVariable"/> is asked for names in their
    /// environment form (<c>__</c> between section and key).
    /// </summary>
    public static StorageSettings? Resolve(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (NonEmpty(getVariable(ConnectionName)) is { } connectionString)
        {
            return new StorageSettings { ConnectionString = connectionString };
        }

        if (
            NonEmpty(getVariable($"{ConnectionName}__blobServiceUri")) is { } blob
            && NonEmpty(getVariable($"{ConnectionName}__tableServiceUri")) is { } table
        )
        {
            return new StorageSettings
            {
                BlobServiceUri = new Uri(blob),
                TableServiceUri = new Uri(table),
                QueueServiceUri = NonEmpty(getVariable($"{ConnectionName}__queueServiceUri")) is { } queue ? new Uri(queue) : null,
                ClientId = NonEmpty(getVariable($"{ConnectionName}__clientId")),
            };
        }

        return NonEmpty(getVariable(HostConnectionName)) is { } host ? new StorageSettings { ConnectionString = host } : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ValidPrefix(string? prefix)
    {
        prefix ??= string.Empty;
        if (
            prefix.Length > 16
            || (
                prefix.Length > 0
                && !(char.IsAsciiLetterLower(prefix[0]) && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            )
        )
        {
            throw new ArgumentException(
                $"{NamePrefixName} must be at most 16 lower-case letters and digits, a letter first (table and container names allow no "
                    + $"more), got '{prefix}'.",
                nameof(prefix)
            );
        }

        return prefix;
    }

    private static string DescribeConnectionString(string connectionString)
    {
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (
                part.StartsWith("BlobEndpoint=", StringComparison.OrdinalIgnoreCase)
                || part.StartsWith("AccountName=", StringComparison.OrdinalIgnoreCase)
            )
            {
                return part;
            }
        }

        return "(connection string)";
    }
}
