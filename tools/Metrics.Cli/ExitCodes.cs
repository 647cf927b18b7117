namespace Metrics.Cli;

/// <summary>Process exit codes of <c>metrics</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command failed (storage unreachable, unreadable file...); a one-line message says why.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; a one-line message says what.</summary>
    public const int Usage = 2;
}
