namespace Granary;

/// <summary>
/// Per-call options that flow with the async context of the caller. Example:
/// <code>using (GrainCallOptions.WithTimeout(TimeSpan.FromSeconds(2))) { await grain.DoAsync(); }</code>
/// </summary>
public static class GrainCallOptions
{
    private static readonly AsyncLocal<TimeSpan?> s_timeout = new();

    /// <summary>The timeout that applies to calls made now from this async context, if one was set.</summary>
    public static TimeSpan? CurrentTimeout => s_timeout.Value;

    /// <summary>
    /// Calls made inside the returned scope get <paramref name="timeout"/> as their deadline, overriding the method's
    /// <see cref="ResponseTimeoutAttribute"/> and the configured default.
    /// </summary>
    public static IDisposable WithTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A call timeout must be positive.");
        }

        var previous = s_timeout.Value;
        s_timeout.Value = timeout;
        return new Scope(previous);
    }

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => s_timeout.Value = previous;
    }
}
