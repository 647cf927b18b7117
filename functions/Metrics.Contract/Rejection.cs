namespace Metrics.Contract;

/// <summary>Why one event was refused: a stable <see cref="Reason"/> plus a human-readable <see cref="Detail"/> naming the field.</summary>
public sealed record Rejection(RejectReason Reason, string Detail)
{
    public override string ToString() => $"{Reason.Code()}: {Detail}";
}
