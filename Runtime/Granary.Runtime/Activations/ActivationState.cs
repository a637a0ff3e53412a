namespace Granary.Runtime.Activations;

/// <summary>The lifecycle of an activation.</summary>
internal enum ActivationState
{
    /// <summary>Registering in the directory and running OnActivateAsync; requests wait.</summary>
    Activating,

    /// <summary>Serving requests.</summary>
    Valid,

    /// <summary>Finishing its turns and running OnDeactivateAsync; new requests wait to be re-routed.</summary>
    Deactivating,

    /// <summary>Gone; requests are re-routed.</summary>
    Invalid,
}
