namespace Granary;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>Idle for longer than the collection age.</summary>
    IdleCollection,

    /// <summary>The grain asked for it with <see cref="IGrainContext.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The silo is shutting down gracefully.</summary>
    ShuttingDown,

    /// <summary>Another activation of the same grain won registration in the grain directory.</summary>
    DuplicateActivation,

    /// <summary>Activation failed (an exception in the constructor or in OnActivateAsync).</summary>
    ActivationFailed,
}
