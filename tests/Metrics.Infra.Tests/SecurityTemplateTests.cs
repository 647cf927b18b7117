using System.Text.Json;
using Metrics.Core.Access;
using Metrics.Functions.Billing;
using Metrics.Tests.Shared;

namespace Metrics.Infra.Tests;

/// <summary>
/// Who may reach what, in the compiled ARM of infra/main.bicep: App Service authentication with Entra ID in front of
/// every route but the export one, each producer sending to its one hub, and no identity that both sends and receives.
/// </summary>
public sealed class SecurityTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    // Azure's built-in role ids.
    private const string DataSender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    private const string DataReceiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";

    [Fact]
    public void AuthSettings_RequireEntraSignIn_ForEveryPathButTheExportRoute()
    {
        (string _, JsonElement template, JsonElement auth) = Assert.Single(
            Main.Resources(),
            r => r.Resource.GetProperty("type").GetString() == "Microsoft.Web/sites/config"
        );
        Assert.EndsWith("'authsettingsV2')]", auth.GetProperty("name").GetString(), StringComparison.Ordinal);
        JsonElement properties = auth.GetProperty("properties");
        Assert.True(properties.GetProperty("platform").GetProperty("enabled").GetBoolean());

        JsonElement validation = properties.GetProperty("globalValidation");
        Assert.True(validation.GetProperty("requireAuthentication").GetBoolean());
        Assert.Contains(validation.GetProperty("unauthenticatedClientAction").GetString(), new[] { "Return401", "RedirectToLoginPage" });
        JsonElement excluded = JsonDocument.Parse(template.GetProperty("variables").GetProperty("keyOnlyPaths").GetRawText()).RootElement;
        Assert.Equal("[variables('keyOnlyPaths')]", validation.GetProperty("excludedPaths").GetString());
        Assert.Equal([ExportUsage.Path], excluded.EnumerateArray().Select(p => p.GetString()));

        JsonElement entra = properties.GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(entra.GetProperty("enabled").GetBoolean());
        JsonElement registration = entra.GetProperty("registration");
        Assert.Equal("[parameters('apiClientId')]", registration.GetProperty("clientId").GetString());
        Assert.Contains("v2.0", registration.GetProperty("openIdIssuer").GetString(), StringComparison.Ordinal);

        // No secret anywhere: App Service authentication signs in as the app's managed identity (a federated credential).
        Assert.Equal("OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID", registration.GetProperty("clientSecretSettingName").GetString());
        Assert.False(registration.TryGetProperty("clientSecretCertificateThumbprint", out _));
    }

    [Fact]
    public void MainTemplate_RefusesToDeployWithoutTheAppRegistration()
    {
        string guard = Main.Root.GetProperty("variables").GetProperty("signInClientId").GetString()!;

        Assert.StartsWith("[if(empty(parameters('apiClientId')), fail(", guard, StringComparison.Ordinal);
    }

    [Fact]
    public void Senders_EachOnOneHub_NodesOnGpuTelemetry_SchedulersOnJobEvents_AndNoIdentityBothSendsAndReceives()
    {
        var assignments = Main.Resources()
            .Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Select(r =>
                (
                    Module: r.Module,
                    Role: ArmTemplate.Resolve(r.Template, RoleVariable(r.Resource)),
                    Scope: r.Resource.GetProperty("scope").GetString()!,
                    Principal: r.Resource.GetProperty("properties").GetProperty("principalId").GetString()!
                )
            )
            .ToArray();

        var senders = assignments.Where(a => a.Role == DataSender).ToArray();
        Assert.Equal(2, senders.Length);
        Assert.All(
            senders,
            s => Assert.StartsWith("[resourceId('Microsoft.EventHub/namespaces/eventhubs', ", s.Scope, StringComparison.Ordinal)
        );
        Assert.Single(
            senders,
            s =>
                s.Scope.EndsWith("parameters('gpuTelemetryHubName'))]", StringComparison.Ordinal)
                && s.Principal == "[variables('gpuSenders')[copyIndex()]]"
        );
        Assert.Single(
            senders,
            s =>
                s.Scope.EndsWith("parameters('jobEventsHubName'))]", StringComparison.Ordinal)
                && s.Principal == "[variables('jobSenders')[copyIndex()]]"
        );

        // The app's identity receives only: its assignments are all in the rbac module, none of them a sender's.
        var receivers = assignments.Where(a => a.Role == DataReceiver).ToArray();
        Assert.NotEmpty(receivers);
        Assert.All(receivers, r => Assert.Equal(("rbac", "[parameters('principalId')]"), (r.Module, r.Principal)));
        Assert.DoesNotContain(assignments, a => a.Module == "rbac" && a.Role == DataSender);

        // And the sender lists are checked at deployment: not the app's identity, not both hubs.
        JsonElement producers = Main.Module("producer-rbac");
        string separation = producers.GetProperty("variables").GetProperty("separation").GetString()!;
        Assert.Contains("fail(format('An identity may send to one hub only", separation, StringComparison.Ordinal);
        Assert.Contains(
            "contains(union(variables('gpuSenders'), variables('jobSenders')), parameters('appPrincipalId'))",
            separation,
            StringComparison.Ordinal
        );
        JsonElement wiring = Main.Resources()
            .Single(r =>
                r.Resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && r.Resource.GetProperty("name").GetString() == "producer-rbac"
            )
            .Resource.GetProperty("properties")
            .GetProperty("parameters");
        Assert.Contains(
            "outputs.principalId.value",
            wiring.GetProperty("appPrincipalId").GetProperty("value").GetString(),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void EventHubs_RefuseSasKeys_SoRoleAssignmentsAreTheOnlyWayToSend()
    {
        JsonElement ns = Assert.Single(Main.OfType("Microsoft.EventHub/namespaces"));

        Assert.True(ns.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());
        Assert.Empty(Main.OfType("Microsoft.EventHub/namespaces/authorizationRules"));
        Assert.Empty(Main.OfType("Microsoft.EventHub/namespaces/eventhubs/authorizationRules"));
    }

    [Fact]
    public void AppRoles_TheRegistrationScriptCreates_AreTheRolesTheGateReads()
    {
        using JsonDocument roles = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("infra", "entra", "app-roles.json")));

        Assert.Equal(
            Enum.GetValues<Role>().Select(RoleNames.Of).Order(StringComparer.Ordinal),
            roles.RootElement.EnumerateArray().Select(r => r.GetProperty("value").GetString()!).Order(StringComparer.Ordinal)
        );
        // Automation may hold the read-only roles; only people hold the admin and institution roles.
        Assert.All(
            roles.RootElement.EnumerateArray(),
            r =>
                Assert.Equal(
                    r.GetProperty("value").GetString() is RoleNames.FinanceReader or RoleNames.Operator,
                    r.GetProperty("allowedMemberTypes").EnumerateArray().Any(t => t.GetString() == "Application")
                )
        );
    }

    private static string RoleVariable(JsonElement assignment)
    {
        string expression = assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
        int at = expression.IndexOf("variables('", StringComparison.Ordinal);
        return at < 0 ? expression : "[" + expression[at..expression.IndexOf(')', at)] + ")]";
    }
}
