using Metrics.Contract;
using Metrics.Core.Validation;

namespace Metrics.Core.Catalogue;

/// <summary>
/// Reads and writes the catalogue's JSON: <c>{"models": [{"id": "H100-SXM5-80GB", "aliases": ["NVIDIA H100 80GB HBM3",
/// "h100"]}]}</c> (a bare array of models is accepted on import too). Every id and alias follows the contract's GPU
/// model pattern, so whatever a producer may send can be named here. Bounded like every finance input; any mistake
/// refuses the whole file, naming the entry.
/// </summary>
public static class GpuModelCatalogueFile
{
    /// <summary>A catalogue file above this many bytes is refused unread.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Far more GPU models than any centre runs, however many MIG profiles each has.</summary>
    public const int MaxModels = 1000;

    public const int MaxAliasesPerModel = 64;

    private static readonly JsonWriterOptions s_indented = new() { Indented = true };

    public static IReadOnlyList<GpuModel> Parse(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxFileBytes)
        {
            throw new FormatException($"GPU model catalogue is {json.Length} bytes; at most {MaxFileBytes} are accepted");
        }

        using JsonDocument document = ImportJson.Parse(json, "GPU model catalogue");
        JsonElement root = document.RootElement;
        JsonElement list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("models", out JsonElement inner) ? inner : root;
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("GPU model catalogue must be an object with a \"models\" array, or a JSON array of models");
        }

        if (list.GetArrayLength() > MaxModels)
        {
            throw new FormatException($"GPU model catalogue has {list.GetArrayLength()} models; at most {MaxModels} are accepted");
        }

        var models = new List<GpuModel>();
        int i = 0;
        foreach (JsonElement element in list.EnumerateArray())
        {
            models.Add(Read(element, $"models[{i++}]"));
        }

        if (models.GroupBy(m => m.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new FormatException($"GPU model catalogue has model '{twice.Key}' twice");
        }

        // Throws, naming the name, when one name would mean two models.
        _ = new GpuModelCatalogue(models);
        return models;
    }

    /// <summary>The catalogue as <c>metrics models list</c> prints it: the import format, models and aliases in a stable order.</summary>
    public static string Format(GpuModelCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_indented))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("models");
            foreach (GpuModel model in catalogue.Models)
            {
                writer.WriteStartObject();
                writer.WriteString("id", model.Id);
                writer.WriteStartArray("aliases");
                foreach (string alias in model.Aliases)
                {
                    writer.WriteStringValue(alias);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static GpuModel Read(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must be an object");
        }

        string id = Name(element.TryGetProperty("id", out JsonElement idValue) ? idValue : default, $"{path}.id");
        var aliases = new List<string>();
        if (element.TryGetProperty("aliases", out JsonElement list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{path}.aliases must be an array of names");
            }

            if (list.GetArrayLength() > MaxAliasesPerModel)
            {
                throw new FormatException($"{path}.aliases has {list.GetArrayLength()} names; at most {MaxAliasesPerModel} are accepted");
            }

            int j = 0;
            foreach (JsonElement alias in list.EnumerateArray())
            {
                string name = Name(alias, $"{path}.aliases[{j++}]");
                if (string.Equals(name, id, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"{path}.aliases repeats the model's own id '{id}'");
                }

                if (aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new FormatException($"{path}.aliases has '{name}' twice");
                }

                aliases.Add(name);
            }
        }

        return new GpuModel(id, aliases);
    }

    private static string Name(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{path} must be a string");
        }

        string name = value.GetString()!;
        return ContractPatterns.GpuModel().IsMatch(name)
            ? name
            : throw new FormatException(
                $"{path} '{EchoedText.Cut(name, 80)}' is not a GPU model name (1-64 of letters, digits, space and ._()+-, starting with a "
                    + $"letter or digit)"
            );
    }
}
