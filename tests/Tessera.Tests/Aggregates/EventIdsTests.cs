using Tessera.Aggregates;
using Xunit;

namespace Tessera.Tests.Aggregates;

public sealed class EventIdsTests
{
    private static readonly Guid Command = Guid.Parse("0190f1a2-0000-7000-8000-000000000001");

    [Fact]
    public void the_same_command_stream_and_index_give_the_same_id() =>
        Assert.Equal(EventIds.Derive(Command, "order-1", 0), EventIds.Derive(Command, "order-1", 0));

    [Fact]
    public void another_command_stream_or_index_gives_another_id()
    {
        var ids = new[]
        {
            EventIds.Derive(Command, "order-1", 0),
            EventIds.Derive(Command, "order-1", 1),
            EventIds.Derive(Command, "order-2", 0),
            EventIds.Derive(Guid.CreateVersion7(), "order-1", 0),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void derived_ids_are_version_8_uuids() =>
        Assert.Equal(8, EventIds.Derive(Command, "order-1", 0).Version);
}
