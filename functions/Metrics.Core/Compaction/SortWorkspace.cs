namespace Metrics.Core.Compaction;

/// <summary>The sort's arrays, kept across key ranges, and its comparison.</summary>
internal sealed class SortWorkspace : IComparer<int>
{
    public int[] Order { get; private set; } = [];

    public int[] Rank { get; private set; } = [];

    public long[][] Keys { get; private set; } = [];

    public void Ensure(int rows, int keys)
    {
        if (Order.Length < rows || Keys.Length != keys)
        {
            Order = new int[rows];
            Rank = new int[rows];
            Keys = Enumerable.Range(0, keys).Select(_ => new long[rows]).ToArray();
        }
    }

    public int CompareKeys(int a, int b)
    {
        int result = Rank[a].CompareTo(Rank[b]);
        for (int k = 0; result == 0 && k < Keys.Length; k++)
        {
            result = Keys[k][a].CompareTo(Keys[k][b]);
        }

        return result;
    }

    public int Compare(int a, int b) => CompareKeys(a, b) is var c && c != 0 ? c : a.CompareTo(b);

    /// <summary>
    /// Sorts the collected rows by (first key, then-by keys) into <see cref="SortWorkspace.Order"/> and leaves each exact
    /// replay after its first copy out; returns how many rows are kept. The workspace's arrays are reused range after range.
    /// </summary>
    public int SortAndDropReplays(List<int> ranks, ColumnCollector[] columns, int[] thenBy)
    {
        int n = ranks.Count;
        Ensure(n, thenBy.Length);
        ranks.CopyTo(Rank);
        for (int k = 0; k < thenBy.Length; k++)
        {
            long[] values = Keys[k];
            ColumnCollector column = columns[thenBy[k]];
            for (int i = 0; i < n; i++)
            {
                values[i] = column.SortKey(i);
            }
        }

        int[] order = Order;
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Ties (exact replays) then fall in landing order, so the copy kept is the first one read: deterministic.
        System.Array.Sort(order, 0, n, this);
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            if (kept == 0 || CompareKeys(order[kept - 1], order[i]) != 0)
            {
                order[kept++] = order[i];
            }
        }

        return kept;
    }
}
