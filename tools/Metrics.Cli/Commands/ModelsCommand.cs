using Metrics.Core.Catalogue;

namespace Metrics.Cli.Commands;

/// <summary><c>metrics models import FILE</c> and <c>metrics models list</c>: the GPU-model catalogue.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "GPU model catalogue JSON (see tools/samples/gpu-models.json)." };
        file.AcceptExistingOnly();
        var import = new Command(
            "import",
            "Add GPU models and their aliases (nvidia-smi names, gres types, MIG profiles); a model imported again has its aliases "
                + "replaced."
        )
        {
            file,
        };
        import.SetAction((result, cancellationToken) => ImportAsync(context, result, file, cancellationToken));

        var list = new Command("list", "Print the catalogue as JSON, in the format import reads.");
        list.SetAction((result, cancellationToken) => ListAsync(context, result, cancellationToken));

        return new Command(
            "models",
            "The GPU-model catalogue: one canonical id per model (the rate card's) and every name it is reported by."
        )
        {
            import,
            list,
        };
    }

    private static async Task<int> ImportAsync(
        CliContext context,
        ParseResult result,
        Argument<FileInfo> file,
        CancellationToken cancellationToken
    )
    {
        FileInfo path = result.GetValue(file)!;
        if (path.Length > GpuModelCatalogueFile.MaxFileBytes)
        {
            throw new CliFailure($"{path.Name}: {path.Length} bytes; a catalogue holds at most {GpuModelCatalogueFile.MaxFileBytes}");
        }

        IReadOnlyList<GpuModel> models = await ImportFile
            .ParseAsync(path, b => GpuModelCatalogueFile.Parse(b), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await new BlobGpuModelStore(context.CreateStorage().Blobs).ImportAsync(models, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new CliFailure($"{path.Name}: {ex.Message} (with the catalogue already stored)", ex);
        }

        await context
            .Out.WriteLineAsync(
                string.Create(CultureInfo.InvariantCulture, $"imported={models.Count} aliases={models.Sum(m => m.Aliases.Count)}")
            )
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ListAsync(CliContext context, ParseResult result, CancellationToken cancellationToken)
    {
        GpuModelCatalogue catalogue = await new BlobGpuModelStore(context.CreateStorage().Blobs)
            .ReadAsync(cancellationToken)
            .ConfigureAwait(false);
        await context.Out.WriteLineAsync(GpuModelCatalogueFile.Format(catalogue)).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
