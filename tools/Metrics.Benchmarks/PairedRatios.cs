using System.Diagnostics;
using System.Globalization;

namespace Metrics.Benchmarks;

/// <summary>
/// The hot paths' ratios against their limits (docs/scale.md), measured the way a noisy machine allows
/// (<c>dotnet run -c Release -- paired</c>). BenchmarkDotNet
/// runs every iteration of one method before the next method's, so a slow spell of this VM (it lasts minutes and adds
/// a third to everything) falls on one side of a ratio: the same code measured 2.9x to 4.7x its baseline in ShortRun.
/// Here the baseline and the subject alternate in short rounds (baseline, subject, subject, baseline, so that a drift
/// within a round cancels), each round's ratio compares work done within a second, and the median over the rounds is
/// reported with its spread. The methods measured are the BenchmarkDotNet classes' own, on the same inputs.
/// </summary>
internal static class PairedRatios
{
    private static readonly TimeSpan s_slice = TimeSpan.FromMilliseconds(100);

    /// <summary>Prints one line per ratio; exits 1 if any misses its limit.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        var ingest = new IngestBenchmarks { Events = 1000 };
        ingest.Setup();
        var landed = new RollupScanBenchmarks { Partitions = 2, Layout = "landed" };
        await landed.Setup();
        var compacted = new RollupScanBenchmarks { Partitions = 2, Layout = "compacted" };
        await compacted.Setup();

        Pair[] pairs =
        [
            new("IngestToArrow / BareUtf8JsonReader", () => ingest.BareUtf8JsonReader(), () => ingest.IngestToArrow(), AtMost: 4.0),
            new(
                "DecodeAndValidate / BareUtf8JsonReader",
                () => ingest.BareUtf8JsonReader(),
                () => ingest.DecodeAndValidate(),
                AtMost: null
            ),
            // The naive landing's limit is a speed-up, so its ratio is the naive landing's time over the product's.
            new(
                "NaiveJsonSerializerGzip / IngestToArrow",
                () => ingest.IngestToArrow(),
                () => ingest.NaiveJsonSerializerGzip(),
                AtLeast: 1.5
            ),
            new(
                "ObservedHourAndLines / BareArrowSumUtil, landed",
                () => landed.BareArrowSumUtil(),
                () => landed.ObservedHourAndLines(),
                AtMost: 3.0
            ),
            new(
                "ObservedHourAndLines / BareArrowSumUtil, compacted",
                () => compacted.BareArrowSumUtil(),
                () => compacted.ObservedHourAndLines(),
                AtMost: 3.0
            ),
            // Informational: whether the lake's Parquet could replace the compacted Arrow as billing's input.
            new(
                "ParquetSumUtil / BareArrowSumUtil, compacted",
                () => compacted.BareArrowSumUtil(),
                () => compacted.ParquetSumUtil(),
                AtMost: null
            ),
        ];

        bool allMet = true;
        foreach (Pair pair in pairs)
        {
            allMet &= Report(pair, await MeasureAsync(pair, rounds), rounds);
        }

        return allMet ? 0 : 1;
    }

    /// <summary>Prints a pair's ratios (median, p10, p90, extremes) and whether the median meets the pair's limit.</summary>
    private static bool Report(Pair pair, double[] ratios, int rounds)
    {
        Array.Sort(ratios);
        double median = Percentile(ratios, 0.5);
        bool met = (pair.AtMost is not { } most || median <= most) && (pair.AtLeast is not { } least || median >= least);
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string limit =
            pair.AtMost is { } max ? string.Create(invariant, $"limit<={max:0.0} {(met ? "met" : "NOT MET")}")
            : pair.AtLeast is { } min ? string.Create(invariant, $"limit>={min:0.0} {(met ? "met" : "NOT MET")}")
            : "no limit";
        Console.WriteLine(
            string.Create(
                invariant,
                $"paired: {pair.Name}: median={median:0.00}x p10={Percentile(ratios, 0.1):0.00}x "
                    + $"p90={Percentile(ratios, 0.9):0.00}x min={ratios[0]:0.00}x max={ratios[^1]:0.00}x rounds={rounds} {limit}"
            )
        );
        return met;
    }

    /// <summary>The subject's time over the baseline's, once per round, after a second of warm-up for each.</summary>
    private static async Task<double[]> MeasureAsync(Pair pair, int rounds)
    {
        await TimePerOperationAsync(pair.Baseline, TimeSpan.FromSeconds(1));
        await TimePerOperationAsync(pair.Subject, TimeSpan.FromSeconds(1));
        var ratios = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            double baseline = await TimePerOperationAsync(pair.Baseline, s_slice);
            double subject = await TimePerOperationAsync(pair.Subject, s_slice);
            subject += await TimePerOperationAsync(pair.Subject, s_slice);
            baseline += await TimePerOperationAsync(pair.Baseline, s_slice);
            ratios[round] = subject / baseline;
        }

        return ratios;
    }

    /// <summary>Seconds per call of <paramref name="operation"/>, calling it for at least <paramref name="slice"/>.</summary>
    private static async Task<double> TimePerOperationAsync(Func<object> operation, TimeSpan slice)
    {
        long started = Stopwatch.GetTimestamp();
        int calls = 0;
        TimeSpan elapsed;
        do
        {
            object result = operation();
            if (result is Task task)
            {
                await task;
            }

            calls++;
            elapsed = Stopwatch.GetElapsedTime(started);
        } while (elapsed < slice);

        return elapsed.TotalSeconds / calls;
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Round(p * (sorted.Length - 1))];

    private sealed record Pair(string Name, Func<object> Baseline, Func<object> Subject, double? AtMost = null, double? AtLeast = null);
}
