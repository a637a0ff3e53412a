using Granary.Streams;

namespace Granary;

/// <summary>
/// What a grain activation can ask of the runtime hosting it. Available as <see cref="Grain.GrainContext"/> from the
/// grain's constructor on.
/// </summary>
public interface IGrainContext
{
    /// <summary>The identity of the grain.</summary>
    GrainId GrainId { get; }

    /// <summary>The name of the silo hosting this activation.</summary>
    string SiloName { get; }

    /// <summary>Factory for references to other grains; calls made through it carry this grain's call chain.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The silo's service provider.</summary>
    IServiceProvider Services { get; }

    /// <summary>Deactivates the activation once the current turn (and any queued work) completes.</summary>
    void DeactivateOnIdle();

    /// <summary>Keeps the activation from idle collection for at least <paramref name="period"/>.</summary>
    void DelayDeactivation(TimeSpan period);

    /// <summary>
    /// Registers a timer whose callback runs as a turn of this activation: it never overlaps a non-interleaving turn,
    /// and the next tick is scheduled only after the callback completes. The timer stops when disposed or when the
    /// activation deactivates. If the period is <see cref="Timeout.InfiniteTimeSpan"/> the timer fires once.
    /// </summary>
    IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    /// <summary>The stream provider registered under <paramref name="name"/> on this silo.</summary>
    IStreamProvider GetStreamProvider(string name);
}
