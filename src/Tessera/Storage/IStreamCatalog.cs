namespace Tessera.Storage;

/// <summary>Lists the streams a store holds, for operators' tools (the admin console); the write path never needs it.</summary>
public interface IStreamCatalog
{
    /// <summary>
    /// Lists streams whose category is <paramref name="category"/> (any when null or empty) and whose name contains
    /// <paramref name="nameContains"/> (any when null or empty, case-insensitive), the most recently written first,
    /// skipping <paramref name="skip"/> and returning at most <paramref name="maxCount"/>.
    /// </summary>
    ValueTask<StreamCatalogPage> ListStreamsAsync(string? category, string? nameContains, int skip, int maxCount, CancellationToken cancellationToken = default);
}

/// <summary>One stream as the catalog lists it: its name, last version and the global position of its last event.</summary>
public sealed record StreamInfo(StreamName Name, StreamVersion LastVersion, GlobalPosition LastPosition);

/// <summary>A page of the stream catalog and how many streams matched in all.</summary>
public sealed record StreamCatalogPage(IReadOnlyList<StreamInfo> Streams, int TotalMatching);

/// <summary>The filtering and paging every catalog shares, so all stores answer alike.</summary>
internal static class StreamCatalogQuery
{
    public const int MaxPageSize = 1_000;

    public static void Check(int skip, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (maxCount is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A catalog page holds 1 to {MaxPageSize} streams.");
        }
    }

    public static bool Matches(string stream, string? category, string? nameContains) =>
        (string.IsNullOrEmpty(category) || CategoryOf(stream).SequenceEqual(category))
        && (string.IsNullOrEmpty(nameContains) || stream.Contains(nameContains, StringComparison.OrdinalIgnoreCase));

    private static ReadOnlySpan<char> CategoryOf(string stream)
    {
        var dash = stream.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? stream : stream.AsSpan(0, dash);
    }

    public static StreamCatalogPage Page(List<StreamInfo> matching, int skip, int maxCount)
    {
        matching.Sort((a, b) => b.LastPosition.Value.CompareTo(a.LastPosition.Value));
        return new StreamCatalogPage([.. matching.Skip(skip).Take(maxCount)], matching.Count);
    }
}
