using Metrics.Core.Access;

namespace Metrics.Core.Tests.Access;

/// <summary>The one decision on who may do what, for every action and every kind of caller.</summary>
public sealed class AccessPolicyTests
{
    private static Caller Of(string header) => ClientPrincipal.Read(header, null, ClientPrincipal.DefaultInstitutionClaim, out _)!;

    public static TheoryData<string, AccessAction, string?, AccessDecision> Cases()
    {
        const string own = "inst-00042";
        const string other = "inst-00107";
        var data = new TheoryData<string, AccessAction, string?, AccessDecision>();
        foreach (AccessAction action in Enum.GetValues<AccessAction>())
        {
            bool money =
                action is AccessAction.ReadUsage or AccessAction.ReadStatement or AccessAction.ReadVouchers or AccessAction.ReadAllocations;
            data.Add("admin", action, null, AccessDecision.Allowed);
            data.Add("admin", action, other, AccessDecision.Allowed);
            data.Add("reader", action, null, money ? AccessDecision.Allowed : AccessDecision.Forbidden);
            data.Add("reader", action, other, money ? AccessDecision.Allowed : AccessDecision.Forbidden);
            data.Add("institution", action, own, money ? AccessDecision.Allowed : AccessDecision.Forbidden);
            data.Add("institution", action, other, money ? AccessDecision.Hidden : AccessDecision.Forbidden);
            data.Add("institution", action, null, AccessDecision.Forbidden);
            data.Add("operator", action, null, action == AccessAction.ReadStatus ? AccessDecision.Allowed : AccessDecision.Forbidden);
            data.Add("operator", action, own, action == AccessAction.ReadStatus ? AccessDecision.Allowed : AccessDecision.Forbidden);
            data.Add("none", action, own, AccessDecision.Forbidden);
            data.Add("anonymous", action, own, AccessDecision.Unauthenticated);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_AsTheRolesSay(string who, AccessAction action, string? institution, AccessDecision expected)
    {
        Caller? caller = who switch
        {
            "admin" => Of(ClientPrincipals.FinanceAdmin),
            "reader" => Of(ClientPrincipals.FinanceReader),
            "institution" => Of(ClientPrincipals.InstitutionReader("inst-00042")),
            "operator" => Of(ClientPrincipals.Operator),
            "none" => Of(ClientPrincipals.NoRole),
            _ => null,
        };

        Assert.Equal(expected, AccessPolicy.Decide(caller, action, institution));
    }

    [Fact]
    public void Read_TakesOurRolesOnly_AndTheInstitutionsClaimAsIdsOrLists_DroppingWhatIsNoId()
    {
        string header = ClientPrincipals.Header(
            "alice@uni.example",
            [RoleNames.InstitutionReader, "Other.App.Admin", "metrics.financeadmin"],
            ["inst-00042, inst-00043", "inst-00044", "not an id!", ""]
        );

        Caller caller = ClientPrincipal.Read(header, null, ClientPrincipal.DefaultInstitutionClaim, out string? problem)!;

        Assert.Null(problem);
        Assert.Equal("alice@uni.example", caller.Name);
        Assert.Equal([Role.InstitutionReader], caller.Roles);
        Assert.Equal(["inst-00042", "inst-00043", "inst-00044"], caller.Institutions.Order(StringComparer.Ordinal));
        Assert.Equal("alice@uni.example (Metrics.InstitutionReader)", caller.ToString());
    }

    [Theory]
    [InlineData(null, "no signed-in caller")]
    [InlineData("", "no signed-in caller")]
    [InlineData("not base64 at all", "not base64")]
    [InlineData("W10=", "has no claims")] // []
    [InlineData("eyJjbGFpbXMiOjF9", "has no claims")] // {"claims":1}
    [InlineData("eyJjbGFpbXMiOg==", "not JSON")] // {"claims":
    public void Read_AnythingButThePlatformsPrincipal_IsNoCaller(string? header, string why)
    {
        Assert.Null(ClientPrincipal.Read(header, null, ClientPrincipal.DefaultInstitutionClaim, out string? problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnOversizedHeader_IsRefusedUnread()
    {
        string header = new('A', ClientPrincipal.MaxHeaderLength + 4);

        Assert.Null(ClientPrincipal.Read(header, null, ClientPrincipal.DefaultInstitutionClaim, out string? problem));
        Assert.Contains("over 32768", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnApplicationWithoutAName_IsNamedByItsAppId_AndTheRoleTypeTheHeaderNames()
    {
        string json = """
            {"auth_typ":"aad","role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
             "claims":[{"typ":"appid","val":"11111111-2222-3333-4444-555555555555"},
                       {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Metrics.FinanceReader"}]}
            """;
        string header = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json));

        Caller caller = ClientPrincipal.Read(header, null, ClientPrincipal.DefaultInstitutionClaim, out _)!;

        Assert.Equal("application 11111111-2222-3333-4444-555555555555", caller.Name);
        Assert.Equal([Role.FinanceReader], caller.Roles);
    }
}
