using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Tests.Storage;

public sealed class InMemoryEventStoreTests
{
    private static readonly StreamName Stream = new("account-1");
    private readonly InMemoryEventStore _store = new();

    [Fact]
    public async Task appending_the_same_events_again_stores_one_copy_and_reports_the_first_append()
    {
        var events = new[] { Event("a"), Event("b") };
        var first = await _store.AppendAsync(Stream, ExpectedVersion.NoStream, events);
        var again = await _store.AppendAsync(Stream, ExpectedVersion.NoStream, events);
        Assert.Equal(AppendStatus.Written, first.Status);
        Assert.Equal(AppendStatus.AlreadyStored, again.Status);
        Assert.Equal((first.Position, first.Version), (again.Position, again.Version));
        Assert.Equal(new GlobalPosition(2), await _store.ReadHeadAsync());
    }

    [Fact]
    public async Task an_event_id_stored_with_other_data_is_refused()
    {
        var e = Event("a");
        await _store.AppendAsync(Stream, ExpectedVersion.Any, [e]);
        var changed = new EventData(e.EventId, e.Type, Encoding.UTF8.GetBytes("{\"x\":2}"), e.Metadata);
        await Assert.ThrowsAsync<DuplicateEventException>(async () => await _store.AppendAsync(Stream, ExpectedVersion.Any, [changed]));
    }

    [Fact]
    public async Task a_wrong_expected_version_is_a_result_with_the_actual_version()
    {
        await _store.AppendAsync(Stream, ExpectedVersion.NoStream, [Event("a")]);
        var result = await _store.AppendAsync(Stream, ExpectedVersion.NoStream, [Event("b")]);
        Assert.Equal(AppendStatus.WrongExpectedVersion, result.Status);
        Assert.Equal(StreamVersion.Start, result.Version);
    }

    [Fact]
    public async Task bad_input_is_refused_with_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => new StreamName(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedVersion.Exact(-1));
        Assert.Throws<ArgumentException>(() => new EventData(Guid.NewGuid(), "t", ReadOnlyMemory<byte>.Empty, new EventMetadata()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.AppendAsync(Stream, ExpectedVersion.Any, []));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.AppendAsync(default, ExpectedVersion.Any, [Event("a")]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await _store.ReadStreamAsync(Stream, new StreamVersion(-1), ReadDirection.Forwards, 10));
    }

    [Fact]
    public async Task a_subscription_catches_up_then_follows_live_appends()
    {
        await _store.AppendAsync(Stream, ExpectedVersion.Any, [Event("a"), Event("b")]);
        using var cts = new CancellationTokenSource();
        var seen = new List<long>();
        var reading = Task.Run(async () =>
        {
            await foreach (var batch in _store.SubscribeAsync(GlobalPosition.Start, 1, cts.Token))
            {
                seen.AddRange(batch.Select(e => e.Position.Value));
                if (seen.Count == 4)
                {
                    return;
                }
            }
        });
        await _store.AppendAsync(new StreamName("account-2"), ExpectedVersion.Any, [Event("c"), Event("d")]);
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1L, 2, 3, 4], seen);
    }

    private static EventData Event(string value) =>
        new(Guid.NewGuid(), "test.thing.v1", Encoding.UTF8.GetBytes($"{{\"value\":\"{value}\"}}"), new EventMetadata());
}
