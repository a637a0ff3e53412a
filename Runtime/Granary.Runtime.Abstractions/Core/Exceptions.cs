namespace Granary;

/// <summary>A grain call did not complete before its deadline. The grain may still have executed it.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException(string message) : base(message) { }

    public GrainCallTimeoutException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The silo that hosted (or was chosen to host) the target grain is gone, shutting down, or unreachable. The call
/// may or may not have executed; retrying reaches a new activation.
/// </summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException(string message) : base(message) { }

    public SiloUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A grain threw an exception whose type could not be re-created on the caller's side (unknown type or no
/// suitable constructor). <see cref="OriginalType"/>, the message and the remote stack trace are preserved.
/// </summary>
public sealed class RemoteGrainException : Exception
{
    public RemoteGrainException(string originalType, string message, string? remoteStackTrace)
        : base(message)
    {
        OriginalType = originalType;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The full name of the exception type the grain threw.</summary>
    public string OriginalType { get; }

    /// <summary>The stack trace captured in the grain's silo.</summary>
    public string? RemoteStackTrace { get; }

    public override string? StackTrace => RemoteStackTrace is null ? base.StackTrace : RemoteStackTrace + Environment.NewLine + "--- end of remote stack trace ---" + Environment.NewLine + base.StackTrace;
}

/// <summary>A stored state was changed by someone else since it was read (ETag mismatch); nothing was written.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The ETag now in storage, if the record exists.</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the writer held.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>A message could not be serialized or deserialized.</summary>
public sealed class SerializationException : Exception
{
    public SerializationException(string message) : base(message) { }

    public SerializationException(string message, Exception inner) : base(message, inner) { }
}
