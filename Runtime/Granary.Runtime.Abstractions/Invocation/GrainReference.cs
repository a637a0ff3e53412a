namespace Granary.Invocation;

/// <summary>
/// Base class of generated proxies: a grain id, the interface it is used through, and the runtime that carries its
/// calls. Two references are equal when their grain ids are.
/// </summary>
public abstract class GrainReference : IEquatable<GrainReference>
{
    protected GrainReference(IGrainCallInvoker invoker, GrainId grainId, Type interfaceType)
    {
        Invoker = invoker;
        GrainId = grainId;
        InterfaceType = interfaceType;
    }

    /// <summary>The runtime that carries calls made through this reference.</summary>
    public IGrainCallInvoker Invoker { get; }

    public GrainId GrainId { get; }

    /// <summary>The grain interface this reference implements.</summary>
    public Type InterfaceType { get; }

    protected Task<T> InvokeAsync<T>(Invokable invokable) => Invoker.InvokeAsync<T>(this, invokable);

    protected Task InvokeOneWayAsync(Invokable invokable)
    {
        Invoker.InvokeOneWay(this, invokable);
        return Task.CompletedTask;
    }

    public bool Equals(GrainReference? other) => other is not null && GrainId == other.GrainId;

    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => $"{InterfaceType.Name}:{GrainId}";
}
