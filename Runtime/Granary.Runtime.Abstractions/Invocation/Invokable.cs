using Granary.Serialization;

namespace Granary.Invocation;

/// <summary>
/// One call to one grain method with its arguments: generated per interface method. The runtime serializes it for
/// remote calls, copies its arguments for local ones, and invokes it on the target activation.
/// </summary>
public abstract class Invokable
{
    /// <summary>Metadata of the method this invokable calls.</summary>
    public abstract GrainMethodInfo Method { get; }

    /// <summary>Calls the method on <paramref name="target"/> and returns its result boxed (null for void).</summary>
    public abstract ValueTask<object?> InvokeAsync(object target);

    /// <summary>Writes the arguments.</summary>
    public abstract void WriteArguments(GrainWriter writer);

    /// <summary>Reads the arguments written by <see cref="WriteArguments"/>.</summary>
    public abstract void ReadArguments(GrainReader reader);

    /// <summary>Replaces mutable arguments with deep copies (for calls that stay on one silo).</summary>
    public abstract void CopyArguments(IGrainReferenceActivator activator);

    /// <summary>Writes a result of the method's return type.</summary>
    public abstract void WriteResult(GrainWriter writer, object? result);

    /// <summary>Reads a result written by <see cref="WriteResult"/>.</summary>
    public abstract object? ReadResult(GrainReader reader);

    /// <summary>A deep copy of a result, for calls that stay on one silo.</summary>
    public abstract object? CopyResult(object? result, IGrainReferenceActivator activator);

    public override string ToString() => Method.ToString();
}
