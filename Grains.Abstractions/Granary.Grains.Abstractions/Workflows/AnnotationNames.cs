namespace Granary.Grains.Workflows;

/// <summary>Annotation keys with a meaning to the platform (deployment requirement keys are in <c>DeploymentRequirementKeys</c>).</summary>
public static class AnnotationNames
{
    /// <summary>Handed verbatim to the function's init callback; by convention <c>k1=v1,k2=v2</c> (see <see cref="InitPayload"/>).</summary>
    public const string InitPayload = "init-payload";

    /// <summary>
    /// Protection: an integer (default 0, may be negative); a tainted node sheds the instances of the lowest priority
    /// first.
    /// </summary>
    public const string Priority = "priority";
}
