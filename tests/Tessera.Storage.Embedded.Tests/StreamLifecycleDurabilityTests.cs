using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>Deletion, tombstones and limits are events in the log: they survive a restart, from a scanned tail and from index checkpoints.</summary>
public sealed class StreamLifecycleDurabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task deletes_tombstones_and_limits_hold_after_a_reopen(bool crossSegments)
    {
        using (var store = Open())
        {
            await store.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, TestEvents.Many(3));
            await store.AppendAsync(new StreamName("order-2"), ExpectedVersion.NoStream, TestEvents.Many(2));
            await store.AppendAsync(new StreamName("order-3"), ExpectedVersion.NoStream, TestEvents.Many(5));
            await store.DeleteStreamAsync(new StreamName("order-1"), ExpectedVersion.Exact(2));
            await store.TombstoneStreamAsync(new StreamName("order-2"), ExpectedVersion.Any);
            await store.SetStreamMetadataAsync(new StreamName("order-3"), new StreamMetadata(MaxCount: 2));
            // Enough other events to seal segments, so the metadata events are loaded from index checkpoints.
            for (var i = 0; crossSegments && i < 40; i++)
            {
                await store.AppendAsync(new StreamName($"filler-{i}"), ExpectedVersion.NoStream, [TestEvents.Large(8_000)]);
            }
        }

        using var reopened = Open();

        Assert.Equal(crossSegments, Directory.GetFiles(_folder.Path, "*.idx").Length > 0);
        Assert.False((await reopened.ReadStreamAsync(new StreamName("order-1"), StreamVersion.Start, ReadDirection.Forwards, 10)).StreamExists);
        var recreated = await reopened.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [TestEvents.One()]);
        Assert.Equal(new StreamVersion(3), recreated.Version);
        Assert.False((await reopened.ReadStreamAsync(new StreamName("order-2"), StreamVersion.Start, ReadDirection.Forwards, 10)).StreamExists);
        await Assert.ThrowsAsync<StreamDeletedException>(async () => await reopened.AppendAsync(new StreamName("order-2"), ExpectedVersion.Any, [TestEvents.One()]));
        var limited = await reopened.ReadStreamAsync(new StreamName("order-3"), StreamVersion.Start, ReadDirection.Forwards, 10);
        Assert.Equal([3L, 4L], limited.Events.Select(e => e.Version.Value));
        Assert.Equal(new StreamMetadata(MaxCount: 2), await reopened.ReadStreamMetadataAsync(new StreamName("order-3")));
    }

    public void Dispose() => _folder.Dispose();

    private EmbeddedEventStore Open() => new(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = 64 * 1024 });
}
