namespace Granary;

/// <summary>
/// Marker for grain interfaces. A grain interface declares methods returning <see cref="Task"/>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>; the build generates a
/// typed reference (proxy) for it. Derive from one of the keyed variants rather than from this one directly.
/// </summary>
public interface IGrain;

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain identified by a <see cref="Guid"/> key.</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain;
