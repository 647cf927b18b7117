namespace Metrics.Storage;

/// <summary>The table service with <see cref="StorageSettings.NamePrefix"/> put before every table name it hands out.</summary>
internal sealed class PrefixedTableServiceClient : TableServiceClient
{
    private readonly string _prefix;

    public PrefixedTableServiceClient(string prefix, string connectionString, TableClientOptions options)
        : base(connectionString, options) => _prefix = prefix;

    public PrefixedTableServiceClient(string prefix, Uri serviceUri, TokenCredential credential, TableClientOptions options)
        : base(serviceUri, credential, options) => _prefix = prefix;

    public override TableClient GetTableClient(string tableName) => base.GetTableClient(_prefix + tableName);
}
