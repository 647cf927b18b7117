using BenchmarkDotNet.Running;

// "paired": issue 9's ratios in alternating rounds (PairedRatios); anything else goes to BenchmarkDotNet.
if (args is ["paired", .. var rest])
{
    return await Metrics.Benchmarks.PairedRatios.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Metrics.Benchmarks.IngestBenchmarks).Assembly).Run(args);
return 0;
