namespace Metrics.Contract;

/// <summary>
/// Identifier patterns of contract v1. They keep every id safe as a blob path segment and a Table key
/// (no <c>/ \ # ?</c>, no control characters) and bound its length.
/// </summary>
/// <remarks>
/// Each pattern ends in <c>\z</c>, not <c>$</c>: in .NET <c>$</c> also matches before a final <c>\n</c>, which let
/// <c>"node-1\n"</c> through. Digits are <c>[0-9]</c>, not <c>\d</c>, which in .NET matches every Unicode digit.
/// The JSON Schema files state the same patterns in ECMA-262 form, where <c>$</c> already means end of input.
/// </remarks>
public static partial class ContractPatterns
{
    /// <summary>
    /// cluster, node, institution, account, user, queue, exitState: 1-64 of <c>[A-Za-z0-9._-]</c>, starting alphanumeric.
    /// </summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex Id();

    /// <summary>jobId: 1-64 characters; also allows <c>+</c> for heterogeneous Slurm jobs (<c>1234+1</c>).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex JobId();

    /// <summary>eventId: 1-200 characters; also allows <c>:</c> and <c>+</c> (<c>hefei-aicc-1:1234567:end</c>).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex EventId();

    /// <summary>GPU or MIG UUID as nvidia-smi prints it: <c>GPU-</c> or <c>MIG-</c> then a canonical UUID.</summary>
    [GeneratedRegex(
        "^(GPU|MIG)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\z",
        RegexOptions.CultureInvariant
    )]
    public static partial Regex GpuUuid();

    /// <summary>GPU model: 1-64 characters; spaces and parentheses allowed because nvidia-smi names contain them.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,63}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex GpuModel();

    /// <summary>
    /// Timestamps: ISO-8601 / RFC 3339 date-time with seconds and an explicit zone (<c>Z</c> or <c>+hh:mm</c>),
    /// up to 7 fractional digits (100 ns, the resolution of <see cref="DateTimeOffset"/>).
    /// </summary>
    [GeneratedRegex(
        @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})\z",
        RegexOptions.CultureInvariant
    )]
    public static partial Regex Timestamp();
}
