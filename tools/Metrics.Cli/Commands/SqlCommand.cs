using System.Data.Common;
using System.Text;
using DuckDB.NET.Data;
using Spectre.Console;

namespace Metrics.Cli.Commands;

/// <summary>
/// <c>metrics sql "SELECT ..." [--lake DIR] [--format table|csv]</c>: DuckDB, in process, over a folder
/// <c>metrics lake pull</c> filled, with views <c>gpu</c>, <c>jobs</c> and <c>usage</c> over its Parquet (the Hive
/// folders' <c>date</c>, <c>hour</c> and <c>month</c> as columns). Prints a table, or CSV for other tools.
/// </summary>
internal static class SqlCommand
{
    public static Command Create(CliContext context)
    {
        var query = new Argument<string>("query") { Description = "The SQL to run (views gpu, jobs, usage; docs/lake.md)." };
        var lake = new Option<DirectoryInfo>("--lake")
        {
            Description = "The folder metrics lake pull wrote.",
            DefaultValueFactory = _ => new DirectoryInfo("lake"),
        };
        var format = new Option<string>("--format") { Description = "table or csv.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv");
        var command = new Command("sql", "Run SQL (DuckDB) over a pulled lake: views gpu, jobs and usage.") { query, lake, format };
        command.SetAction((result, cancellationToken) => RunAsync(context, result, query, lake, format, cancellationToken));
        return command;
    }

    /// <summary>The view statements over <paramref name="root"/>: one per folder that holds Parquet.</summary>
    public static IEnumerable<string> Views(string root)
    {
        // A job event resent after its first copy was received lands in another hour, so an event hour's folder can hold
        // it twice (in two files): the view keeps its first landed copy, as billing counts it once.
        foreach (
            (string view, string glob, string distinct) in new[]
            {
                ("gpu", "gpu/*/*/*.parquet", ""),
                (
                    "jobs",
                    "jobs/*/*/*.parquet",
                    " QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY eh_enqueued, eh_partition, eh_sequence) = 1"
                ),
                ("usage", "usage/*/*.parquet", ""),
            }
        )
        {
            string folder = Path.Combine(root, view);
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Any())
            {
                string path = Path.Combine(root, glob).Replace("'", "''", StringComparison.Ordinal);
                yield return $"CREATE VIEW {view} AS SELECT * FROM read_parquet('{path}', hive_partitioning = true){distinct}";
            }
        }
    }

    private static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Argument<string> query,
        Option<DirectoryInfo> lake,
        Option<string> format,
        CancellationToken cancellationToken
    )
    {
        DirectoryInfo root = result.GetValue(lake)!;
        if (!root.Exists)
        {
            throw new CliFailure($"no lake at {root.FullName}: run metrics lake pull --from HOUR --to HOUR --out {root.Name} first");
        }

        using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using DbCommand command = connection.CreateCommand();
        foreach (string view in Views(root.FullName))
        {
            command.CommandText = view;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        command.CommandText = result.GetValue(query);
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException ex)
        {
            throw new CliFailure($"the query failed: {ex.Message}");
        }

        await using (reader.ConfigureAwait(false))
        {
            string[] columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var rows = new List<string[]>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Cell(reader.GetValue(i))).ToArray());
            }

            await WriteAsync(context, columns, rows, result.GetValue(format) == "csv").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static async Task WriteAsync(CliContext context, string[] columns, List<string[]> rows, bool csv)
    {
        if (csv)
        {
            var text = new StringBuilder();
            foreach (string[] row in rows.Prepend(columns))
            {
                text.AppendJoin(',', row.Select(UsageCsvWriter.Cell)).Append("\r\n");
            }

            await context.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
            return;
        }

        var table = new Table().AddColumns(columns.Select(c => new TableColumn(Markup.Escape(c))).ToArray());
        foreach (string[] row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out) }).Write(table);
        await context.Error.WriteLineAsync($"{rows.Count} row(s)").ConfigureAwait(false);
    }

    /// <summary>A value as text: invariant numbers, instants in ISO 8601 UTC, null as empty.</summary>
    private static string Cell(object? value) =>
        value switch
        {
            null or DBNull => string.Empty,
            DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
}
