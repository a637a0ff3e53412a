using Granary.Grains.Workflows;

namespace Granary.Grains.Jobs;

/// <summary>A workflow's job settings, parsed from its workflow-level annotations (<see cref="JobAnnotations.JobType"/>).</summary>
public static class JobSpecification
{
    /// <summary>
    /// The job type of <paramref name="annotations"/>: <c>continuous</c> (also when absent) or <c>run-to-completion</c>;
    /// anything else is recorded in <paramref name="errors"/> (path <c>job-type</c>) and read as continuous.
    /// </summary>
    public static JobType ParseJobType(IReadOnlyDictionary<string, string> annotations, List<WorkflowSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(errors);
        if (!annotations.TryGetValue(JobAnnotations.JobType, out var raw))
        {
            return JobType.Continuous;
        }

        switch (raw.Trim())
        {
            case "continuous":
                return JobType.Continuous;
            case "run-to-completion":
                return JobType.RunToCompletion;
            default:
                errors.Add(new WorkflowSpecError(JobAnnotations.JobType, $"expected continuous or run-to-completion, found '{raw}'"));
                return JobType.Continuous;
        }
    }

    /// <summary>The job type of <paramref name="spec"/>; throws <see cref="WorkflowSpecException"/> when the annotation is malformed.</summary>
    public static JobType JobTypeOf(WorkflowSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<WorkflowSpecError>();
        var type = ParseJobType(spec.Annotations, errors);
        return errors.Count == 0 ? type : throw new WorkflowSpecException(null, errors.Select(e => e with { Path = "annotations." + e.Path }).ToList());
    }
}
