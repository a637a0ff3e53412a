using Granary.Serialization;

namespace Granary.Invocation;

/// <summary>
/// What generated proxies call: the runtime side of a grain reference (a silo, or a cluster client). Implemented
/// by the runtime.
/// </summary>
public interface IGrainCallInvoker : IGrainReferenceActivator
{
    /// <summary>Sends <paramref name="invokable"/> to <paramref name="target"/> and completes with the result.</summary>
    Task<T> InvokeAsync<T>(GrainReference target, Invokable invokable);

    /// <summary>Sends <paramref name="invokable"/> to <paramref name="target"/> without waiting for a reply.</summary>
    void InvokeOneWay(GrainReference target, Invokable invokable);
}
