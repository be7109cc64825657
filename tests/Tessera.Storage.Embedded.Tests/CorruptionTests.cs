using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.Segments;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>Damage to data that was durable is always found and never cut away silently; repair keeps what precedes it.</summary>
public sealed class CorruptionTests : IDisposable
{
    private const int Events = 60;
    private readonly TempFolder _temp = new();
    private readonly string _pristine;
    private readonly List<AcknowledgedEvent> _written;

    public CorruptionTests()
    {
        _pristine = Path.Combine(_temp.Path, "pristine");
        _written = WriteAsync(_pristine).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task a_flipped_bit_anywhere_in_a_sealed_segment_is_detected()
    {
        var segment = StoreFiles.Segments(_pristine)[0];
        var name = Path.GetFileName(segment);
        var records = StoreFiles.Records(segment, 1);
        var (firstRecord, firstLength) = records[0];
        var offsets = Enumerable.Range(0, (int)(firstRecord + firstLength)) // segment header, first chunk header, first record
            .Select(o => (long)o)
            .Concat(Enumerable.Range(0, (int)(new FileInfo(segment).Length / 13)).Select(i => (long)i * 13)) // the rest, padding and zeros included
            .Distinct()
            .ToList();
        Assert.True(StoreFiles.Segments(_pristine).Length >= 4);
        Assert.True(File.Exists(Path.ChangeExtension(segment, SegmentFormat.IndexExtension)));

        var run = 0;
        foreach (var offset in offsets)
        {
            var copy = Path.Combine(_temp.Path, $"flip-{run++}");
            StoreFiles.Copy(_pristine, copy);
            StoreFiles.FlipBit(Path.Combine(copy, name), offset);

            // With its index checkpoint, opening does not read the segment: the damage shows on a full check, and a
            // read that meets it fails rather than serving damaged data.
            var found = EmbeddedStoreRepair.Verify(copy);
            Assert.NotNull(found);
            Assert.Equal(name, found.Segment);
            await AssertNeverServesDamageAsync(copy);

            // Without it, opening reads the segment and refuses.
            File.Delete(Path.Combine(copy, SegmentFormat.IndexFileName(1)));
            var refused = Assert.Throws<EmbeddedStoreCorruptedException>(() => Open(copy).Dispose());
            Assert.Equal(name, refused.Segment);
            Assert.Contains(name, refused.Message, StringComparison.Ordinal);
            Assert.Contains("EmbeddedStoreRepair", refused.Message, StringComparison.Ordinal);
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task damage_in_the_last_segment_followed_by_later_chunks_is_refused_not_cut()
    {
        var (segment, first, records) = StoreFiles.LastWithData(_pristine);
        Assert.True(records.Count >= 3);
        var name = Path.GetFileName(segment);
        foreach (var record in records.Take(records.Count - 1))
        {
            var copy = Path.Combine(_temp.Path, $"middle-{record.Offset}");
            StoreFiles.Copy(_pristine, copy);
            StoreFiles.FlipBit(Path.Combine(copy, name), record.Offset + (record.Length / 2));

            var refused = Assert.Throws<EmbeddedStoreCorruptedException>(() => Open(copy).Dispose());

            Assert.Equal(name, refused.Segment);
            Assert.Equal(record.Offset - SegmentFormat.ChunkHeaderSize, refused.Offset);
        }
        await Task.CompletedTask;
        Assert.True(first > 1);
    }

    [Fact]
    public async Task damage_in_the_last_chunk_of_the_log_cannot_be_told_from_a_torn_write_and_is_cut_and_logged()
    {
        var (segment, _, records) = StoreFiles.LastWithData(_pristine);
        var copy = Path.Combine(_temp.Path, "last");
        StoreFiles.Copy(_pristine, copy);
        StoreFiles.FlipBit(Path.Combine(copy, Path.GetFileName(segment)), records[^1].Offset + 20);
        var logger = new ListLogger();

        using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = copy, SegmentSize = 4096 }, logger);

        Assert.Equal(Events - 1, (await Acknowledged.VerifyAsync(store, _written[..^1])).Count);
        Assert.True(logger.Logged("Cut a torn tail"));
    }

    [Fact]
    public async Task repair_keeps_every_event_before_the_damage_and_sets_the_rest_aside()
    {
        var segments = StoreFiles.Segments(_pristine);
        var second = segments[1];
        var firstCount = StoreFiles.Records(segments[0], 1).Count;
        var records = StoreFiles.Records(second, firstCount + 1);
        var copy = Path.Combine(_temp.Path, "repair");
        StoreFiles.Copy(_pristine, copy);
        StoreFiles.FlipBit(Path.Combine(copy, Path.GetFileName(second)), records[1].Offset + 60);
        File.Delete(Path.Combine(copy, SegmentFormat.IndexFileName(2)));
        Assert.Throws<EmbeddedStoreCorruptedException>(() => Open(copy).Dispose());

        var report = EmbeddedStoreRepair.Repair(copy);

        Assert.Equal(Path.GetFileName(second), report.DamagedSegment);
        Assert.Equal(records[1].Offset - SegmentFormat.ChunkHeaderSize, report.DamagedOffset);
        Assert.Equal(firstCount + 1, report.EventsKept);
        Assert.NotNull(report.SetAsideFolder);
        Assert.True(File.Exists(Path.Combine(report.SetAsideFolder, Path.GetFileName(second))));
        Assert.True(File.Exists(Path.Combine(report.SetAsideFolder, Path.GetFileName(segments[^1]))));
        Assert.Null(EmbeddedStoreRepair.Verify(copy));
        using var store = Open(copy);
        var kept = _written.Where(w => w.Position <= firstCount + 1).ToList();
        Assert.Equal(firstCount + 1, (await Acknowledged.VerifyAsync(store, kept)).Count);
        var after = await store.AppendAsync(new StreamName("after-1"), ExpectedVersion.NoStream, [TestEvents.One()]);
        Assert.Equal(new GlobalPosition(firstCount + 2), after.Position);
    }

    [Fact]
    public void repairing_a_sound_store_changes_nothing()
    {
        var copy = Path.Combine(_temp.Path, "sound");
        StoreFiles.Copy(_pristine, copy);

        var report = EmbeddedStoreRepair.Repair(copy);

        Assert.Null(report.DamagedSegment);
        Assert.Equal(Events, report.EventsKept);
        Assert.Null(report.SetAsideFolder);
    }

    [Fact]
    public void a_missing_segment_is_refused()
    {
        var copy = Path.Combine(_temp.Path, "missing");
        StoreFiles.Copy(_pristine, copy);
        File.Delete(Path.Combine(copy, SegmentFormat.SegmentFileName(2)));

        var refused = Assert.Throws<EmbeddedStoreCorruptedException>(() => Open(copy).Dispose());

        Assert.Equal(SegmentFormat.SegmentFileName(2), refused.Segment);
    }

    public void Dispose() => _temp.Dispose();

    private async Task AssertNeverServesDamageAsync(string folder)
    {
        EmbeddedEventStore store;
        try
        {
            store = Open(folder);
        }
        catch (EmbeddedStoreCorruptedException)
        {
            return;
        }
        using (store)
        {
            try
            {
                Assert.Equal(Events, (await Acknowledged.VerifyAsync(store, _written)).Count);
            }
            catch (EmbeddedStoreCorruptedException)
            {
                return;
            }
        }
    }

    private static async Task<List<AcknowledgedEvent>> WriteAsync(string folder)
    {
        var written = new List<AcknowledgedEvent>();
        using var store = Open(folder);
        for (var i = 0; i < Events; i++)
        {
            var e = TestEvents.One($"{i}");
            var stream = $"s-{i % 4}";
            var result = await store.AppendAsync(new StreamName(stream), ExpectedVersion.Any, [e]);
            written.Add(new AcknowledgedEvent(e, stream, result.Position.Value, result.Version.Value));
        }
        return written;
    }

    private static EmbeddedEventStore Open(string folder) =>
        new(new EmbeddedStoreOptions { DataFolder = folder, SegmentSize = 4096 });
}
