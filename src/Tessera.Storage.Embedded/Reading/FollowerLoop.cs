using Microsoft.Extensions.Logging;

namespace Tessera.Storage.Embedded.Reading;

/// <summary>
/// Keeps a read-only follower up to date: it catches up when the writer rewrites "HEAD" (a file-system watcher) and at
/// least once per poll interval (watchers can miss events), then wakes live subscribers.
/// </summary>
internal sealed class FollowerLoop : IDisposable
{
    private readonly LogFollower _follower;
    private readonly AppendSignal _signal;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly TimeSpan _poll;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly Task _loop;
    private Exception? _failure;

    public FollowerLoop(LogFollower follower, string path, TimeSpan poll, AppendSignal signal, ILogger logger)
    {
        _follower = follower;
        _signal = signal;
        _logger = logger;
        _path = path;
        _poll = poll;
        follower.CatchUp();
        if (Directory.Exists(path))
        {
            _watcher = new FileSystemWatcher(path, Segments.HeadFile.FileName)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            };
            _watcher.Changed += (_, _) => Wake();
            _watcher.Created += (_, _) => Wake();
            _watcher.EnableRaisingEvents = true;
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Why the follower stopped following, or null while it follows.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public void Dispose()
    {
        _stop.Cancel();
        _watcher?.Dispose();
        _loop.GetAwaiter().GetResult();
        _follower.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
                // a last watcher event while the follower closes
            }
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_poll, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (_follower.CatchUp())
                {
                    _signal.Notify();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or EmbeddedStoreCorruptedException)
            {
                Volatile.Write(ref _failure, e);
                _logger.FollowerStopped(_path, e);
                _signal.Notify();
                return;
            }
        }
    }
}
