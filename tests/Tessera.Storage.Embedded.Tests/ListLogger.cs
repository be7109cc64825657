using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tessera.Storage.Embedded.Tests;

/// <summary>Keeps every log message, so tests can check that recovery said what it did.</summary>
public sealed class ListLogger : ILogger<EmbeddedEventStore>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));

    public bool Logged(string fragment) => Entries.Any(e => e.Message.Contains(fragment, StringComparison.Ordinal));
}
