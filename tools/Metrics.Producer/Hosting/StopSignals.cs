using System.Runtime.InteropServices;

namespace Metrics.Producer.Hosting;

/// <summary>
/// Stops a producer on SIGTERM (how systemd and Slurm's node health scripts stop a service), SIGINT (Ctrl-C) and
/// SIGQUIT alike: the token is cancelled instead of the process being killed, so the producer finishes its current
/// tick, leaves its spool and state consistent and exits 0.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals()
    {
        _registrations =
        [
            .. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(signal =>
                PosixSignalRegistration.Create(
                    signal,
                    context =>
                    {
                        // Handled here: the runtime's default would end the process before the spool is closed.
                        context.Cancel = true;
                        _stop.Cancel();
                    }
                )
            ),
        ];
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
