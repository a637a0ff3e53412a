using System.Collections.Concurrent;

namespace Granary.Client.Tests;

/// <summary>What test functions observed, by test key.</summary>
public static class Observed
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Events = new();

    public static void Add(string key, string text) => Events.GetOrAdd(key, _ => new()).Enqueue(text);

    public static List<string> Of(string key) => Events.TryGetValue(key, out var q) ? [.. q] : [];
}
