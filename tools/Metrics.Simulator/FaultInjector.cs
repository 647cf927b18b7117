using System.Text;

namespace Metrics.Simulator;

/// <summary>
/// What a real cluster's network and producers do to events, at the configured rates: some arrive late (held back and
/// written later), some are resent (written again later), and some have a malformed twin that must be dead-lettered.
/// </summary>
internal sealed class FaultInjector(SimulationOptions options, Random random)
{
    private readonly Random _random = random;

    public long Duplicates { get; private set; }

    public long Late { get; private set; }

    public long Bad { get; private set; }

    public void Emit(EventFileWriter writer, byte[] line, long step, bool late)
    {
        if (late && _random.NextDouble() < options.LateRate)
        {
            Late++;
            writer.Delay(line, step + _random.Next(1, Math.Max(2, 3600 / options.IntervalS)));
        }
        else
        {
            writer.Write(line);
        }

        if (_random.NextDouble() < options.DupRate)
        {
            Duplicates++;
            writer.Delay(line, step + _random.Next(1, 20));
        }

        if (_random.NextDouble() < options.BadRate)
        {
            Bad++;
            writer.Write(Corrupt(line));
        }
    }

    /// <summary>An invalid variant of a valid event: it must be dead-lettered, never billed.</summary>
    private byte[] Corrupt(byte[] line) =>
        _random.Next(4) switch
        {
            0 => line[..(line.Length / 2)],
            1 => Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(line).Replace("\"schema\":\"", "\"schema\":\"x-", StringComparison.Ordinal)
            ),
            2 => Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(line).Replace("\"cluster\":\"", "\"cluster\":\"bad cluster ", StringComparison.Ordinal)
            ),
            _ => [.. "{\"schema\":"u8, .. line],
        };
}
