using Metrics.Core.Allocations;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics allocations import FILE</c>: grants of GPU-hours or money to an institution or account for a period.</summary>
internal static class AllocationsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description =
                "Allocation JSON: [{id, institution, account (optional), unit (gpu-hours or a currency), amount, from, to}, ...].",
        };
        file.AcceptExistingOnly();
        var import = new Command(
            "import",
            "Add allocations; one already imported with the same terms is left as it is, with other terms refused."
        )
        {
            file,
        };
        import.SetAction(
            (result, cancellationToken) =>
                CliImport.RunAsync(
                    context,
                    result.GetValue(file)!,
                    "allocations.import",
                    "allocation",
                    b => AllocationFile.Parse(b),
                    (allocations, ct) => new TableAllocationStore(context.CreateStorage().Tables).ImportAsync(allocations, ct),
                    cancellationToken
                )
        );

        return new Command("allocations", "Allocations: GPU-hours or a budget granted to an institution or account for a period.")
        {
            import,
        };
    }
}
