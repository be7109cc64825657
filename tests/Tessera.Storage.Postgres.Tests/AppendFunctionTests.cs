using Npgsql;
using Tessera.Storage.Conformance;
using Xunit;

namespace Tessera.Storage.Postgres.Tests;

/// <summary>The append function decides each append of one group in order: written, wrong version or already stored.</summary>
public sealed class AppendFunctionTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly PostgresStoreHarness _harness = new();
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync() => _store = await _harness.OpenAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task one_group_mixing_written_stored_and_wrong_version_appends_gets_each_status_and_consecutive_positions()
    {
        var first = await _store.AppendAsync(new StreamName("a"), ExpectedVersion.NoStream, TestEvents.Many(2, "a-"));
        var stored = TestEvents.Many(2, "b-");
        var b = await _store.AppendAsync(new StreamName("b"), ExpectedVersion.NoStream, stored);
        Assert.Equal(new StreamVersion(1), first.Version);
        Assert.Equal(new StreamVersion(1), b.Version);

        var group = new List<PendingAppend>
        {
            new(new StreamName("a"), ExpectedVersion.Exact(1), TestEvents.Many(3, "a2-")),
            new(new StreamName("b"), ExpectedVersion.Any, [.. TestEvents.Many(1, "b2-"), stored[1]]),
            new(new StreamName("a"), ExpectedVersion.Exact(1), TestEvents.Many(1, "a3-")),
            new(new StreamName("c"), ExpectedVersion.NoStream, TestEvents.Many(2, "c-")),
            new(new StreamName("a"), ExpectedVersion.Exact(4), TestEvents.Many(1, "a4-")),
        };
        var results = await ExecuteAsync(group);

        Assert.Equal([0, 2, 1, 0, 0], results.Select(r => r.Status));
        Assert.Equal([4L, 1L, 4L, 1L, 5L], results.Select(r => r.Version));
        var written = results.Where(r => r.Status == 0).Select(r => r.Position).ToArray();
        Assert.Equal(b.Position.Value + 3, written[0]);
        Assert.Equal(written[0] + 2, written[1]);
        Assert.Equal(written[1] + 1, written[2]);

        var a = await _store.ReadStreamAsync(new StreamName("a"), StreamVersion.Start, ReadDirection.Forwards, 100);
        Assert.Equal(["a-0", "a-1", "a2-0", "a2-1", "a2-2", "a4-0"], a.Events.Select(Label));
        var stream = await _store.ReadStreamAsync(new StreamName("b"), StreamVersion.Start, ReadDirection.Forwards, 100);
        Assert.Equal(2, stream.Events.Count);
    }

    [Fact]
    public async Task a_group_of_many_appends_with_only_new_ids_writes_every_append_in_one_block_of_positions()
    {
        var group = Enumerable.Range(0, 40).Select(i => new PendingAppend(new StreamName($"s-{i % 7}"), ExpectedVersion.Any, TestEvents.Many(1 + (i % 3), $"{i}-"))).ToList();

        var results = await ExecuteAsync(group);

        Assert.All(results, r => Assert.Equal(0, r.Status));
        var positions = results.Select(r => r.Position).ToArray();
        for (var i = 1; i < positions.Length; i++)
        {
            Assert.Equal(positions[i - 1] + group[i].Events.Count, positions[i]);
        }
        var all = await _store.ReadAllAsync(GlobalPosition.Start, 1000);
        Assert.Equal(group.Sum(p => p.Events.Count), all.Events.Count);
    }

    private static string Label(RecordedEvent e) => System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("label").GetString()!;

    private async Task<List<(int Status, long Position, long Version)>> ExecuteAsync(IReadOnlyList<PendingAppend> group)
    {
        await using var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(GroupCommitter.AppendCommand(_store.Statements, group));
        var results = new List<(int, long, long)>();
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return results;
    }
}
