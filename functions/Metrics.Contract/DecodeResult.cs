using System.Diagnostics.CodeAnalysis;

namespace Metrics.Contract;

/// <summary>The outcome of decoding one event body: either a validated value or a <see cref="Rejection"/>.</summary>
public readonly struct DecodeResult<T>
    where T : class
{
    private DecodeResult(T? value, Rejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }

    public Rejection? Rejection { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsValid => Value is not null;

    public static DecodeResult<T> Valid(T value) => new(value, null);

    public static DecodeResult<T> Invalid(Rejection rejection) => new(null, rejection);
}
