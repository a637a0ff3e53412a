namespace Granary.Persistence;

/// <summary>
/// On a grain constructor parameter of type <see cref="IPersistentState{TState}"/>: the state named
/// <see cref="StateName"/> kept by the storage provider registered as <see cref="StorageName"/> ("Default" when
/// omitted).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    public string StorageName { get; } = storageName ?? GrainStorageNames.Default;
}
