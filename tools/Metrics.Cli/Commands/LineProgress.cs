namespace Metrics.Cli.Commands;

/// <summary>
/// Writes each unit as it completes, at once (not via <see cref="Progress{T}"/>, which posts to the thread pool), with
/// the seconds since the run started: where a slow rollup or compaction spends its time.
/// </summary>
/// <param name="writer">Where the lines go.</param>
/// <param name="prefix">Before each: <c>done: </c> where only completions are told; none where the message says.</param>
internal sealed class LineProgress(TextWriter writer, string prefix = "done: ") : IProgress<string>
{
    private readonly System.Diagnostics.Stopwatch _elapsed = System.Diagnostics.Stopwatch.StartNew();

    public void Report(string value)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix}{value} at {_elapsed.Elapsed.TotalSeconds:0.0} s"));
        writer.Flush();
    }
}
