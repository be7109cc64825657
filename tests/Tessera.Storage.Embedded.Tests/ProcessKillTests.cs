using System.Diagnostics;
using System.Globalization;
using Tessera.Storage.Conformance;
using Tessera.Storage.Embedded.CrashChild;
using Xunit;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>
/// A child process appends with many concurrent writers and reports every acknowledgement; it is killed with SIGKILL
/// at a random point, and the reopened store must hold every acknowledged event, byte for byte, in a log without gaps.
/// The rounds share one data folder, so each one also recovers from the kill before it. TESSERA_CRASH_ROUNDS sets how
/// many rounds run (tests/crash-soak.sh runs hundreds).
/// </summary>
public sealed class ProcessKillTests : IDisposable
{
    private const int Writers = 32;
    private const long SegmentSize = 128 * 1024;
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task every_event_acknowledged_before_a_kill_is_there_after_reopening()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("TESSERA_CRASH_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 20;
        var random = new Random(20261123);
        var acknowledged = new List<AcknowledgedEvent>();
        var killedWhileWriting = 0;
        for (var round = 1; round <= rounds; round++)
        {
            // Most kills land amid appends; some while the child is still opening (and maybe recovering) the store.
            var killAfter = round % 5 == 0 ? -1 : random.Next(1, 400);
            var (acks, head) = await RunChildAsync(round, killAfter);
            killedWhileWriting += acks.Count > 0 ? 1 : 0;
            acknowledged.AddRange(acks);

            using var store = new EmbeddedEventStore(new EmbeddedStoreOptions { DataFolder = _folder.Path, SegmentSize = SegmentSize });
            var log = await Acknowledged.VerifyAsync(store, acknowledged);
            Assert.True(log.Count >= head, $"Round {round}: the child saw {head} events at its start, the reopened store has {log.Count}.");
            foreach (var e in log)
            {
                TestEvents.AssertSame(CrashEvents.Create(e.EventId), e);
            }
        }
        Assert.True(killedWhileWriting >= rounds / 2, $"Only {killedWhileWriting} of {rounds} kills came after acknowledgements.");
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Starts the child, kills it after <paramref name="killAfter"/> acknowledgements (-1: at once), and returns what it acknowledged.</summary>
    private async Task<(List<AcknowledgedEvent> Acks, long Head)> RunChildAsync(int round, int killAfter)
    {
        var child = Path.Combine(AppContext.BaseDirectory, "Tessera.Storage.Embedded.CrashChild.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", child, _folder.Path, Writers.ToString(CultureInfo.InvariantCulture), round.ToString(CultureInfo.InvariantCulture), SegmentSize.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        if (killAfter < 0)
        {
            process.Kill();
        }
        var acks = new List<AcknowledgedEvent>();
        long head = 0;
        var killed = killAfter < 0;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts[0] == "ready")
            {
                head = long.Parse(parts[1], CultureInfo.InvariantCulture);
                continue;
            }
            var position = long.Parse(parts[1], CultureInfo.InvariantCulture);
            var version = long.Parse(parts[2], CultureInfo.InvariantCulture);
            var ids = parts[4].Split(',').Select(Guid.Parse).ToArray();
            for (var k = 0; k < ids.Length; k++)
            {
                var back = ids.Length - 1 - k;
                acks.Add(new AcknowledgedEvent(CrashEvents.Create(ids[k]), parts[3], position - back, version - back));
            }
            if (!killed && acks.Count >= killAfter)
            {
                // SIGKILL: no clean-up runs; the lines already in the pipe are still read below.
                process.Kill();
                killed = true;
            }
        }
        await process.WaitForExitAsync();
        Assert.True(killed, $"The child stopped by itself: {await errors}");
        Assert.Equal(137, process.ExitCode);
        return (acks, head);
    }
}
