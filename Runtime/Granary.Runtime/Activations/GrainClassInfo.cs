using System.Reflection;
using Granary.Persistence;
using Granary.Placement;
using Granary.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Activations;

/// <summary>
/// What the runtime knows about one grain class: its grain type name, reentrancy, placement, and how to construct
/// it (constructor parameters from DI, persistent state from storage providers, the grain context).
/// </summary>
internal sealed class GrainClassInfo
{
    private readonly ConstructorInfo _constructor;
    private readonly ParameterInfo[] _parameters;

    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        GrainType = classType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? classType.FullName ?? classType.Name;
        Reentrant = classType.GetCustomAttribute<ReentrantAttribute>() is not null;
        Placement = classType.GetCustomAttribute<PlacementAttribute>(inherit: true) ?? new RandomPlacementAttribute();
        _constructor = classType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType} has no public constructor.");
        _parameters = _constructor.GetParameters();
    }

    public Type ClassType { get; }

    public string GrainType { get; }

    public bool Reentrant { get; }

    public PlacementAttribute Placement { get; }

    /// <summary>Constructs the grain; returns it with the persistent states to load before activation.</summary>
    public (object Instance, IReadOnlyList<IPersistentStateLoader> States) Create(IServiceProvider services, IGrainContext context)
    {
        var args = new object?[_parameters.Length];
        List<IPersistentStateLoader>? states = null;
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (p.GetCustomAttribute<PersistentStateAttribute>() is { } attr)
            {
                if (!p.ParameterType.IsGenericType || p.ParameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                {
                    throw new InvalidOperationException($"Parameter {p.Name} of {ClassType} has [PersistentState] but is not an IPersistentState<T>.");
                }

                var storage = services.GetKeyedService<IGrainStorage>(attr.StorageName)
                    ?? throw new InvalidOperationException($"Grain {ClassType} needs grain storage '{attr.StorageName}', which is not registered on silo {context.SiloName}.");
                var stateType = typeof(PersistentState<>).MakeGenericType(p.ParameterType.GetGenericArguments()[0]);
                var state = (IPersistentStateLoader)Activator.CreateInstance(stateType, attr.StateName, context.GrainId, storage)!;
                args[i] = state;
                (states ??= []).Add(state);
            }
            else if (p.ParameterType == typeof(IGrainContext))
            {
                args[i] = context;
            }
            else if (p.ParameterType == typeof(IGrainFactory))
            {
                args[i] = context.GrainFactory;
            }
            else
            {
                args[i] = services.GetService(p.ParameterType)
                    ?? (p.HasDefaultValue ? p.DefaultValue : throw new InvalidOperationException($"Cannot create grain {ClassType}: no service of type {p.ParameterType} for parameter '{p.Name}'."));
            }
        }

        try
        {
            return (_constructor.Invoke(args), (IReadOnlyList<IPersistentStateLoader>?)states ?? []);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
