namespace Granary.Serialization;

/// <summary>Creates typed grain references while deserializing (the receiving runtime implements it).</summary>
public interface IGrainReferenceActivator
{
    /// <summary>A reference of interface <paramref name="interfaceType"/> to <paramref name="grainId"/>.</summary>
    object CreateReference(Type interfaceType, GrainId grainId);
}
