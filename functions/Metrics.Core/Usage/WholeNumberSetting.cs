namespace Metrics.Core.Usage;

/// <summary>
/// An app setting that is a count of days or minutes (a grace period), read and checked at start-up: unset means the
/// default, and anything but a whole number within the limit stops the app with the setting's name, rather than running
/// on a guess.
/// </summary>
public static class WholeNumberSetting
{
    /// <summary>The value from 0 to <paramref name="max"/>, or null when <paramref name="value"/> is unset.</summary>
    public static int? Read(string? value, string setting, int max, string unit) =>
        string.IsNullOrWhiteSpace(value) ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number <= max ? number
        : throw new InvalidOperationException($"{setting} must be a whole number of {unit} from 0 to {max}, got '{value}'.");
}
