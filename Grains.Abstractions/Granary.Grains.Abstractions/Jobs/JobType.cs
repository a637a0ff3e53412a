namespace Granary.Grains.Jobs;

/// <summary>What a workflow is for (workflow annotation <c>job-type</c>).</summary>
public enum JobType
{
    /// <summary><c>continuous</c> (the default): its functions serve events until the workflow is stopped.</summary>
    Continuous = 0,

    /// <summary>
    /// <c>run-to-completion</c>: the workflow is Completed when every task of its functions completed, Failed when one
    /// failed past its restart policy; either way its instances are stopped and their resources released.
    /// </summary>
    RunToCompletion = 1,
}
