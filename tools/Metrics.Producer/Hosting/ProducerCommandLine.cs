using System.CommandLine;
using Metrics.Cli;
using Metrics.Producer.Sending;

namespace Metrics.Producer.Hosting;

/// <summary>
/// A producer's command line, the same for every producer: <c>--connection-string</c> refused (exit 2), a parse error
/// one line (exit 2), <c>--help</c>, a setup failure one line without a stack trace (exit 1), and Ctrl-C a clean stop
/// (exit 0). Exit codes are those of the <c>metrics</c> CLI (<see cref="ExitCodes"/>).
/// </summary>
public static class ProducerCommandLine
{
    /// <param name="tool">The producer's name, which starts each line it logs.</param>
    /// <param name="root">Its command, with every option.</param>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where <c>--help</c> goes.</param>
    /// <param name="log">Where failures go.</param>
    /// <param name="run">The producer itself; false when it could not do its work.</param>
    /// <param name="isSetupFailure">Exceptions of the producer's own that mean it cannot start as configured.</param>
    /// <param name="cancellationToken">Stops the producer.</param>
    public static async Task<int> RunAsync(
        string tool,
        RootCommand root,
        string[] args,
        TextWriter output,
        TextWriter log,
        Func<ParseResult, Task<bool>> run,
        Func<Exception, bool> isSetupFailure,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(isSetupFailure);
        if (EventHubConnection.RefuseSecretOnCommandLine(args) is { } refusal)
        {
            await log.WriteLineAsync($"{tool}: {refusal}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await log.WriteLineAsync($"{tool}: {string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")))}")
                .ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (parsed.Action is not null && parsed.CommandResult.Command == root && args.Any(a => a is "--help" or "-h" or "-?"))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output }, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await run(parsed).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (Exception failure) when (failure is ProducerSetupException || isSetupFailure(failure))
        {
            await log.WriteLineAsync($"{tool}: {failure.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
    }
}
