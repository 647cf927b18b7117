using System.Text.Json;
using Metrics.Functions;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Infra.Tests;

/// <summary>Assertions on the ARM JSON compiled from infra/main.bicep: resources, roles, and identity-only settings.</summary>
public sealed class DeploymentTemplateTests
{
    private static ArmTemplate Main => ArmTemplate.Main;

    private static JsonElement Site => Assert.Single(Main.OfType("Microsoft.Web/sites"));

    private static Dictionary<string, string> AppSettings() =>
        Site.GetProperty("properties")
            .GetProperty("siteConfig")
            .GetProperty("appSettings")
            .EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").ToString());

    [Theory]
    [InlineData("Microsoft.EventHub/namespaces")]
    [InlineData("Microsoft.EventHub/namespaces/eventhubs")]
    [InlineData("Microsoft.EventHub/namespaces/eventhubs/consumergroups")]
    [InlineData("Microsoft.Storage/storageAccounts")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables")]
    [InlineData("Microsoft.Storage/storageAccounts/managementPolicies")]
    [InlineData("Microsoft.Web/serverfarms")]
    [InlineData("Microsoft.Web/sites")]
    [InlineData("Microsoft.Insights/components")]
    [InlineData("Microsoft.OperationalInsights/workspaces")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities")]
    [InlineData("Microsoft.Authorization/roleAssignments")]
    [InlineData("Microsoft.Insights/scheduledQueryRules")]
    [InlineData("Microsoft.Insights/actionGroups")]
    [InlineData("Microsoft.Insights/workbooks")]
    public void Template_ProvisionsResourceType(string type)
    {
        Assert.NotEmpty(Main.OfType(type));
    }

    [Fact]
    public void EventHubs_BothHubsWithAConsumerGroup_AndGpuTelemetryDefaultsToThirtyTwoPartitions()
    {
        Assert.Equal(
            ["gpu-telemetry", "job-events"],
            Main.OfType("Microsoft.EventHub/namespaces/eventhubs")
                .Select(h => h.GetProperty("name").ToString())
                .Select(n =>
                    n.Contains("gpu-telemetry", StringComparison.Ordinal) ? "gpu-telemetry"
                    : n.Contains("job-events", StringComparison.Ordinal) ? "job-events"
                    : n
                )
                .Order()
        );
        Assert.Equal(2, Main.OfType("Microsoft.EventHub/namespaces/eventhubs/consumergroups").Count());
        Assert.Equal(32, Main.Root.GetProperty("parameters").GetProperty("gpuPartitionCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(7, Main.Root.GetProperty("parameters").GetProperty("eventHubsRetentionDays").GetProperty("defaultValue").GetInt32());
        Assert.True(
            Assert
                .Single(Main.OfType("Microsoft.EventHub/namespaces"))
                .GetProperty("properties")
                .GetProperty("disableLocalAuth")
                .GetBoolean()
        );
    }

    [Fact]
    public void Storage_TwoAccountsWithoutSharedKeys_AndTheDataAccountHasEveryContainerAndTableTheCodeUses()
    {
        JsonElement[] accounts = Main.OfType("Microsoft.Storage/storageAccounts").ToArray();
        Assert.Equal(2, accounts.Length);
        Assert.All(accounts, a => Assert.False(a.GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean()));

        JsonElement data = Main.Module("storage-data").GetProperty("parameters");
        string[] containers = data.GetProperty("containers")
            .GetProperty("defaultValue")
            .EnumerateArray()
            .Select(c => c.GetString()!)
            .ToArray();
        string[] tables = data.GetProperty("tables").GetProperty("defaultValue").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Subset(
            containers.ToHashSet(),
            new HashSet<string>
            {
                LandingPaths.TelemetryContainer,
                LandingPaths.DeadLetterContainer,
                BlobWorkLock.Container,
                BlobStatementStore.Container,
                BlobGpuModelStore.Container,
                BlobAuditLog.Container,
                BlobStatementStore.RefusalContainer,
                BlobHourShardResults.Container,
                Metrics.Core.Lake.LakePaths.Container,
            }
        );
        Assert.Subset(tables.ToHashSet(), StorageTables.All.ToHashSet());
        string?[] queues = data.GetProperty("queues").GetProperty("defaultValue").EnumerateArray().Select(q => q.GetString()).ToArray();
        Assert.Subset(
            queues.ToHashSet(),
            new HashSet<string?>
            {
                QueueAllocationEvents.QueueName,
                QueueWorkQueue.CompactionUnits,
                QueueWorkQueue.CompactionUnits + "-poison",
                QueueWorkQueue.RollupUnits,
                QueueWorkQueue.RollupUnits + "-poison",
            }
        );
    }

    /// <summary>
    /// The finance record is write-once in Azure: the statements and the audit trail carry a time-based immutability
    /// policy (ten years by default), with protected appends for the audit trail's append blobs.
    /// </summary>
    [Fact]
    public void Storage_StatementsAndAuditTrail_AreWriteOnce()
    {
        JsonElement data = Main.Module("storage-data");
        string[] worm = data.GetProperty("parameters")
            .GetProperty("wormContainers")
            .GetProperty("defaultValue")
            .EnumerateArray()
            .Select(c => c.GetString()!)
            .ToArray();
        Assert.Equal([BlobStatementStore.Container, BlobAuditLog.Container], worm);
        Assert.Equal(3650, data.GetProperty("parameters").GetProperty("financeRetentionDays").GetProperty("defaultValue").GetInt32());
        string policy = Assert
            .Single(Main.OfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"))
            .ToString();
        Assert.Contains("\"allowProtectedAppendWrites\": true", policy, StringComparison.Ordinal);
        Assert.Contains("immutabilityPeriodSinceCreationInDays", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_LifecyclePolicy_CoolsLandedDataAndTheLake_AndExpiresDeadLetters()
    {
        string policy = Assert.Single(Main.OfType("Microsoft.Storage/storageAccounts/managementPolicies")).ToString();
        Assert.Contains($"{Metrics.Core.Lake.LakePaths.Container}/gpu/", policy, StringComparison.Ordinal);
        Assert.Contains($"{Metrics.Core.Lake.LakePaths.Container}/usage/", policy, StringComparison.Ordinal);
        Assert.Equal(
            35,
            Main.Module("storage-data").GetProperty("parameters").GetProperty("lakeCoolAfterDays").GetProperty("defaultValue").GetInt32()
        );

        Assert.Contains("\"tierToCool\"", policy, StringComparison.Ordinal);
        Assert.Contains("telemetry/", policy, StringComparison.Ordinal);
        Assert.Contains("deadletter/", policy, StringComparison.Ordinal);
        JsonElement parameters = Main.Module("storage-data").GetProperty("parameters");
        Assert.Equal(30, parameters.GetProperty("landedCoolAfterDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal(90, parameters.GetProperty("deadLetterRetentionDays").GetProperty("defaultValue").GetInt32());
    }

    [Fact]
    public void FunctionApp_FlexConsumptionDotnetTenIsolated_WithTheUserAssignedIdentity()
    {
        JsonElement plan = Assert.Single(Main.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        JsonElement config = Site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssigned", Site.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal(
            "UserAssignedIdentity",
            config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString()
        );
    }

    [Theory]
    [InlineData("a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "Microsoft.EventHub/namespaces/eventhubs")]
    [InlineData("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "dataStorage")]
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "dataStorage")]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "hostStorage")]
    [InlineData("c6a89b2d-59bc-44d0-9896-0f6e12d7b80a", "allocationEventsQueueName")]
    [InlineData("8a0f0c08-91a1-4084-bc3d-661d67233fed", "allocationEventsQueueName")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "unitQueueNames")]
    public void Roles_EachDataRole_IsAssignedOnItsOwnScope(string roleId, string scope)
    {
        // Role ids are named variables in rbac.bicep; an assignment refers to one as variables('name').
        var matching = Main.Resources()
            .Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Where(r =>
                VariableFor(r.Template, roleId) is { } variable && RoleExpression(r.Resource).Contains(variable, StringComparison.Ordinal)
            )
            .Select(r => r.Resource)
            .ToArray();
        Assert.NotEmpty(matching);
        Assert.All(matching, a => Assert.Contains(scope, a.GetProperty("scope").ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Roles_NoBroadOwnerOrContributorRole()
    {
        string all = Main.Root.ToString();
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", all, StringComparison.Ordinal);
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", all, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_HoldNoKeySasOrConnectionString()
    {
        Dictionary<string, string> settings = AppSettings();
        string[] secretMarkers =
        [
            "listKeys",
            "listConnectionStrings",
            "listAccountSas",
            "listServiceSas",
            "AccountKey=",
            "SharedAccessKey",
            "sig=",
            "DefaultEndpointsProtocol",
        ];

        Assert.NotEmpty(settings);
        foreach ((string name, string value) in settings)
        {
            Assert.DoesNotContain(secretMarkers, m => value.Contains(m, StringComparison.OrdinalIgnoreCase));

            // The one exception, on purpose: Application Insights' connection string is an endpoint and an id, and the
            // component refuses key-only ingestion (DisableLocalAuth), so it grants nothing.
            if (name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            {
                Assert.DoesNotContain("ConnectionString", name, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.False(Site.GetProperty("properties").GetProperty("siteConfig").TryGetProperty("connectionStrings", out _));
        Assert.True(
            Assert
                .Single(Main.OfType("Microsoft.Insights/components"))
                .GetProperty("properties")
                .GetProperty("DisableLocalAuth")
                .GetBoolean()
        );
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings["EventHubConnection__credential"]);
    }

    /// <summary>
    /// Every connection a function binding names, every <c>%Setting%</c> in a binding, and every setting the code reads
    /// must be provided by the app settings, identity-based. Rename a Connection in code and this fails.
    /// </summary>
    [Fact]
    public void AppSettings_ProvideEveryConnectionAndSettingTheFunctionsUse()
    {
        Dictionary<string, string> settings = AppSettings();
        var missing = new List<string>();
        foreach (JsonElement function in FunctionsBuild.LoadMetadata().EnumerateArray())
        {
            foreach (JsonElement binding in function.GetProperty("bindings").EnumerateArray())
            {
                foreach (JsonProperty property in binding.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    string value = property.Value.GetString()!;
                    if (property.Name == "connection")
                    {
                        // Identity-based: <Connection>__fullyQualifiedNamespace (Event Hubs) or __serviceUri forms.
                        if (!settings.Keys.Any(k => k.StartsWith(value + "__", StringComparison.Ordinal)))
                        {
                            missing.Add($"{function.GetProperty("name")}: connection '{value}' (no {value}__* setting)");
                        }
                        else if (
                            binding.GetProperty("type").GetString() == "eventHubTrigger"
                            && !settings.ContainsKey($"{value}__fullyQualifiedNamespace")
                        )
                        {
                            missing.Add($"{function.GetProperty("name")}: {value}__fullyQualifiedNamespace");
                        }
                    }

                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(value, "%([^%]+)%"))
                    {
                        if (!settings.ContainsKey(m.Groups[1].Value))
                        {
                            missing.Add($"{function.GetProperty("name")}: %{m.Groups[1].Value}% in {property.Name}");
                        }
                    }
                }
            }
        }

        missing.AddRange(AppSettingNames.ReadByCode.Where(name => !settings.ContainsKey(name)).Select(name => $"read by code: {name}"));
        Assert.True(settings.ContainsKey("AzureWebJobsStorage__blobServiceUri"), "the host needs AzureWebJobsStorage__blobServiceUri");
        Assert.True(missing.Count == 0, "app settings missing from infra/modules/functionapp.bicep:\n" + string.Join('\n', missing));
    }

    private static string RoleExpression(JsonElement assignment) =>
        assignment.GetProperty("properties").GetProperty("roleDefinitionId").ToString();

    private static string? VariableFor(JsonElement template, string roleId) =>
        template.TryGetProperty("variables", out JsonElement variables)
            ? variables.EnumerateObject().Where(v => v.Value.ToString() == roleId).Select(v => $"variables('{v.Name}')").FirstOrDefault()
            : null;

    [Fact]
    public void Alerts_FourRules_WithTheirThresholds_PageTheActionGroup_OnMetricsThePipelineRecords()
    {
        JsonElement parameters = Main.Module("alerts").GetProperty("parameters");
        Assert.Equal(60, parameters.GetProperty("billingFreshnessMinutes").GetProperty("defaultValue").GetInt32());
        Assert.Equal(5, parameters.GetProperty("deadLetterRatePercent").GetProperty("defaultValue").GetInt32());
        Assert.Equal(5, parameters.GetProperty("functionFailureCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(15, parameters.GetProperty("noTelemetryMinutes").GetProperty("defaultValue").GetInt32());

        // The rules are one copy loop over a variable: their queries and thresholds, as compiled.
        JsonElement rules = Main.Module("alerts").GetProperty("variables").GetProperty("rules");
        var byKey = rules.EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r);
        Assert.Equal(
            [
                "allocation-exhausted",
                "billing-freshness",
                "dead-letter-rate",
                "function-failures",
                "month-close-overdue",
                "no-gpu-telemetry",
                "unit-poisoned",
                "unknown-gpu-model",
            ],
            byKey.Keys.Order()
        );
        Assert.Equal("[mul(parameters('billingFreshnessMinutes'), 60)]", byKey["billing-freshness"].GetProperty("threshold").GetString());
        Assert.Equal("GreaterThan", byKey["billing-freshness"].GetProperty("operator").GetString());
        Assert.Equal("[parameters('deadLetterRatePercent')]", byKey["dead-letter-rate"].GetProperty("threshold").GetString());
        Assert.Equal("LessThan", byKey["no-gpu-telemetry"].GetProperty("operator").GetString());
        Assert.Equal(1, byKey["no-gpu-telemetry"].GetProperty("threshold").GetInt32());
        Assert.Contains(
            "metrics.ingest.unknown_model_rows",
            byKey["unknown-gpu-model"].GetProperty("query").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal("GreaterThan", byKey["unknown-gpu-model"].GetProperty("operator").GetString());
        Assert.Contains("metrics.months.overdue", byKey["month-close-overdue"].GetProperty("query").GetString(), StringComparison.Ordinal);
        string exhausted = byKey["allocation-exhausted"].GetProperty("query").GetString()!;
        Assert.Contains("metrics.allocations", exhausted, StringComparison.Ordinal);
        Assert.Contains("\"exhausted\"", exhausted, StringComparison.Ordinal);
        Assert.Equal("GreaterThan", byKey["allocation-exhausted"].GetProperty("operator").GetString());

        // Every metric a rule reads is one the pipeline records (a renamed instrument would silence its alert).
        using var metrics = new Metrics.Core.Observability.PipelineMetrics($"infra-test-{Guid.NewGuid():N}");
        HashSet<string> instruments = Instruments(metrics.Name);

        foreach (JsonElement rule in rules.EnumerateArray())
        {
            foreach (
                System.Text.RegularExpressions.Match used in System.Text.RegularExpressions.Regex.Matches(
                    rule.GetProperty("query").GetString()!,
                    "name == \"([a-z._]+)\""
                )
            )
            {
                Assert.Contains(used.Groups[1].Value, instruments);
            }
        }

        JsonElement alert = Main.OfType("Microsoft.Insights/scheduledQueryRules").First();
        Assert.Contains("actionGroups", alert.GetProperty("properties").GetProperty("actions").ToString(), StringComparison.Ordinal);
        Assert.Equal("PT5M", alert.GetProperty("properties").GetProperty("evaluationFrequency").GetString());
    }

    [Fact]
    public void Workbook_OnApplicationInsights_ChartsOnlyMetricsThePipelineRecords()
    {
        JsonElement workbook = Assert.Single(Main.OfType("Microsoft.Insights/workbooks"));
        JsonElement properties = workbook.GetProperty("properties");
        Assert.Contains("appInsightsId", properties.GetProperty("sourceId").GetString(), StringComparison.Ordinal);

        // The serialized workbook is the JSON file beside the module, loaded at build time into a template variable.
        string serialized = ArmTemplate.Resolve(Main.Module("workbook"), properties.GetProperty("serializedData").GetString()!);
        using JsonDocument data = JsonDocument.Parse(serialized);
        string[] queries = data
            .RootElement.GetProperty("items")
            .EnumerateArray()
            .Where(item => item.GetProperty("type").GetInt32() == 3)
            .Select(item => item.GetProperty("content").GetProperty("query").GetString()!)
            .ToArray();
        Assert.True(queries.Length >= 6, $"{queries.Length} charts");
        using var metrics = new Metrics.Core.Observability.PipelineMetrics($"infra-test-{Guid.NewGuid():N}");
        HashSet<string> instruments = Instruments(metrics.Name);
        string[] used = queries
            .SelectMany(q => System.Text.RegularExpressions.Regex.Matches(q, "\"(metrics\\.[a-z._]+)\"").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToArray();
        Assert.Contains("metrics.rollup.freshness", used);
        Assert.Contains("metrics.ingest.lag", used);
        Assert.All(used, name => Assert.Contains(name, instruments));
    }

    private static HashSet<string> Instruments(string meterName)
    {
        var instruments = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                instruments.Add(instrument.Name);
            }
        };
        listener.Start();
        return instruments;
    }
}
