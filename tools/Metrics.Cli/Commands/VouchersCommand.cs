using Metrics.Core.Ledger;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics vouchers import FILE</c> and <c>metrics vouchers list [--institution ID]</c>.</summary>
internal static class VouchersCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "Voucher JSON: [{id, institution, amount, currency, validFrom, validTo, maxShare}, ...].",
        };
        file.AcceptExistingOnly();
        var import = new Command(
            "import",
            "Add compute vouchers; one already imported with the same terms is left as it is, with other terms refused."
        )
        {
            file,
        };
        import.SetAction((result, cancellationToken) => ImportAsync(context, result, file, cancellationToken));

        var institution = new Option<string?>("--institution") { Description = "Only this institution's vouchers." };
        var list = new Command("list", "Vouchers with what closed months have drawn on them and what is left.") { institution };
        list.SetAction((result, cancellationToken) => ListAsync(context, result, institution, cancellationToken));

        return new Command("vouchers", "Compute vouchers: government credits that pay part of an institution's monthly charges.")
        {
            import,
            list,
        };
    }

    private static Task<int> ImportAsync(
        CliContext context,
        ParseResult result,
        Argument<FileInfo> file,
        CancellationToken cancellationToken
    ) =>
        CliImport.RunAsync(
            context,
            result.GetValue(file)!,
            "vouchers.import",
            "voucher",
            b => VoucherFile.Parse(b),
            (vouchers, ct) => new TableVoucherStore(context.CreateStorage().Tables).ImportAsync(vouchers, ct),
            cancellationToken
        );

    private static async Task<int> ListAsync(
        CliContext context,
        ParseResult result,
        Option<string?> institution,
        CancellationToken cancellationToken
    )
    {
        StorageClients storage = context.CreateStorage();
        var ledger = new VoucherLedger(
            new TableVoucherStore(storage.Tables),
            new BlobStatementStore(storage.Blobs),
            context.CreateCalendar()
        );
        IReadOnlyList<VoucherBalance> balances = await ledger
            .BalancesAsync(result.GetValue(institution), context.TimeProvider.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        await context
            .Out.WriteLineAsync("id,institution,currency,amount,used,balance,valid_from,valid_to,max_share,status")
            .ConfigureAwait(false);
        foreach (VoucherBalance b in balances)
        {
            Voucher v = b.Voucher;
            await context
                .Out.WriteLineAsync(
                    string.Join(
                        ',',
                        v.Id,
                        v.Institution,
                        v.Currency,
                        v.Amount.ToString("F2", CultureInfo.InvariantCulture),
                        b.Used.ToString("F2", CultureInfo.InvariantCulture),
                        b.Balance.ToString("F2", CultureInfo.InvariantCulture),
                        v.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        v.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        v.MaxShare.ToString(CultureInfo.InvariantCulture),
                        b.Status
                    )
                )
                .ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
