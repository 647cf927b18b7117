using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Metrics.Integration.Tests;

/// <summary>A container that does not exist lists as empty; one that does lists its blobs.</summary>
public sealed class BlobListingOnAzuriteTests
{
    private readonly AzuriteStore _azurite = new();

    private readonly string _name = "listing-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task ListOrNone_MissingContainer_IsEmpty_AndAnExistingOneListsUnderThePrefix()
    {
        BlobContainerClient container = _azurite.Clients.Blobs.GetBlobContainerClient(_name);
        Assert.Empty(await container.ListOrNoneAsync(new GetBlobsOptions(), CancellationToken.None).ToListAsync());

        await container.CreateAsync();
        try
        {
            await container.UploadBlobAsync("a/1.txt", BinaryData.FromString("1"));
            await container.UploadBlobAsync("b/2.txt", BinaryData.FromString("2"));

            Assert.Equal(
                ["a/1.txt"],
                (await container.ListOrNoneAsync(new GetBlobsOptions { Prefix = "a/" }, CancellationToken.None).ToListAsync()).Select(b =>
                    b.Name
                )
            );
        }
        finally
        {
            await container.DeleteAsync();
        }
    }
}
