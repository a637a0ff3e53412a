using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Granary.Testing;

/// <summary>Keeps every log entry of the silos it is added to, with its structured values, for assertions.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Telemetry lines (telemetry_log) with target <paramref name="target"/>, in order: (instance, text).</summary>
    public List<(string Instance, string Text)> Telemetry(string target) =>
        [.. Entries.Where(e => e.Values.TryGetValue("Target", out var t) && Equals(t, target) && e.Values.ContainsKey("Text"))
            .Select(e => (e.Values["Instance"]?.ToString() ?? string.Empty, e.Values["Text"]?.ToString() ?? string.Empty))];

    public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)
                : [];
            provider.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values, exception));
        }
    }
}
