using Apache.Arrow;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Metrics.Core.Lake;

/// <summary>
/// How the lake writes Parquet: Apache Arrow's C++ writer (ParquetSharp) fed the Arrow record batches as they are, so
/// column names and types are the landed schema's (timestamps stay microsecond UTC instants, dictionary strings become
/// dictionary-encoded strings), ZSTD pages, row groups of <see cref="RowsPerRowGroup"/> rows with min/max statistics on
/// every column, and the Arrow schema stored in the footer (its <c>schema</c> tag included) for Arrow readers.
/// </summary>
public static class LakeParquet
{
    /// <summary>Rows per row group: DuckDB's own default size, small enough that min/max prune a GPU or an hour's part.</summary>
    public const int RowsPerRowGroup = 122_880;

    /// <summary>ZSTD level: written once per hour, read by every query.</summary>
    public const int CompressionLevel = 6;

    /// <summary>A writer of <paramref name="schema"/> into <paramref name="output"/>, which it leaves open.</summary>
    public static FileWriter Create(Stream output, Schema schema)
    {
        using WriterProperties properties = new WriterPropertiesBuilder()
            .Compression(Compression.Zstd)
            .CompressionLevel(CompressionLevel)
            .EnableStatistics()
            .MaxRowGroupLength(RowsPerRowGroup)
            .CreatedBy("metrics lake (ParquetSharp)")
            .Build();
        using ArrowWriterProperties arrow = new ArrowWriterPropertiesBuilder().StoreSchema().Build();
        return new FileWriter(output, schema, properties, arrow, leaveOpen: true);
    }
}
