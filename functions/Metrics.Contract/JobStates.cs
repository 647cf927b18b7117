namespace Metrics.Contract;

/// <summary>Wire names of <see cref="JobState"/> values, as in the contract and in landed Arrow files.</summary>
public static class JobStates
{
    public static string Name(this JobState state) =>
        state switch
        {
            JobState.Started => "started",
            JobState.Running => "running",
            JobState.Ended => "ended",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown job state."),
        };

    public static bool TryParse(string? name, out JobState state)
    {
        switch (name)
        {
            case "started":
                state = JobState.Started;
                return true;
            case "running":
                state = JobState.Running;
                return true;
            case "ended":
                state = JobState.Ended;
                return true;
            default:
                state = default;
                return false;
        }
    }
}
