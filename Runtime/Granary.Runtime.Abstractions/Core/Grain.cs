using Granary.Streams;

namespace Granary;

/// <summary>
/// Base class of grain implementations. The runtime creates an instance per activation (constructor parameters
/// come from dependency injection, or are persistent state when marked with
/// <see cref="Persistence.PersistentStateAttribute"/>), then calls <see cref="OnActivateAsync"/> before the first
/// message. Messages run one turn at a time unless the class is <see cref="ReentrantAttribute">reentrant</see>.
/// </summary>
public abstract class Grain
{
    [ThreadStatic]
    private static IGrainContext? t_constructing;

    private readonly IGrainContext? _context;

    protected Grain()
    {
        _context = t_constructing;
    }

    /// <summary>The runtime context of this activation.</summary>
    public IGrainContext GrainContext => _context ?? throw new InvalidOperationException("This grain was not created by the Granary runtime.");

    /// <summary>The identity of this grain.</summary>
    public GrainId GrainId => GrainContext.GrainId;

    /// <summary>Factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => GrainContext.GrainFactory;

    /// <summary>The key of a grain with a string key.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>The key of a grain with a Guid key.</summary>
    public Guid GetPrimaryKey() => Guid.ParseExact(GrainId.Key, "N");

    /// <summary>The key of a grain with an integer key.</summary>
    public long GetPrimaryKeyLong() => long.Parse(GrainId.Key, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Called once before the first message. An exception here fails the triggering call and discards the
    /// activation; the next call tries again.
    /// </summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Called once when the activation is deactivated gracefully. Not called when its silo dies abruptly, so never
    /// rely on it to persist state.
    /// </summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current turn completes.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    /// <summary>Keeps this activation from idle collection for at least <paramref name="period"/>.</summary>
    protected void DelayDeactivation(TimeSpan period) => GrainContext.DelayDeactivation(period);

    /// <inheritdoc cref="IGrainContext.RegisterTimer"/>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        GrainContext.RegisterTimer(callback, dueTime, period);

    /// <summary>The stream provider registered under <paramref name="name"/> on this silo.</summary>
    protected IStreamProvider GetStreamProvider(string name) => GrainContext.GetStreamProvider(name);

    /// <summary>
    /// Used by the runtime: makes <paramref name="context"/> the context of grains constructed on this thread until
    /// the returned scope is disposed.
    /// </summary>
    public static ConstructionScope BeginConstruction(IGrainContext context)
    {
        var previous = t_constructing;
        t_constructing = context;
        return new ConstructionScope(previous);
    }

    /// <summary>Restores the previous construction context when disposed.</summary>
    public readonly struct ConstructionScope(IGrainContext? previous) : IDisposable
    {
        public void Dispose() => t_constructing = previous;
    }
}
