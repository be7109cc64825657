using System.Buffers.Binary;
using NATS.Client.Core;
using Tessera.Storage;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Nats.Tests;

/// <summary>The "batch.v1" payload: many events per message, read back exactly, from any checkpoint, and refused when damaged.</summary>
public sealed class EventBatchCodecTests
{
    [Fact]
    public void a_batch_reads_back_every_event_exactly()
    {
        var events = Recorded([3, 4, 10, 11]);
        var payload = Write(events);

        var read = new List<RecordedEvent>();
        Assert.Equal(4, EventBatchReader.Read(payload, GlobalPosition.Start, read));

        Assert.Equal(events.Count, read.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].EventId, read[i].EventId);
            Assert.Equal(events[i].Stream, read[i].Stream);
            Assert.Equal(events[i].Version, read[i].Version);
            Assert.Equal(events[i].Position, read[i].Position);
            Assert.Equal(events[i].Type, read[i].Type);
            Assert.Equal(events[i].Metadata, read[i].Metadata);
            Assert.True(events[i].Data.Span.SequenceEqual(read[i].Data.Span));
        }
        Assert.Equal("ordér-3 ✓", read[0].Stream.Value);
    }

    [Theory]
    [InlineData(0, new long[] { 3, 4, 10, 11 })]
    [InlineData(3, new long[] { 4, 10, 11 })]
    [InlineData(5, new long[] { 10, 11 })]
    [InlineData(10, new long[] { 11 })]
    [InlineData(11, new long[0])]
    [InlineData(99, new long[0])]
    public void a_checkpoint_inside_a_batch_keeps_only_the_events_after_it(long checkpoint, long[] expected)
    {
        var read = new List<RecordedEvent>();
        EventBatchReader.Read(Write(Recorded([3, 4, 10, 11])), new GlobalPosition(checkpoint), read);

        Assert.Equal(expected, read.Select(e => e.Position.Value));
    }

    [Fact]
    public void a_reader_takes_no_more_than_it_asks_for()
    {
        var read = new List<RecordedEvent>();
        Assert.Equal(2, EventBatchReader.Read(Write(Recorded([3, 4, 10, 11])), new GlobalPosition(3), read, maxCount: 2));

        Assert.Equal([4L, 10L], read.Select(e => e.Position.Value));
    }

    [Fact]
    public void a_full_batch_refuses_the_next_event_and_an_event_too_large_alone_is_refused_with_its_position()
    {
        var small = Recorded([1, 2, 3]);
        var size = Write(small[..1]).Length;
        using var writer = new EventBatchWriter((size * 2) + 1);
        Assert.True(writer.TryAdd(small[0]));
        Assert.True(writer.TryAdd(small[1]));
        Assert.False(writer.TryAdd(small[2]));
        Assert.Equal(new GlobalPosition(2), writer.Last);
        Assert.Equal(2 * size, writer.Payload.Length);

        using var tiny = new EventBatchWriter(size - 1);
        var error = Assert.Throws<InvalidDataException>(() => tiny.TryAdd(small[0]));
        Assert.Contains("Event 1 takes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tiny.Count);
    }

    [Fact]
    public void events_out_of_order_are_refused_by_the_writer()
    {
        using var writer = new EventBatchWriter(1 << 20);
        var events = Recorded([5, 4]);
        Assert.True(writer.TryAdd(events[0]));

        Assert.Throws<ArgumentException>(() => writer.TryAdd(events[1]));
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void a_cut_or_garbled_payload_is_refused_with_where_it_broke()
    {
        var payload = Write(Recorded([3, 4])).ToArray();

        var cut = Assert.Throws<InvalidDataException>(() => EventBatchReader.Read(payload.AsMemory(0, payload.Length - 3), GlobalPosition.Start, []));
        Assert.Contains("damaged at byte", cut.Message, StringComparison.Ordinal);

        var backwards = (byte[])payload.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(backwards, 9);
        var order = Assert.Throws<InvalidDataException>(() => EventBatchReader.Read(backwards, GlobalPosition.Start, []));
        Assert.Contains("position 4 does not follow 9", order.Message, StringComparison.Ordinal);

        var lengths = (byte[])payload.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(lengths.AsSpan(32), int.MaxValue);
        Assert.Throws<InvalidDataException>(() => EventBatchReader.Read(lengths, GlobalPosition.Start, []));
    }

    [Fact]
    public void a_message_of_an_unknown_format_is_refused_naming_the_format()
    {
        var headers = new NatsHeaders { [EventMessages.Position] = "4", [EventMessages.Format] = "batch.v9" };

        var error = Assert.Throws<InvalidDataException>(() => EventMessages.Read(headers, Write(Recorded([3, 4])), GlobalPosition.Start, []));

        Assert.Contains("'batch.v9'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void a_message_without_the_tessera_headers_is_refused_as_not_from_the_relay()
    {
        var error = Assert.Throws<InvalidDataException>(() => EventMessages.Read(new NatsHeaders(), "not an event"u8.ToArray(), GlobalPosition.Start, []));

        Assert.Contains("was not published by the Tessera relay", error.Message, StringComparison.Ordinal);
    }

    internal static List<RecordedEvent> Recorded(long[] positions) =>
    [
        .. positions.Select(p =>
        {
            var data = TestEvents.One($"{p}");
            return new RecordedEvent(data.EventId, new StreamName($"ordér-{p} ✓"), new StreamVersion(p % 3), new GlobalPosition(p), data.Type, data.Data, data.Metadata);
        }),
    ];

    private static ReadOnlyMemory<byte> Write(IEnumerable<RecordedEvent> events)
    {
        using var writer = new EventBatchWriter(1 << 20);
        foreach (var e in events)
        {
            Assert.True(writer.TryAdd(e));
        }
        return writer.Payload.ToArray();
    }
}
