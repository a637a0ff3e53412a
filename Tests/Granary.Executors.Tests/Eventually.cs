namespace Granary.Executors.Tests;

/// <summary>Polling for conditions that become true "eventually within N s" (no timing claims in tests).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; throws a TimeoutException after <paramref name="timeoutMs"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, int timeoutMs = 20_000, string? what = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeoutMs} ms{(what is null ? "." : ": " + what)}");
            }

            await Task.Delay(50);
        }
    }
}
