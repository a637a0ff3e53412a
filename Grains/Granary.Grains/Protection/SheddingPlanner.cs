using System.Globalization;
using Granary.Grains.Workflows;

namespace Granary.Grains.Protection;

/// <summary>
/// Chooses which instance a tainted node sheds next: the lowest <c>priority</c> first; among equal priorities, a
/// replica of a function with several instances before the only instance of a function (down-scaling first, as
/// FRACTAL does on Kubernetes); then by component name and instance id, so the choice is repeatable.
/// </summary>
public static class SheddingPlanner
{
    /// <summary>The instance to shed next; null when there is none.</summary>
    public static SheddingCandidate? Choose(IEnumerable<SheddingCandidate> candidates) =>
        candidates
            .OrderBy(c => c.Priority)
            .ThenByDescending(c => c.Replicas > 1)
            .ThenBy(c => c.Component, StringComparer.Ordinal)
            .ThenBy(c => c.Instance.ComponentId)
            .FirstOrDefault();

    /// <summary>
    /// The <c>priority</c> annotation of a function: an integer, 0 when absent (workflow specs with a value that is not an
    /// integer are refused when parsed; such a value reads as 0 here).
    /// </summary>
    public static int PriorityOf(IReadOnlyDictionary<string, string> annotations) =>
        annotations.TryGetValue(AnnotationNames.Priority, out var text)
        && int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority)
            ? priority
            : 0;
}
