using Granary.Invocation;

namespace Granary.Runtime;

/// <summary>
/// The grain factory of a silo or client: builds grain ids from interface and key (through the grain type of the
/// interface's implementation) and binds proxies to the given call invoker.
/// </summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker, Func<Type, string> resolveGrainType) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        Create<TGrainInterface>(new GrainId(resolveGrainType(typeof(TGrainInterface)), key));

    public TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(GrainId.Create(resolveGrainType(typeof(TGrainInterface)), key));

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(GrainId.Create(resolveGrainType(typeof(TGrainInterface)), key));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain => Create<TGrainInterface>(grainId);

    private TGrainInterface Create<TGrainInterface>(GrainId grainId) =>
        (TGrainInterface)(object)GrainInterfaceRegistry.GetProxyFactory(typeof(TGrainInterface))(invoker, grainId);
}
