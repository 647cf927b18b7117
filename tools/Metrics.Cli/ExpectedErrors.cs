using System.Net.Sockets;
using Azure;

namespace Metrics.Cli;

/// <summary>
/// Recognises failures a user can fix or must know of (storage down, file unreadable, stored data damaged) and words them in one line.
/// </summary>
internal static class ExpectedErrors
{
    public static string? Describe(Exception exception, StorageSettings? storage)
    {
        switch (exception)
        {
            case CliFailure failure:
                return failure.Message;
            case TimeoutException or Metrics.Core.Work.WorkLockBusyException:
                return exception.Message;
            case IOException or UnauthorizedAccessException when exception is not SocketException:
                return exception.Message;
            case InvalidDataException:
                // Stored data that fails its own checks (a statement that no longer matches its seal): say so, never serve it.
                return exception.Message;
        }

        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException || e is RequestFailedException { Status: 0 })
            {
                string where = storage?.Describe() ?? "storage";
                return $"storage unreachable at {where}: {e.Message} (start Azurite with tools/azurite/azurite.sh start, or set "
                    + $"MetricsStorage)";
            }

            if (e is RequestFailedException failed)
            {
                return $"storage request failed ({failed.Status} {failed.ErrorCode}): {FirstLine(failed.Message)}";
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                return Describe(aggregate.InnerExceptions[0], storage);
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return (newline < 0 ? text : text[..newline]).Trim();
    }
}
