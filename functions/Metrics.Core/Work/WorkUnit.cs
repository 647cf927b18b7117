using System.Text.Json.Serialization;

namespace Metrics.Core.Work;

/// <summary>
/// One unit of marked work as it travels on a queue: its kind and its mark's key (a UTC hour <c>yyyyMMddHH</c>, or a
/// month). A unit is idempotent: running it twice, or after another ran it, changes nothing (a unit whose mark is gone
/// has nothing left to do). Its message is <c>{"kind":"compact-gpu","key":"2026103115"}</c>.
/// </summary>
public sealed record WorkUnit(MarkKind Kind, string Key)
{
    private static readonly (MarkKind Kind, string Name)[] s_names =
    [
        (MarkKind.Gpu, "gpu"),
        (MarkKind.Jobs, "jobs"),
        (MarkKind.Usage, "usage"),
        (MarkKind.Month, "month"),
        (MarkKind.CompactGpu, "compact-gpu"),
        (MarkKind.CompactJobs, "compact-jobs"),
        (MarkKind.Day, "day"),
    ];

    /// <summary>The kind's name, as the marks table and the messages write it.</summary>
    public static string NameOf(MarkKind kind) =>
        s_names.FirstOrDefault(n => n.Kind == kind).Name ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown mark kind.");

    /// <summary>The kind a name stands for (<see cref="NameOf"/>'s inverse); <see cref="FormatException"/> for another name.</summary>
    public static MarkKind KindOf(string name) =>
        s_names.Where(n => n.Name == name).Select(n => (MarkKind?)n.Kind).FirstOrDefault()
        ?? throw new FormatException($"'{name}' is not the name of a kind of work");

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Message(NameOf(Kind), Key));

    /// <summary>Reads a unit's message; <see cref="FormatException"/> naming what is wrong with it.</summary>
    public static WorkUnit Parse(ReadOnlySpan<byte> json)
    {
        Message? message;
        try
        {
            message = JsonSerializer.Deserialize<Message>(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"a work unit's message is not JSON: {ex.Message}", ex);
        }

        (MarkKind kind, string? name) = s_names.FirstOrDefault(n => n.Name == message?.Kind);
        return name is null || string.IsNullOrEmpty(message?.Key)
            ? throw new FormatException($"a work unit's message names no known kind and key: '{Encoding.UTF8.GetString(json)}'")
            : new WorkUnit(kind, message.Key);
    }

    public override string ToString() => $"{NameOf(Kind)} {Key}";

    private sealed record Message([property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("key")] string Key);
}
