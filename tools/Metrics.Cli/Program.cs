using Metrics.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await MetricsCli.RunAsync(args, CliContext.FromProcess(), cancellation.Token);
