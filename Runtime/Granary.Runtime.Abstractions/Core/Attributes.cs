namespace Granary;

/// <summary>
/// Names the grain type of an implementation class (the first part of its <see cref="GrainId"/>). Without it the
/// name is the class's full name. Renaming a class without this attribute changes the identity of its grains.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Lets every message interleave with every other on this grain: a new turn may start while another awaits.
/// Code between awaits still never runs concurrently.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>
/// On a grain interface method: calls to it may start while another turn of the grain is awaiting, even on a
/// non-reentrant grain. Use for read-only or cancellation-style methods.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>
/// On a grain interface method returning <see cref="Task"/> or <see cref="ValueTask"/>: the call is sent without
/// waiting for a reply; the returned task completes once the message is handed to the runtime. Errors in the grain
/// are logged by the grain's silo and never reach the caller.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>
/// On a grain interface method: the deadline for calls to it, overriding the client or silo default
/// (30 seconds unless configured). Format: a <see cref="TimeSpan"/> string such as "00:00:05".
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ResponseTimeoutAttribute(string timeout) : Attribute
{
    public TimeSpan Timeout { get; } = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Marks a type whose instances never change after construction: the runtime passes them between grains on the
/// same silo without copying.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Parameter)]
public sealed class ImmutableAttribute : Attribute;

/// <summary>
/// Asks the build to generate a compact, version-tolerant binary serializer for this type. Members to serialize
/// carry <see cref="IdAttribute"/>; unknown ids are skipped when reading, missing ids keep their defaults, so
/// adding or removing members keeps silos of adjacent versions compatible.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class GenerateSerializerAttribute : Attribute;

/// <summary>The stable field id of a serialized member. Never reuse an id for a different meaning.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class IdAttribute(uint id) : Attribute
{
    public uint Id { get; } = id;
}
