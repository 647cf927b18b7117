using Metrics.Agent;
using Metrics.Producer.Hosting;

using var stop = new StopSignals();
return await AgentCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token);
