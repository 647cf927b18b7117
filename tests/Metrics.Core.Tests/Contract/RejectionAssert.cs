namespace Metrics.Core.Tests.Contract;

/// <summary>One assertion for every rejection test: the event is refused for this reason, and the detail names the field.</summary>
internal static class RejectionAssert
{
    public static void Rejected<T>(DecodeResult<T> result, RejectReason reason, string detailFragment)
        where T : class
    {
        Assert.False(result.IsValid, "the event should have been rejected");
        Assert.Equal(reason, result.Rejection!.Reason);
        Assert.Contains(detailFragment, result.Rejection.Detail, StringComparison.Ordinal);
    }
}
