namespace Metrics.Integration.Tests;

/// <summary>
/// Voucher ids are unique across institutions, on Azurite: two imports of one id for two institutions at once, by the
/// CLI, leave exactly one voucher, the other refused with one line; every later import and list still works.
/// </summary>
public sealed class VoucherIdsOnAzuriteTests() : MonthOnAzurite(new BillingMonth(2097, 5), "voucher-ids")
{
    private async Task<string> FileAsync(string name, string institution, decimal amount)
    {
        string path = Path.Combine(Dir, name);
        await File.WriteAllTextAsync(
            path,
            $$"""
            [{"id": "v-{{Run}}", "institution": "{{institution}}", "amount": {{amount}}, "currency": "CNY",
              "validFrom": "2097-05-01", "validTo": "2097-12-31", "maxShare": 1}]
            """
        );
        return path;
    }

    [Fact]
    public async Task OneIdForTwoInstitutionsAtOnce_ExactlyOneLands_AndLaterImportsStillWork()
    {
        string a = await FileAsync("a.json", $"inst-a-{Run}", 100m);
        string b = await FileAsync("b.json", $"inst-b-{Run}", 200m);

        (int Exit, string Out, string Error)[] both = await Task.WhenAll(
            Azurite.RunAsync(Time, null, "vouchers", "import", a),
            Azurite.RunAsync(Time, null, "vouchers", "import", b)
        );

        Assert.Single(both, r => r.Exit == 0);
        (int Exit, string Out, string Error) refused = Assert.Single(both, r => r.Exit != 0);
        Assert.Equal(1, refused.Exit);
        Assert.Contains($"voucher id v-{Run} is already used by another institution", refused.Error, StringComparison.Ordinal);
        string list = await Azurite.RunOkAsync(Time, "vouchers", "list");
        Assert.Single(list.Split('\n'), l => l.StartsWith($"v-{Run},", StringComparison.Ordinal));

        // The winner's import again is a no-op; the loser's is refused again; neither throws.
        string winner = both[0].Exit == 0 ? a : b;
        Assert.Equal("imported=0 unchanged=1\n", await Azurite.RunOkAsync(Time, "vouchers", "import", winner));
        Assert.Equal(1, (await Azurite.RunAsync(Time, null, "vouchers", "import", winner == a ? b : a)).Exit);
    }
}
