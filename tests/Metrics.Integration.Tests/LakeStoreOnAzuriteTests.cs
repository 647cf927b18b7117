using Metrics.Core.Lake;

namespace Metrics.Integration.Tests;

/// <summary>
/// <see cref="BlobLakeStore"/> on Azurite: a lake file is replaced only by a later generation, a write that fails leaves
/// the previous file as it was, and of two writers racing on one file the later commit never undoes a later generation.
/// </summary>
public sealed class LakeStoreOnAzuriteTests
{
    private readonly AzuriteStore _azurite = new();

    private BlobLakeStore Store => new(_azurite.Clients.Blobs);

    private static Func<Stream, CancellationToken, Task> Bytes(byte value, int count) =>
        async (output, token) =>
        {
            byte[] chunk = new byte[64 * 1024];
            Array.Fill(chunk, value);
            for (int written = 0; written < count; written += chunk.Length)
            {
                await output.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, count - written)), token);
            }
        };

    private async Task<(byte First, long Length)> ReadAsync(string path)
    {
        using var copy = new MemoryStream();
        await using (Stream content = await Store.OpenAsync(path, CancellationToken.None))
        {
            await content.CopyToAsync(copy);
        }

        return (copy.GetBuffer()[0], copy.Length);
    }

    [Fact]
    public async Task File_IsReplacedOnlyByALaterGeneration()
    {
        const string path = "gpu/date=2026-09-30/hour=12/gpu-2026-09-30T12.parquet";
        Assert.True(await Store.WriteAsync(path, 2, Bytes(2, 100), CancellationToken.None));
        Assert.False(await Store.WriteAsync(path, 1, Bytes(1, 100), CancellationToken.None));
        Assert.False(await Store.WriteAsync(path, 2, Bytes(9, 100), CancellationToken.None));
        Assert.Equal(((byte)2, 100L), await ReadAsync(path));
        Assert.True(await Store.WriteAsync(path, 3, Bytes(3, 200), CancellationToken.None));
        Assert.Equal(((byte)3, 200L), await ReadAsync(path));
        Assert.Equal(3, await Store.GenerationAsync(path, CancellationToken.None));
        Assert.Equal([new LakeFile(path, 200, 3)], await Store.ListAsync("gpu/", CancellationToken.None));
    }

    [Fact]
    public async Task WriteThatFailsAfterStagingBlocks_LeavesThePreviousFile_OrNone()
    {
        const string path = "usage/month=2026-09/usage-2026-09.parquet";
        const string fresh = "usage/month=2026-10/usage-2026-10.parquet";
        Assert.True(await Store.WriteAsync(path, 1, Bytes(1, 1000), CancellationToken.None));
        Func<Stream, CancellationToken, Task> failing = async (output, token) =>
        {
            // 20 MiB: two blocks staged before the failure.
            await Bytes(7, 20 * 1024 * 1024)(output, token);
            throw new InvalidDataException("the writer failed part-way");
        };

        await Assert.ThrowsAsync<InvalidDataException>(() => Store.WriteAsync(path, 2, failing, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.WriteAsync(fresh, 2, failing, CancellationToken.None));
        Assert.Equal(((byte)1, 1000L), await ReadAsync(path));
        Assert.Equal(1, await Store.GenerationAsync(path, CancellationToken.None));
        Assert.Null(await Store.GenerationAsync(fresh, CancellationToken.None));
    }

    [Theory]
    [InlineData(5, 5, false)]
    [InlineData(6, 5, false)]
    [InlineData(4, 5, true)]
    public async Task TwoWritersRacing_TheLaterGenerationStands(long other, long mine, bool conflict)
    {
        string path = $"jobs/date=2026-09-30/hour=12/jobs-landed-race-{other}-{mine}.parquet";
        // The other writer commits while this one is writing: after this one read the file's state, before its commit.
        Func<Stream, CancellationToken, Task> racing = async (output, token) =>
        {
            Assert.True(await Store.WriteAsync(path, other, Bytes(1, 100), token));
            await Bytes(2, 100)(output, token);
        };

        if (conflict)
        {
            // A lower generation got in first: this write must not pretend to be done; its caller (a compaction unit) retries.
            await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(path, mine, racing, CancellationToken.None));
            Assert.True(await Store.WriteAsync(path, mine, Bytes(2, 100), CancellationToken.None));
        }
        else
        {
            Assert.False(await Store.WriteAsync(path, mine, racing, CancellationToken.None));
        }

        Assert.Equal(Math.Max(other, mine), await Store.GenerationAsync(path, CancellationToken.None));
        Assert.Equal(other >= mine ? (byte)1 : (byte)2, (await ReadAsync(path)).First);
    }
}
