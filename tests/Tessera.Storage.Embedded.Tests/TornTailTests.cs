using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.Segments;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>A half-written last record, or garbage after it, is cut on open and logged; everything before it stays.</summary>
public sealed class TornTailTests : IDisposable
{
    private const int Events = 20;
    private readonly TempFolder _temp = new();
    private readonly string _pristine;
    private readonly List<AcknowledgedEvent> _written;

    public TornTailTests()
    {
        _pristine = Path.Combine(_temp.Path, "pristine");
        _written = WriteAsync(_pristine).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task cutting_the_last_segment_at_any_offset_of_its_last_record_loses_only_that_record()
    {
        var (segment, _, records) = StoreFiles.LastWithData(_pristine);
        var (recordStart, recordLength) = records[^1];
        var chunkStart = recordStart - SegmentFormat.ChunkHeaderSize;
        var chunkEnd = recordStart + SegmentFormat.Align(recordLength);
        var name = Path.GetFileName(segment);
        var run = 0;
        for (var cut = chunkStart; cut < chunkEnd; cut++)
        {
            foreach (var truncate in new[] { false, true })
            {
                var copy = Path.Combine(_temp.Path, $"cut-{run++}");
                StoreFiles.Copy(_pristine, copy);
                if (truncate)
                {
                    using var file = File.Open(Path.Combine(copy, name), FileMode.Open);
                    file.SetLength(cut);
                }
                else
                {
                    StoreFiles.Zero(Path.Combine(copy, name), cut, chunkEnd);
                }
                var logger = new ListLogger();
                var intact = !truncate && cut >= recordStart + recordLength;
                using (var store = Open(copy, logger))
                {
                    var log = await Acknowledged.VerifyAsync(store, intact ? _written : _written[..^1]);
                    Assert.Equal(intact ? Events : Events - 1, log.Count);
                    Assert.Equal(!intact && cut > chunkStart, logger.Logged("Cut a torn tail from segment " + name));
                    Assert.Equal(EmbeddedStoreHealth.Healthy, store.Health);
                    if (cut % 5 == 0)
                    {
                        await store.AppendAsync(new StreamName("after-1"), ExpectedVersion.NoStream, [TestEvents.One()]);
                    }
                }
                using (var reopened = Open(copy, new ListLogger()))
                {
                    var log = await Acknowledged.VerifyAsync(reopened, intact ? _written : _written[..^1]);
                    Assert.Equal((intact ? Events : Events - 1) + (cut % 5 == 0 ? 1 : 0), log.Count);
                }
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task random_garbage_after_the_last_record_is_cut_and_logged(int seed)
    {
        var random = new Random(seed);
        var (segment, _, records) = StoreFiles.LastWithData(_pristine);
        var end = records[^1].Offset + SegmentFormat.Align(records[^1].Length);
        var copy = Path.Combine(_temp.Path, "garbage");
        StoreFiles.Copy(_pristine, copy);
        var garbage = new byte[random.Next(1, 3000)];
        random.NextBytes(garbage);
        var capacity = new FileInfo(segment).Length;
        var at = seed % 2 == 0 ? end : end + random.Next((int)(capacity - end - garbage.Length));
        StoreFiles.Put(Path.Combine(copy, Path.GetFileName(segment)), at, garbage);
        var logger = new ListLogger();

        using (var store = Open(copy, logger))
        {
            Assert.Equal(Events, (await Acknowledged.VerifyAsync(store, _written)).Count);
            Assert.True(logger.Logged("Cut a torn tail"));
            await store.AppendAsync(new StreamName("after-1"), ExpectedVersion.NoStream, TestEvents.Many(3));
        }
        using var reopened = Open(copy, logger);
        Assert.Equal(Events + 3, (await Acknowledged.VerifyAsync(reopened, _written)).Count);
    }

    [Fact]
    public async Task a_copy_of_an_earlier_chunk_after_the_end_is_cut_as_leftovers_not_taken_for_events()
    {
        var (segment, _, records) = StoreFiles.LastWithData(_pristine);
        var last = records[^1];
        var end = last.Offset + SegmentFormat.Align(last.Length);
        var chunk = new byte[SegmentFormat.ChunkHeaderSize + SegmentFormat.Align(records[0].Length)];
        using (var file = File.OpenRead(segment))
        {
            file.Position = records[0].Offset - SegmentFormat.ChunkHeaderSize;
            file.ReadExactly(chunk);
        }
        var copy = Path.Combine(_temp.Path, "stale");
        StoreFiles.Copy(_pristine, copy);
        StoreFiles.Put(Path.Combine(copy, Path.GetFileName(segment)), end + 64, chunk);

        using var store = Open(copy, new ListLogger());

        Assert.Equal(Events, (await Acknowledged.VerifyAsync(store, _written)).Count);
    }

    public void Dispose() => _temp.Dispose();

    private static async Task<List<AcknowledgedEvent>> WriteAsync(string folder)
    {
        var written = new List<AcknowledgedEvent>();
        using var store = Open(folder, new ListLogger());
        for (var i = 0; i < Events; i++)
        {
            var e = TestEvents.One($"{i}");
            var stream = $"s-{i % 3}";
            var result = await store.AppendAsync(new StreamName(stream), ExpectedVersion.Any, [e]);
            written.Add(new AcknowledgedEvent(e, stream, result.Position.Value, result.Version.Value));
        }
        return written;
    }

    private static EmbeddedEventStore Open(string folder, ListLogger logger) =>
        new(new EmbeddedStoreOptions { DataFolder = folder, SegmentSize = 8192 }, logger);
}
