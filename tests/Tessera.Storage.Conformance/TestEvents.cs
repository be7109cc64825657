using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Xunit;

namespace Tessera.Storage.Conformance;

/// <summary>Events for store tests, with every metadata field filled so a store that drops one is caught.</summary>
public static class TestEvents
{
    /// <summary>An event with small JSON data naming <paramref name="label"/>.</summary>
    public static EventData One(string label = "e", string type = "test.happened.v1") =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes($$"""{"label":"{{label}}"}"""), Metadata());

    /// <summary><paramref name="count"/> events labelled 0, 1, 2...</summary>
    public static EventData[] Many(int count, string prefix = "e") =>
        [.. Enumerable.Range(0, count).Select(i => One($"{prefix}{i}"))];

    /// <summary>An event whose data is <paramref name="size"/> bytes of a pattern, to catch a store that cuts or mixes data.</summary>
    public static EventData Large(int size)
    {
        var data = new byte[size];
        for (var i = 0; i < size; i++)
        {
            data[i] = (byte)((i * 31) + (i >> 8));
        }
        return new EventData(Guid.NewGuid(), "test.large.v1", data, Metadata());
    }

    /// <summary>Metadata with every field set, a signature included.</summary>
    public static EventMetadata Metadata() => new()
    {
        CorrelationId = Guid.NewGuid(),
        CausationId = Guid.NewGuid(),
        User = "zoë@example.org",
        Time = new DateTimeOffset(2026, 11, 23, 10, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567),
        Signature = new SignatureRecord("Zoë Test", "approved", new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.Zero), "sha256:abc", "password"),
    };

    /// <summary>Asserts that a stored event is exactly the event that was appended.</summary>
    public static void AssertSame(EventData expected, RecordedEvent actual)
    {
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.True(expected.Data.Span.SequenceEqual(actual.Data.Span), $"The data of event {expected.EventId} differs from what was appended.");
    }
}
