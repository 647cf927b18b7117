namespace Metrics.Core.Tests.Scan;

public sealed class CandidateArraysTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(64, 64)]
    [InlineData(65, 128)]
    [InlineData(361, 384)]
    [InlineData(8193, 8256)]
    public void SizeFor_PowersOfTwoUpTo64_ThenMultiplesOf64(int length, int size) =>
        Assert.Equal(size, CandidateArrays<long>.SizeFor(length));

    [Fact]
    public void Rent_ServesItsOwnClassOnly_AndReusesWhatWasReturned()
    {
        var pool = new CandidateArrays<long>();
        long[] big = pool.Rent(384);
        pool.Return(big);

        // A smaller request never gets the bigger array (a list's room must stay what was asked for); the same class does.
        Assert.Equal(320, pool.Rent(300).Length);
        Assert.Same(big, pool.Rent(361));
    }

    [Fact]
    public void Return_KeepsAtMostTheCap_AndNothingOutsideTheClasses()
    {
        var pool = new CandidateArrays<long>();
        var kept = new List<long[]>();
        for (long n = 0; n < (CandidateArrays<long>.MaxKeptElements / 8192) + 1; n++)
        {
            kept.Add(pool.Rent(8192));
        }

        kept.ForEach(pool.Return);
        pool.Return(new long[100]); // not a class size: dropped

        int reused = kept.Count(_ => kept.Contains(pool.Rent(8192)));
        Assert.Equal(CandidateArrays<long>.MaxKeptElements / 8192, reused);
        Assert.Equal(128, pool.Rent(100).Length);
    }
}
