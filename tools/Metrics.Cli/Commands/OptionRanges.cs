using System.CommandLine.Parsing;

namespace Metrics.Cli.Commands;

/// <summary>Range checks for numeric options, as option validators: a value out of range is a usage error (exit 2).</summary>
internal static class OptionRanges
{
    public static void Check(OptionResult result, Option<int> option, int min, int max)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{option.Name} must be between {min} and {max}, got {value}.");
        }
    }
}
