using BenchmarkDotNet.Running;

// "paired": the hot paths' ratios against their limits in alternating rounds (PairedRatios); anything else goes to BenchmarkDotNet.
if (args is ["paired", .. var rest])
{
    return await Metrics.Benchmarks.PairedRatios.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Metrics.Benchmarks.IngestBenchmarks).Assembly).Run(args);
return 0;
