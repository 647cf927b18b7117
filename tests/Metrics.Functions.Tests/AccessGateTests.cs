using System.Text.Json;
using Metrics.Core.Access;
using Metrics.Functions.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metrics.Functions.Tests;

/// <summary>The gate every HTTP function asks: when it trusts a principal, and what a refusal says.</summary>
public sealed class AccessGateTests
{
    private static HttpRequest Request(string? principal) => new DefaultHttpContext().Request.As(principal);

    [Fact]
    public void WithoutThePlatformsSignIn_EvenAnAdminsPrincipalIsRefused_ForAnyoneCanSendThatHeader()
    {
        var gate = new AccessGate(AccessSettings.FromSettings(_ => null), NullLogger<AccessGate>.Instance);

        GateCheck check = gate.Check(Request(ClientPrincipals.FinanceAdmin), AccessAction.ReadUsage, null);

        Assert.Equal(AccessDecision.Unauthenticated, check.Decision);
        var refused = Assert.IsType<ObjectResult>(check.Refusal);
        Assert.Equal(StatusCodes.Status401Unauthorized, refused.StatusCode);
        Assert.Contains("sign-in is not configured", JsonSerializer.Serialize(refused.Value), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData(null, false)]
    public void PlatformSignIn_IsWhatAppServiceSaysOfItself(string? value, bool on) =>
        Assert.Equal(on, AccessSettings.FromSettings(n => n == AccessSettings.PlatformSignInVariable ? value : null).PlatformSignIn);

    [Fact]
    public void AForbiddenAnswer_NamesTheActionAndTheCaller_NeverTheInstitutionAsked()
    {
        GateCheck check = SignedIn.Gate.Check(
            Request(ClientPrincipals.InstitutionReader("inst-00042")),
            AccessAction.CloseMonth,
            "inst-00107"
        );

        var refused = Assert.IsType<ObjectResult>(check.Refusal);
        string body = JsonSerializer.Serialize(refused.Value);
        Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
        Assert.Contains("closing a month", body, StringComparison.Ordinal);
        Assert.DoesNotContain("inst-00107", body, StringComparison.Ordinal);
        Assert.Equal("reader@institution.example (Metrics.InstitutionReader) (HTTP)", check.Who);
    }

    [Fact]
    public void AHiddenInstitution_HasNoRefusalOfItsOwn_TheFunctionAnswersAsForAnUnknownOne()
    {
        GateCheck check = SignedIn.Gate.Check(
            Request(ClientPrincipals.InstitutionReader("inst-00042")),
            AccessAction.ReadUsage,
            "inst-00107"
        );

        Assert.True(check.Hidden);
        Assert.Null(check.Refusal);
    }

    [Theory]
    [InlineData("", null, AccessDecision.Forbidden, 403)]
    [InlineData("?institution=inst-00042", "inst-00042", AccessDecision.Allowed, null)]
    [InlineData("?institution=inst-00107", "inst-00107", AccessDecision.Hidden, null)]
    [InlineData("?institution=inst%7C42", "inst|42", AccessDecision.Hidden, 400)]
    public void AListing_DecidesOnTheInstitutionNamed_AndRefusesOneThatIsNoId(
        string query,
        string? institution,
        AccessDecision decision,
        int? status
    )
    {
        HttpRequest request = Request(ClientPrincipals.InstitutionReader("inst-00042"));
        request.QueryString = new QueryString(query);

        GateCheck check = SignedIn.Gate.CheckListing(request, AccessAction.ReadAllocations, out string? named);

        Assert.Equal((institution, decision), (named, check.Decision));
        Assert.Equal(status, check.Refusal is ObjectResult refused ? refused.StatusCode ?? StatusCodes.Status400BadRequest : null);
    }
}
