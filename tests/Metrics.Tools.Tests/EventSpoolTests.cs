namespace Metrics.Tools.Tests;

/// <summary>The agent's spool on a real file system: append-only segments, a cursor, and every way a disk fails.</summary>
public sealed class EventSpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metrics-spool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SpoolDir => Path.Combine(_dir, "spool");

    private static byte[] Event(int n) => Encoding.UTF8.GetBytes($"{{\"n\":{n}}}");

    private static string[] Texts(SpoolRead read) => read.Events.Select(e => Encoding.UTF8.GetString(e.Body)).ToArray();

    private static string[] Expected(int from, int to) => Enumerable.Range(from, to - from + 1).Select(n => $"{{\"n\":{n}}}").ToArray();

    private string[] Segments() =>
        Directory.GetFiles(SpoolDir, "seg-*.jsonl").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void AppendPeekAcknowledge_AcrossSegments_KeepsOrderAndDeletesSentSegmentsWhole()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20, segmentBytes: 30);

        for (int n = 1; n <= 10; n++)
        {
            Assert.Equal(SpoolAppendKind.OnDisk, spool.Append(Event(n)).Kind);
        }

        Assert.Equal(10, spool.Count);
        Assert.True(Segments().Length >= 3, $"segments: {string.Join(", ", Segments())}");
        SpoolRead first = spool.Peek(maxEvents: 4, maxBytes: 1 << 20);
        Assert.Equal(Expected(1, 4), Texts(first));
        Assert.Equal(Expected(1, 4), Texts(spool.Peek(4, 1 << 20)));

        spool.Acknowledge(first, 4);

        Assert.Equal(6, spool.Count);
        Assert.Equal(Expected(5, 10), Texts(spool.Peek(100, 1 << 20)));
        Assert.DoesNotContain("seg-000000000001.jsonl", Segments());
    }

    [Fact]
    public void Append_NeverRewritesWhatIsAlreadySpooled()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20);
        spool.Append(Event(1));
        string segment = Path.Combine(SpoolDir, Assert.Single(Segments()));
        byte[] before = File.ReadAllBytes(segment);

        spool.Append(Event(2));
        spool.Append(Event(3));

        byte[] after = File.ReadAllBytes(segment);
        Assert.Equal(before, after[..before.Length]);
        Assert.Equal("{\"n\":2}\n{\"n\":3}\n", Encoding.UTF8.GetString(after[before.Length..]));
        Assert.False(File.Exists(segment + ".tmp"));
    }

    [Fact]
    public void Restart_ResumesAtTheCursor_NothingSentTwiceNothingLost()
    {
        using (var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20, segmentBytes: 40))
        {
            for (int n = 1; n <= 6; n++)
            {
                spool.Append(Event(n));
            }

            SpoolRead read = spool.Peek(3, 1 << 20);
            spool.Acknowledge(read, 2);
        }

        using var reopened = new EventSpool(SpoolDir, maxBytes: 1 << 20, segmentBytes: 40);
        reopened.Append(Event(7));

        Assert.Equal(5, reopened.Count);
        Assert.Equal(Expected(3, 7), Texts(reopened.Peek(100, 1 << 20)));
    }

    [Fact]
    public void CrashMidWrite_TheCutShortLineIsSkippedAndNewEventsFollowTheWholeOnes()
    {
        Directory.CreateDirectory(SpoolDir);
        File.WriteAllText(Path.Combine(SpoolDir, "seg-000000000001.jsonl"), "{\"n\":1}\n{\"n\":2}\n{\"n\":3");

        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20);
        spool.Append(Event(4));
        SpoolRead read = spool.Peek(100, 1 << 20);

        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":4}"], Texts(read));
        Assert.Equal(1, spool.TornLines);
        spool.Acknowledge(read, 3);
        Assert.Empty(spool.Peek(100, 1 << 20).Events);
        Assert.Equal(0, spool.Count);
        Assert.Empty(Segments());
    }

    [Fact]
    public void Full_RefusesTheNewestAndSaysSo_ThenTakesEventsAgainOnceSent()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 20);

        SpoolAppend[] outcomes = Enumerable.Range(1, 4).Select(n => spool.Append(Event(n))).ToArray();

        Assert.Equal(
            [SpoolAppendKind.OnDisk, SpoolAppendKind.OnDisk, SpoolAppendKind.Refused, SpoolAppendKind.Refused],
            outcomes.Select(o => o.Kind)
        );
        Assert.Contains("spool full (16 of 20 bytes)", outcomes[2].Reason, StringComparison.Ordinal);
        SpoolRead read = spool.Peek(100, 1 << 20);
        spool.Acknowledge(read, read.Events.Count);
        Assert.Equal(SpoolAppendKind.OnDisk, spool.Append(Event(5)).Kind);
        Assert.Equal(["{\"n\":5}"], Texts(spool.Peek(100, 1 << 20)));
    }

    [Fact]
    public void DiskFull_ENOSPC_HoldsEventsInMemoryInOrder_ThenReturnsToDisk()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20);
        spool.Append(Event(1));
        SpoolRead one = spool.Peek(10, 1 << 20);
        spool.Acknowledge(one, 1);
        // The next segment is /dev/full: every write to it fails with "No space left on device", as on a full disk.
        string next = Path.Combine(SpoolDir, "seg-000000000002.jsonl");
        File.CreateSymbolicLink(next, "/dev/full");

        SpoolAppend full = spool.Append(Event(2));
        SpoolAppend queued = spool.Append(Event(3));
        File.Delete(next);

        Assert.Equal(SpoolAppendKind.InMemory, full.Kind);
        Assert.Contains("No space left on device", full.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SpoolAppendKind.InMemory, queued.Kind);
        SpoolRead memory = spool.Peek(10, 1 << 20);
        Assert.False(memory.FromDisk);
        Assert.Equal(Expected(2, 3), Texts(memory));
        spool.Acknowledge(memory, 2);

        Assert.Equal(SpoolAppendKind.DiskRecovered, spool.Append(Event(4)).Kind);
        SpoolRead disk = spool.Peek(10, 1 << 20);
        Assert.True(disk.FromDisk);
        Assert.Equal(["{\"n\":4}"], Texts(disk));
    }

    [Fact]
    public void DiskUnwritable_SpoolPathIsNotADirectory_SurvivesInMemoryAndRefusesWhenThatIsFullToo()
    {
        File.WriteAllText(SpoolDir, "not a directory");
        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20, maxMemoryBytes: 20);

        SpoolAppend[] outcomes = Enumerable.Range(1, 3).Select(n => spool.Append(Event(n))).ToArray();

        Assert.Equal([SpoolAppendKind.InMemory, SpoolAppendKind.InMemory, SpoolAppendKind.Refused], outcomes.Select(o => o.Kind));
        Assert.Contains("in-memory tail is full", outcomes[2].Reason, StringComparison.Ordinal);
        Assert.Equal(Expected(1, 2), Texts(spool.Peek(10, 1 << 20)));
    }

    [Fact]
    public void Append_RefusesWhatCouldNeverBeSentOrRead()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 4L << 20);

        SpoolAppend huge = spool.Append(new byte[EventSpool.MaxEventBytes + 1]);
        SpoolAppend twoLines = spool.Append(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":2}"));

        Assert.Equal(SpoolAppendKind.Refused, huge.Kind);
        Assert.Contains("larger than Event Hubs accepts", huge.Reason, StringComparison.Ordinal);
        Assert.Equal(SpoolAppendKind.Refused, twoLines.Kind);
        Assert.Equal(0, spool.Count);
    }

    [Fact]
    public void Peek_BoundsOneReadByBytesButAlwaysReturnsAtLeastOneEvent()
    {
        using var spool = new EventSpool(SpoolDir, maxBytes: 1 << 20);
        for (int n = 1; n <= 5; n++)
        {
            spool.Append(Event(n));
        }

        Assert.Equal(Expected(1, 2), Texts(spool.Peek(100, maxBytes: 15)));
        Assert.Equal(Expected(1, 1), Texts(spool.Peek(100, maxBytes: 1)));
    }
}
