using Metrics.Slurm.Controller;

namespace Metrics.Tools.Tests.Slurm;

/// <summary>
/// An <see cref="ISqueue"/> that prints a fixture file, as the real squeue printed it; <see cref="File"/> is the next one.
/// </summary>
internal sealed class FixtureSqueue : ISqueue
{
    public string? File { get; set; }

    /// <summary>Printed instead of <see cref="File"/> when set: a capture rewritten by a test.</summary>
    public byte[]? Content { get; set; }

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "slurm", name);

    public Task<byte[]> ReadAsync(CancellationToken cancellationToken)
    {
        if (Content is not null)
        {
            return Task.FromResult(Content);
        }

        return File is null
            ? throw new SlurmUnavailableException("squeue is down")
            : System.IO.File.ReadAllBytesAsync(Path(File), cancellationToken);
    }
}
