using Metrics.Producer.Hosting;
using Metrics.Slurm;

using var stop = new StopSignals();
return await SlurmCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token);
