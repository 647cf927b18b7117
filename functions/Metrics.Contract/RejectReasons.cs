namespace Metrics.Contract;

/// <summary>Stable wire codes for <see cref="RejectReason"/>.</summary>
public static class RejectReasons
{
    public static string Code(this RejectReason reason) =>
        reason switch
        {
            RejectReason.BodyTooLarge => "body-too-large",
            RejectReason.NotUtf8 => "not-utf8",
            RejectReason.MalformedJson => "malformed-json",
            RejectReason.SchemaMismatch => "schema-mismatch",
            RejectReason.MissingField => "missing-field",
            RejectReason.WrongType => "wrong-type",
            RejectReason.OutOfRange => "out-of-range",
            RejectReason.InvalidId => "invalid-id",
            RejectReason.InvalidTimestamp => "invalid-timestamp",
            RejectReason.TimestampInFuture => "timestamp-in-future",
            RejectReason.Inconsistent => "inconsistent",
            RejectReason.TimestampTooOld => "timestamp-too-old",
            RejectReason.InternalError => "internal-error",
            RejectReason.UnknownCluster => "unknown-cluster",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown reject reason."),
        };
}
