using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Storage.Embedded.Recovery;
using Tessera.Storage.Embedded.Segments;

namespace Tessera.Storage.Embedded;

/// <summary>
/// Checks and repairs a closed embedded store. Repair keeps the longest undamaged prefix of the log and moves the damaged
/// segment's original and every later segment into a "damaged-…" folder beside them, so nothing is deleted.
/// </summary>
public static class EmbeddedStoreRepair
{
    /// <summary>Reads every segment in full, checkpoints ignored, and returns the first damage found, or null.</summary>
    public static EmbeddedStoreCorruptedException? Verify(string dataFolder)
    {
        var folder = new PhysicalStorageFolder(dataFolder, fillWithZeros: false);
        using (folder.Lock())
        {
            return Verify(folder);
        }
    }

    /// <summary>Cuts the log just before its first damage, setting the damaged and later segments aside; a sound store is left as it is.</summary>
    public static EmbeddedStoreRepairReport Repair(string dataFolder)
    {
        var folder = new PhysicalStorageFolder(dataFolder, fillWithZeros: true);
        string? aside = null;
        EmbeddedStoreCorruptedException? damage;
        using (folder.Lock())
        {
            damage = Verify(folder);
            if (damage is not null)
            {
                aside = SetAside(folder, damage);
            }
        }
        using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = dataFolder });
        var kept = store.ReadHeadAsync().AsTask().GetAwaiter().GetResult();
        return new EmbeddedStoreRepairReport(damage?.Segment, damage?.Offset ?? 0, kept.Value, aside);
    }

    internal static EmbeddedStoreCorruptedException? Verify(IStorageFolder folder)
    {
        try
        {
            var loaded = new StoreLoader(folder, EmbeddedStoreOptions.MinSegmentSize, flush: false, NullLogger.Instance, verifyOnly: true).Load();
            loaded.Segments.Dispose();
            return null;
        }
        catch (EmbeddedStoreCorruptedException e)
        {
            return e;
        }
    }

    private static string SetAside(PhysicalStorageFolder folder, EmbeddedStoreCorruptedException damage)
    {
        var aside = Path.Combine(folder.Path, $"damaged-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}");
        Directory.CreateDirectory(aside);
        SegmentFormat.TryParseNumber(damage.Segment, SegmentFormat.SegmentExtension, out var damaged);
        foreach (var name in folder.ListFiles())
        {
            var later = SegmentFormat.TryParseNumber(name, SegmentFormat.SegmentExtension, out var number) && number > damaged;
            var checkpoint = SegmentFormat.TryParseNumber(name, SegmentFormat.IndexExtension, out number) && number >= damaged;
            if (later || checkpoint || (name == damage.Segment && damage.Offset < SegmentFormat.HeaderSize))
            {
                File.Move(Path.Combine(folder.Path, name), Path.Combine(aside, name));
            }
        }
        if (damage.Offset >= SegmentFormat.HeaderSize && File.Exists(Path.Combine(folder.Path, damage.Segment)))
        {
            File.Copy(Path.Combine(folder.Path, damage.Segment), Path.Combine(aside, damage.Segment));
            using var file = folder.Open(damage.Segment);
            var zeros = new byte[1 << 20];
            for (var at = damage.Offset; at < file.Length; at += zeros.Length)
            {
                file.Write(at, zeros.AsSpan(0, (int)Math.Min(zeros.Length, file.Length - at)));
            }
            file.Flush();
        }
        folder.Flush();
        return aside;
    }
}

/// <summary>What a repair found and did.</summary>
/// <param name="DamagedSegment">The segment where the first damage was, or null if the store was sound.</param>
/// <param name="DamagedOffset">The offset of the damage in that segment.</param>
/// <param name="EventsKept">How many events the store holds after the repair.</param>
/// <param name="SetAsideFolder">Where the damaged segment's original and the later segments were moved, or null.</param>
public sealed record EmbeddedStoreRepairReport(string? DamagedSegment, long DamagedOffset, long EventsKept, string? SetAsideFolder);
