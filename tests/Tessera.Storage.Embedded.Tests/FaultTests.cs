using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.Tests.Simulation;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>Injected I/O errors and a full disk: no append is acknowledged unless durable, and nothing acknowledged is lost.</summary>
public sealed class FaultTests
{
    private static readonly StreamName Stream = new("order-1");

    [Theory]
    [InlineData("flush")]
    [InlineData("write")]
    public async Task a_failed_write_or_flush_fails_its_append_and_turns_the_store_read_only_for_good(string failing)
    {
        var disk = new SimulatedDisk();
        using var store = Open(disk, 64 * 1024);
        var acknowledged = await AppendAsync(store, 5);
        disk.InjectFaults((kind, name) => kind == failing && name.EndsWith(".seg", StringComparison.Ordinal) ? new IOException("Input/output error (errno 5).") : null);

        var error = await Assert.ThrowsAsync<EventStoreUnavailableException>(
            async () => await store.AppendAsync(Stream, ExpectedVersion.Any, [TestEvents.One()]));

        Assert.IsType<IOException>(error.InnerException);
        Assert.Equal(EmbeddedStoreHealth.ReadOnly, store.Health);
        Assert.Same(error.InnerException, store.Failure);
        disk.InjectFaults((_, _) => null);
        // The kernel may have dropped the pages of a failed flush: the store never tries again as if it could work.
        await Assert.ThrowsAsync<EventStoreUnavailableException>(async () => await store.AppendAsync(Stream, ExpectedVersion.Any, [TestEvents.One()]));
        Assert.Equal(5, (await Acknowledged.VerifyAsync(store, acknowledged)).Count);

        disk.LosePowerNow(new Random(1));
        using var reopened = Open(SimulatedDisk.From(disk.PowerLossImage!), 64 * 1024);
        Assert.Equal(EmbeddedStoreHealth.Healthy, reopened.Health);
        var log = await Acknowledged.VerifyAsync(reopened, acknowledged);
        Assert.InRange(log.Count, 5, 6);
        Assert.Equal(AppendStatus.Written, (await reopened.AppendAsync(Stream, ExpectedVersion.Any, [TestEvents.One()])).Status);
    }

    [Fact]
    public async Task appends_that_share_a_failed_flush_are_none_of_them_acknowledged()
    {
        var disk = new SimulatedDisk();
        using var store = Open(disk, 1 << 20);
        var flushes = 0;
        // Each writer waits for its acknowledgement, so a group holds at most 16 appends: 320 appends need 20 flushes or more.
        disk.InjectFaults((kind, name) => kind == "flush" && name.EndsWith(".seg", StringComparison.Ordinal) && Interlocked.Increment(ref flushes) == 10
            ? new IOException("Input/output error (errno 5).")
            : null);

        var acknowledged = await Acknowledged.AppendUntilFailureAsync(store, seed: 7, writers: 16, appends: 20, largeSize: 2000);

        Assert.Equal(EmbeddedStoreHealth.ReadOnly, store.Health);
        disk.LosePowerNow(new Random(2));
        using var reopened = Open(SimulatedDisk.From(disk.PowerLossImage!), 1 << 20);
        await Acknowledged.VerifyAsync(reopened, acknowledged);
    }

    [Fact]
    public async Task a_full_disk_fails_the_append_that_needs_a_new_segment_and_the_store_goes_on_once_there_is_room()
    {
        var disk = new SimulatedDisk();
        using var store = Open(disk, 4096);
        var full = true;
        disk.InjectFaults((kind, _) => kind == "allocate" && Volatile.Read(ref full) ? new IOException("Could not reserve 4096 bytes: the disk is full (errno 28).") : null);
        var first = await AppendAsync(store, 1, size: 2500);

        var error = await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Stream, ExpectedVersion.Any, [TestEvents.Large(2500)]));

        Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
        Assert.Contains("Earlier events are safe", error.Message, StringComparison.Ordinal);
        Assert.Equal(EmbeddedStoreHealth.Healthy, store.Health);
        Assert.Single(await Acknowledged.VerifyAsync(store, first));
        Volatile.Write(ref full, false);
        var later = await AppendAsync(store, 2, size: 2500);
        disk.LosePowerNow(new Random(3));
        using var reopened = Open(SimulatedDisk.From(disk.PowerLossImage!), 4096);
        Assert.Equal(3, (await Acknowledged.VerifyAsync(reopened, [.. first, .. later])).Count);
    }

    [Fact]
    public async Task a_read_error_fails_the_read_and_leaves_the_store_healthy()
    {
        var disk = new SimulatedDisk();
        using var store = Open(disk, 64 * 1024);
        var acknowledged = await AppendAsync(store, 3);
        disk.InjectFaults((kind, _) => kind == "read" ? new IOException("Input/output error (errno 5).") : null);

        await Assert.ThrowsAsync<IOException>(async () => await store.ReadAllAsync(GlobalPosition.Start, 10));

        Assert.Equal(EmbeddedStoreHealth.Healthy, store.Health);
        disk.InjectFaults((_, _) => null);
        Assert.Equal(3, (await Acknowledged.VerifyAsync(store, acknowledged)).Count);
    }

    [Fact]
    public async Task a_failed_index_checkpoint_costs_only_a_rescan_at_the_next_open()
    {
        var disk = new SimulatedDisk();
        List<AcknowledgedEvent> acknowledged;
        disk.InjectFaults((kind, name) => kind == "write" && name.EndsWith(".tmp", StringComparison.Ordinal) ? new IOException("No space left on device.") : null);
        using (var store = Open(disk, 4096))
        {
            acknowledged = await AppendAsync(store, 30, size: 300);
            Assert.Equal(EmbeddedStoreHealth.Healthy, store.Health);
        }
        disk.InjectFaults((_, _) => null);
        Assert.DoesNotContain(disk.ListFiles(), f => f.EndsWith(".idx", StringComparison.Ordinal));
        var logger = new ListLogger();

        using var reopened = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = disk.Path, SegmentSize = 4096 }, disk, logger);

        Assert.Equal(30, (await Acknowledged.VerifyAsync(reopened, acknowledged)).Count);
        Assert.True(logger.Logged("Rebuilt the index checkpoint"));
        Assert.Contains(disk.ListFiles(), f => f.EndsWith(".idx", StringComparison.Ordinal));
    }

    private static async Task<List<AcknowledgedEvent>> AppendAsync(EmbeddedEventStore store, int count, int size = 100)
    {
        var acknowledged = new List<AcknowledgedEvent>();
        for (var i = 0; i < count; i++)
        {
            var e = TestEvents.Large(size);
            var result = await store.AppendAsync(Stream, ExpectedVersion.Any, [e]);
            acknowledged.Add(new AcknowledgedEvent(e, Stream.Value, result.Position.Value, result.Version.Value));
        }
        return acknowledged;
    }

    private static EmbeddedEventStore Open(SimulatedDisk disk, long segmentSize) =>
        new(new EmbeddedStoreOptions { DataFolder = disk.Path, SegmentSize = segmentSize }, disk, null);
}
