using System.Text.Json;
using System.Text.RegularExpressions;

namespace Metrics.Infra.Tests;

/// <summary>A compiled ARM template, with its modules (nested deployments) flattened for assertions.</summary>
internal sealed partial class ArmTemplate
{
    public ArmTemplate(JsonElement root) => Root = root;

    private static readonly Lazy<ArmTemplate> s_main = new(() =>
    {
        (int exit, string output, string error) = BicepCli.Run(
            "build",
            Metrics.Tests.Shared.RepoPaths.Combine("infra", "main.bicep"),
            "--stdout"
        );
        Assert.True(exit == 0, error);
        return new ArmTemplate(JsonDocument.Parse(output).RootElement);
    });

    /// <summary>infra/main.bicep, compiled once for every test that reads it.</summary>
    public static ArmTemplate Main => s_main.Value;

    public JsonElement Root { get; }

    /// <summary>Every resource, with the module (nested deployment) it is declared in; "main" for the top level.</summary>
    public IEnumerable<(string Module, JsonElement Template, JsonElement Resource)> Resources() => Walk("main", Root);

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources().Where(r => r.Resource.GetProperty("type").GetString() == type && !IsExisting(r.Resource)).Select(r => r.Resource);

    /// <summary>The template of a module (nested deployment) by its deployment name.</summary>
    public JsonElement Module(string name) =>
        Resources()
            .Single(r =>
                r.Resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && r.Resource.GetProperty("name").GetString() == name
            )
            .Resource.GetProperty("properties")
            .GetProperty("template");

    /// <summary>Resolves <c>[variables('x')]</c> against the template's variables; other strings come back as they are.</summary>
    public static string Resolve(JsonElement template, string expression)
    {
        Match match = VariableReference().Match(expression);
        return
            match.Success
            && template.TryGetProperty("variables", out JsonElement variables)
            && variables.TryGetProperty(match.Groups[1].Value, out JsonElement value)
            ? value.ToString()
            : expression;
    }

    private static bool IsExisting(JsonElement resource) =>
        resource.TryGetProperty("existing", out JsonElement existing) && existing.GetBoolean();

    private static IEnumerable<(string, JsonElement, JsonElement)> Walk(string module, JsonElement template)
    {
        if (!template.TryGetProperty("resources", out JsonElement resources))
        {
            yield break;
        }

        IEnumerable<JsonElement> items =
            resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        foreach (JsonElement resource in items)
        {
            yield return (module, template, resource);
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
            {
                string name = resource.GetProperty("name").GetString()!;
                foreach (var nested in Walk(name, resource.GetProperty("properties").GetProperty("template")))
                {
                    yield return nested;
                }
            }
        }
    }

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();
}
