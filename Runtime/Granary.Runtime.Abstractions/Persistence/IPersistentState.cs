namespace Granary.Persistence;

/// <summary>
/// A grain's durable state, injected as a constructor parameter marked <see cref="PersistentStateAttribute"/>. It is
/// read before <see cref="Grain.OnActivateAsync"/>. Writes use optimistic concurrency: if the stored record changed
/// since it was read (another activation wrote it), <see cref="WriteStateAsync"/> throws
/// <see cref="InconsistentStateException"/> and writes nothing.
/// </summary>
public interface IPersistentState<TState>
{
    /// <summary>The state value; a new instance (or default) when no record exists.</summary>
    TState State { get; set; }

    /// <summary>The version tag of the stored record, or null when none exists.</summary>
    string? Etag { get; }

    /// <summary>True when a stored record exists.</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from storage.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <see cref="State"/> if the record is unchanged since it was last read or written.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored record and resets <see cref="State"/>.</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
