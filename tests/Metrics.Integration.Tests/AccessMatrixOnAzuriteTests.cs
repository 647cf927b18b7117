using System.Reflection;
using Metrics.Core.Audit;
using Metrics.Core.Ledger;
using Metrics.Functions;
using Metrics.Functions.Billing;
using Metrics.Functions.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Metrics.Integration.Tests;

/// <summary>
/// Every HTTP route against every kind of caller, with principals as App Service authentication sets them, over a month
/// on Azurite with two institutions' usage and vouchers: who is let through, who is refused (401, 403), and that an
/// institution reader asking for its neighbour gets, byte for byte, the answer for an institution that does not exist.
/// </summary>
public sealed class AccessMatrixOnAzuriteTests : IDisposable
{
    private readonly StatementScenario _month = new();

    private string Own => _month.Institution;

    private string Neighbour => $"inst-nbr-{_month.Run}";

    private string Unknown => $"inst-none-{_month.Run}";

    public void Dispose() => _month.Dispose();

    /// <summary>The kinds of caller, in the matrix's column order.</summary>
    private (string Name, string? Principal)[] Callers =>
        [
            ("anonymous", null),
            ("no role", ClientPrincipals.NoRole),
            ("operator", ClientPrincipals.Operator),
            ("institution reader", ClientPrincipals.InstitutionReader(Own)),
            ("finance reader", ClientPrincipals.FinanceReader),
            ("finance admin", ClientPrincipals.FinanceAdmin),
        ];

    /// <summary>Let through: whatever the route then answers (200, or 503 for a stale status), never 401 or 403.</summary>
    private const int Through = 0;

    private sealed record Route(string Function, string Call, Func<string?, Task<IActionResult>> Send, int[] Expected);

    private async Task SeedAsync()
    {
        await _month.SeedAsync();
        string neighbourJob = EventJson
            .Job(
                "N",
                "ended",
                EventJson.Ts(_month.At(11, 2)),
                1,
                Neighbour,
                $"stmt-{_month.Run}",
                EventJson.Ts(_month.At(11, 0)),
                EventJson.Ts(_month.At(11, 2)),
                StatementScenario.H100,
                0
            )
            .ToJsonString();
        await _month.IngestAsync("jobs", neighbourJob);
        string vouchers = Path.Combine(_month.Dir, "neighbour-vouchers.json");
        await File.WriteAllTextAsync(
            vouchers,
            $$"""
            [{"id": "v-nbr-{{_month.Run}}", "institution": "{{Neighbour}}", "amount": 50.00, "currency": "CNY",
              "validFrom": "{{_month.Month.FirstDay:yyyy-MM-dd}}", "validTo": "{{_month.Month.Next().FirstDay:yyyy-MM-dd}}", "maxShare": 1}]
            """
        );
        await _month.Azurite.RunOkAsync(_month.Time, "vouchers", "import", vouchers);
        string allocations = Path.Combine(_month.Dir, "neighbour-allocations.json");
        await File.WriteAllTextAsync(
            allocations,
            $$"""
            [{"id": "a-nbr-{{_month.Run}}", "institution": "{{Neighbour}}", "unit": "gpu-hours", "amount": 10,
              "from": "{{_month.Month.FirstDay:yyyy-MM-dd}}", "to": "{{_month.Month.LastDay:yyyy-MM-dd}}"}]
            """
        );
        await _month.Azurite.RunOkAsync(_month.Time, "allocations", "import", allocations);
        await _month.Azurite.RunOkAsync(_month.Time, "rollup");

        // After the month's end and grace, so that a close that is let through closes it.
        _month.Time.SetUtcNow(_month.Month.Next().FirstDay.ToDateTime(TimeOnly.MinValue).AddDays(5));
    }

    private IReadOnlyList<Route> Routes()
    {
        StorageClients clients = _month.Azurite.Clients;
        BillingCalendar calendar = StatementScenario.Calendar;
        FakeTimeProvider time = _month.Time;
        var audit = new BlobAuditLog(clients.Blobs);
        var vouchers = new TableVoucherStore(clients.Tables);
        var usage = new GetUsage(BillingStorage.CreateQuery(clients, calendar), SignedIn.Gate);
        var statements = new GetStatement(StatementScenario.Pages(clients, time), SignedIn.Gate);
        var voucherApi = new Vouchers(
            vouchers,
            new VoucherLedger(vouchers, new BlobStatementStore(clients.Blobs), calendar),
            time,
            SignedIn.Gate,
            new FinanceImport(SignedIn.Gate, time, audit)
        );
        var close = new CloseMonth(
            BillingStorage.CreateMonthClose(clients, calendar, time, MonthClose.DefaultGrace),
            SignedIn.Gate,
            audit,
            time
        );
        var status = new GetStatus(BillingStorage.CreateStatusQuery(clients, calendar, time), SignedIn.Gate);
        var allocationApi = new Allocations(
            new TableAllocationStore(clients.Tables),
            BillingStorage.CreateAllocationStandings(clients, calendar, time),
            SignedIn.Gate,
            new FinanceImport(SignedIn.Gate, time, audit)
        );
        string newAllocation = $$"""
            [{"id": "a-new-{{_month.Run}}", "institution": "{{Own}}", "unit": "CNY", "amount": 10.00,
              "from": "{{_month.Month.Next().FirstDay:yyyy-MM-dd}}", "to": "{{_month.Month.Next().LastDay:yyyy-MM-dd}}"}]
            """;
        string month = _month.Month.ToString();
        string newVoucher = $$"""
            [{"id": "v-new-{{_month.Run}}", "institution": "{{Own}}", "amount": 10.00, "currency": "CNY",
              "validFrom": "{{_month.Month.Next().FirstDay:yyyy-MM-dd}}",
              "validTo": "{{_month.Month.Next().Next().FirstDay:yyyy-MM-dd}}", "maxShare": 1}]
            """;
        const int No = StatusCodes.Status403Forbidden;
        const int NotFound = StatusCodes.Status404NotFound;
        //                                       anonymous, no role, operator, institution reader, finance reader, admin
        return
        [
            new(
                FunctionNames.GetUsage,
                "GET usage (all)",
                p => usage.RunAsync(SignedIn.Request("GET", p), month, default),
                [401, No, No, No, Through, Through]
            ),
            new(
                FunctionNames.GetUsage,
                "GET usage (own)",
                p => usage.RunAsync(SignedIn.Request("GET", p, $"?institution={Own}"), month, default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.GetUsage,
                "GET usage (neighbour)",
                p => usage.RunAsync(SignedIn.Request("GET", p, $"?institution={Neighbour}"), month, default),
                [401, No, No, NotFound, Through, Through]
            ),
            new(
                FunctionNames.GetCentreOverview,
                "GET statements (centre)",
                p => statements.OverviewAsync(SignedIn.Request("GET", p), month, default),
                [401, No, No, No, Through, Through]
            ),
            new(
                FunctionNames.GetInstitutionStatement,
                "GET statement (own)",
                p => statements.InstitutionAsync(SignedIn.Request("GET", p), month, Own, default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.GetInstitutionStatement,
                "GET statement (neighbour)",
                p => statements.InstitutionAsync(SignedIn.Request("GET", p), month, Neighbour, default),
                [401, No, No, NotFound, Through, Through]
            ),
            new(
                FunctionNames.ListVouchers,
                "GET vouchers (all)",
                p => voucherApi.ListAsync(SignedIn.Request("GET", p), default),
                [401, No, No, No, Through, Through]
            ),
            new(
                FunctionNames.ListVouchers,
                "GET vouchers (own)",
                p => voucherApi.ListAsync(SignedIn.Request("GET", p, $"?institution={Own}"), default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.ListVouchers,
                "GET vouchers (neighbour)",
                p => voucherApi.ListAsync(SignedIn.Request("GET", p, $"?institution={Neighbour}"), default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.ImportVouchers,
                "POST vouchers",
                p => voucherApi.ImportAsync(SignedIn.Request("POST", p, body: newVoucher), default),
                [401, No, No, No, No, Through]
            ),
            new(
                FunctionNames.ListAllocations,
                "GET allocations (all)",
                p => allocationApi.ListAsync(SignedIn.Request("GET", p), default),
                [401, No, No, No, Through, Through]
            ),
            new(
                FunctionNames.ListAllocations,
                "GET allocations (own)",
                p => allocationApi.ListAsync(SignedIn.Request("GET", p, $"?institution={Own}"), default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.ListAllocations,
                "GET allocations (neighbour)",
                p => allocationApi.ListAsync(SignedIn.Request("GET", p, $"?institution={Neighbour}"), default),
                [401, No, No, Through, Through, Through]
            ),
            new(
                FunctionNames.ImportAllocations,
                "POST allocations",
                p => allocationApi.ImportAsync(SignedIn.Request("POST", p, body: newAllocation), default),
                [401, No, No, No, No, Through]
            ),
            new(
                FunctionNames.CloseMonth,
                "POST months/close",
                p => close.RunAsync(SignedIn.Request("POST", p), month, default),
                [401, No, No, No, No, Through]
            ),
            new(
                FunctionNames.GetAudit,
                "GET audit",
                p => new GetAudit(audit, SignedIn.Gate).RunAsync(SignedIn.Request("GET", p), default),
                [401, No, No, No, No, Through]
            ),
            new(
                FunctionNames.GetStatus,
                "GET status",
                p => status.RunAsync(SignedIn.Request("GET", p), default),
                [401, No, Through, No, No, Through]
            ),
        ];
    }

    private static int StatusOf(IActionResult result) =>
        result switch
        {
            ContentResult content => content.StatusCode ?? 200,
            ObjectResult o => o.StatusCode ?? 200,
            StatusCodeResult s => s.StatusCode,
            _ => throw new InvalidOperationException($"unexpected result {result.GetType().Name}"),
        };

    private static string BodyOf(IActionResult result) =>
        result switch
        {
            ContentResult content => content.Content ?? string.Empty,
            ObjectResult o => JsonSerializer.Serialize(o.Value),
            _ => string.Empty,
        };

    [Fact]
    public async Task EveryRoute_ToEveryKindOfCaller_IsLetThroughOrRefusedAsTheRolesSay()
    {
        await SeedAsync();
        var seen = new List<string>();
        foreach (Route route in Routes())
        {
            for (int c = 0; c < Callers.Length; c++)
            {
                (string caller, string? principal) = Callers[c];
                int status = StatusOf(await route.Send(principal));
                string cell = $"{route.Call} as {caller}: {status}";
                seen.Add(cell);
                if (route.Expected[c] == Through)
                {
                    Assert.True(status is not (401 or 403), cell);
                }
                else
                {
                    Assert.True(status == route.Expected[c], $"{cell}, expected {route.Expected[c]}");
                }
            }
        }

        // The refused finance actions are on the record with who asked: five callers refused each of the two.
        IReadOnlyList<AuditRecord> records = await new BlobAuditLog(_month.Azurite.Clients.Blobs).ReadAsync(null, CancellationToken.None);
        Assert.Equal(5, records.Count(r => r.Action == "month.close" && r.Outcome.StartsWith("refused: ", StringComparison.Ordinal)));
        Assert.Equal(5, records.Count(r => r.Action == "vouchers.import" && r.Outcome.StartsWith("refused: ", StringComparison.Ordinal)));
        Assert.Equal(
            5,
            records.Count(r => r.Action == "allocations.import" && r.Outcome.StartsWith("refused: ", StringComparison.Ordinal))
        );
        Assert.Contains(records, r => r.Who == "an unauthenticated caller (HTTP)" && r.Outcome == "refused: unauthenticated");
        Assert.Contains(
            records,
            r => r.Action == "month.close" && r.Who.StartsWith("reader@institution.example", StringComparison.Ordinal)
        );
        Assert.Contains(records, r => r.Action == "month.close" && r.Outcome.StartsWith("ok: ", StringComparison.Ordinal));
        Assert.Equal(17 * 6, seen.Count);
    }

    [Fact]
    public async Task AnInstitutionReaderAskingForItsNeighbour_GetsTheAnswerForAnInstitutionThatDoesNotExist()
    {
        await SeedAsync();
        string reader = ClientPrincipals.InstitutionReader(Own);
        var usage = new GetUsage(BillingStorage.CreateQuery(_month.Azurite.Clients, StatementScenario.Calendar), SignedIn.Gate);
        var statements = new GetStatement(StatementScenario.Pages(_month.Azurite.Clients, _month.Time), SignedIn.Gate);
        var vouchers = new TableVoucherStore(_month.Azurite.Clients.Tables);
        var voucherApi = new Vouchers(
            vouchers,
            new VoucherLedger(vouchers, new BlobStatementStore(_month.Azurite.Clients.Blobs), StatementScenario.Calendar),
            _month.Time,
            SignedIn.Gate,
            new FinanceImport(SignedIn.Gate, _month.Time)
        );
        var allocationApi = new Allocations(
            new TableAllocationStore(_month.Azurite.Clients.Tables),
            BillingStorage.CreateAllocationStandings(_month.Azurite.Clients, StatementScenario.Calendar, _month.Time),
            SignedIn.Gate,
            new FinanceImport(SignedIn.Gate, _month.Time)
        );
        string month = _month.Month.ToString();
        Func<string, string?, Task<IActionResult>>[] asks =
        [
            (id, p) => usage.RunAsync(SignedIn.Request("GET", p, $"?institution={id}"), month, default),
            (id, p) => statements.InstitutionAsync(SignedIn.Request("GET", p), month, id, default),
            (id, p) => voucherApi.ListAsync(SignedIn.Request("GET", p, $"?institution={id}"), default),
            (id, p) => allocationApi.ListAsync(SignedIn.Request("GET", p, $"?institution={id}"), default),
        ];

        foreach (var ask in asks)
        {
            // Finance sees the neighbour: it exists, with usage, a voucher and an allocation.
            IActionResult finance = await ask(Neighbour, ClientPrincipals.FinanceReader);
            Assert.Equal(200, StatusOf(finance));
            Assert.Contains(Neighbour, BodyOf(finance), StringComparison.Ordinal);

            IActionResult neighbour = await ask(Neighbour, reader);
            IActionResult unknown = await ask(Unknown, reader);
            Assert.Equal(StatusOf(unknown), StatusOf(neighbour));
            Assert.Equal(
                BodyOf(unknown).Replace(Unknown, "ID", StringComparison.Ordinal),
                BodyOf(neighbour).Replace(Neighbour, "ID", StringComparison.Ordinal)
            );
        }
    }

    [Fact]
    public async Task TheExportRoute_TakesTheHostsKeyCheck_AndReadsEveryInstitutionsUsage_WhateverPrincipalItCarries()
    {
        await SeedAsync();
        var export = new ExportUsage(BillingStorage.CreateQuery(_month.Azurite.Clients, StatementScenario.Calendar), SignedIn.Gate);

        var csv = Assert.IsType<ContentResult>(
            await export.RunAsync(SignedIn.Request("GET", null, $"?month={_month.Month}&institution={Own}"), default)
        );

        Assert.Equal(200, csv.StatusCode);
        Assert.Contains($",{Own},", csv.Content, StringComparison.Ordinal);
        Assert.Contains($",{Neighbour},", csv.Content, StringComparison.Ordinal);
        Assert.Equal(400, StatusOf(await export.RunAsync(SignedIn.Request("GET", null, "?month=2101-13"), default)));
    }

    [Fact]
    public void EveryHttpFunction_IsInTheMatrix()
    {
        string[] http = typeof(FunctionNames)
            .Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()!.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        using var matrix = new AccessMatrixOnAzuriteTests();
        string[] inMatrix = matrix
            .Routes()
            .Select(r => r.Function)
            .Append(FunctionNames.ExportUsage)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(http, inMatrix);
    }
}
