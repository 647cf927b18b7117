namespace Metrics.Core.Billing;

/// <summary>A billing line's identity: the institution billed and the GPU model used. Ordered ordinally, institution first.</summary>
public readonly record struct UsageKey(string Institution, string GpuModel) : IComparable<UsageKey>
{
    public int CompareTo(UsageKey other)
    {
        int byInstitution = string.CompareOrdinal(Institution, other.Institution);
        return byInstitution != 0 ? byInstitution : string.CompareOrdinal(GpuModel, other.GpuModel);
    }

    /// <summary>Table RowKey form, <c>institution|model</c>; neither part can contain <c>|</c> (contract patterns).</summary>
    public string RowKey => $"{Institution}|{GpuModel}";
}
