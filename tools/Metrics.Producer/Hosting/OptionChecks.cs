using System.CommandLine;
using System.CommandLine.Parsing;
using Metrics.Contract;

namespace Metrics.Producer.Hosting;

/// <summary>Validators the producers' options share: a bad value is a parse error (exit 2, one line) naming the option.</summary>
public static class OptionChecks
{
    public static void InRange(this Option<int> option, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError($"{option.Name} must be {min}..{max}");
            }
        });
    }

    /// <summary>The value, when given, must be a contract id (cluster, node): it becomes part of every event.</summary>
    public static void ContractId(this Option<string> option) => option.Matches(ContractPatterns.Id(), "a valid id");

    public static void GpuModelName(this Option<string?> option) => option.Matches(ContractPatterns.GpuModel(), "a valid GPU model name");

    private static void Matches(this Option option, System.Text.RegularExpressions.Regex pattern, string what)
    {
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !pattern.IsMatch(value))
            {
                result.AddError($"{option.Name} '{value}' is not {what} ({pattern})");
            }
        });
    }
}
