namespace Metrics.Core.Landing;

/// <summary>Schema-level metadata keys written into every landed Arrow file.</summary>
public static class SchemaMetadata
{
    /// <summary>The landed schema version, <c>gpu/v1</c> or <c>jobs/v1</c>.</summary>
    public const string SchemaKey = "metrics.schema";
}
