using System.Text;
using Tessera.Messages;
using Tessera.Storage;
using Tessera.Storage.Embedded;
using Xunit;

namespace Tessera.Cli.Tests;

public sealed class CliTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tessera-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder });
        var metadata = new EventMetadata { User = "sam", Time = DateTimeOffset.UnixEpoch };
        await store.AppendAsync(new StreamName("order-1"), ExpectedVersion.NoStream, [Event("{\"n\":1}", metadata), Event("{\"n\":2}", metadata)]);
        await store.AppendAsync(new StreamName("product-1"), ExpectedVersion.NoStream, [Event("{\"n\":3}", metadata)]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task streams_list_shows_every_stream_with_its_event_count()
    {
        var (exit, output, _) = await RunAsync("streams", "list", "--data", _folder);
        Assert.Equal(0, exit);
        Assert.Matches(@"order-1\s+2\s+2", output);
        Assert.Matches(@"product-1\s+1\s+3", output);
        Assert.Contains("2 stream(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task streams_list_filters_by_category()
    {
        var (_, output, _) = await RunAsync("streams", "list", "--data", _folder, "--category", "product");
        Assert.DoesNotContain("order-1", output, StringComparison.Ordinal);
        Assert.Contains("1 stream(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task streams_read_prints_events_with_metadata_and_data()
    {
        var (exit, output, _) = await RunAsync("streams", "read", "order-1", "--data", _folder, "--from", "1");
        Assert.Equal(0, exit);
        Assert.Contains("@2 order-1 v1 test.thing.v1", output, StringComparison.Ordinal);
        Assert.Contains("by sam", output, StringComparison.Ordinal);
        Assert.Contains("{\"n\":2}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"n\":1}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task events_tail_prints_the_last_events()
    {
        var (_, output, _) = await RunAsync("events", "tail", "--data", _folder, "--max", "1");
        Assert.Contains("@3 product-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("@2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task verify_says_a_sound_store_is_sound()
    {
        var (exit, output, _) = await RunAsync("verify", "--data", _folder);
        Assert.Equal(0, exit);
        Assert.Contains("sound", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("streams", "lst")]
    [InlineData("streams", "list")]
    [InlineData("streams", "read", "order-1", "--data")]
    [InlineData("streams", "list", "--data", "x", "--colour", "blue")]
    [InlineData("events", "tail", "--data", "x", "--max", "-3")]
    public async Task a_wrong_command_line_exits_64_with_the_usage(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(64, exit);
        Assert.Contains("tessera streams list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_data_folder_is_a_clear_error()
    {
        var (exit, _, error) = await RunAsync("streams", "list", "--data", _folder + "-missing");
        Assert.Equal(64, exit);
        Assert.Contains("There is no data folder", error, StringComparison.Ordinal);
    }

    private static EventData Event(string json, EventMetadata metadata) => new(Guid.NewGuid(), "test.thing.v1", Encoding.UTF8.GetBytes(json), metadata);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await TesseraCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
