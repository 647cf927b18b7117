using Metrics.Core.Audit;

namespace Metrics.Cli;

/// <summary>
/// Puts the CLI's finance actions on the audit trail (<see cref="BlobAuditLog"/>), as the OS user and host that ran them.
/// </summary>
internal static class CliAudit
{
    public static string Who => $"{Environment.UserName}@{Environment.MachineName} (metrics CLI)";

    public static Task RecordAsync(
        CliContext context,
        string action,
        string subject,
        string outcome,
        CancellationToken cancellationToken
    ) =>
        new BlobAuditLog(context.CreateStorage().Blobs).AppendAsync(
            new AuditRecord(context.TimeProvider.GetUtcNow(), Who, action, subject, outcome),
            cancellationToken
        );

    /// <summary>Reads an import file once, for its parse and for its audit subject (SHA-256 of the bytes read).</summary>
    public static async Task<(T Parsed, string Subject)> ParseAsync<T>(
        FileInfo path,
        Func<byte[], T> parse,
        Func<T, string> counts,
        CliContext context,
        string action,
        CancellationToken cancellationToken
    )
    {
        (T parsed, byte[] content) = await Commands
            .ImportFile.ReadAsync(
                path,
                parse,
                (bytes, ex) =>
                    RecordAsync(
                        context,
                        action,
                        AuditRecord.FileSubject(path.Name, bytes, "unread"),
                        "refused: " + ex.Message,
                        cancellationToken
                    ),
                cancellationToken
            )
            .ConfigureAwait(false);
        return (parsed, AuditRecord.FileSubject(path.Name, content, counts(parsed)));
    }
}
