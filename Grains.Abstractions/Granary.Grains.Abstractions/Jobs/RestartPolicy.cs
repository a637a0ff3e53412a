namespace Granary.Grains.Jobs;

/// <summary>When a task that ended is started again (annotation <c>restart-policy</c>).</summary>
public enum RestartPolicy
{
    /// <summary>
    /// <c>always</c> (the default): after a failure, and in a continuous workflow also after a successful end. Restarts
    /// wait out the back-off and stop at <c>max-restarts</c> when it is set.
    /// </summary>
    Always = 0,

    /// <summary><c>on-failure</c>: only after a failure (crash, trap, non-zero exit code).</summary>
    OnFailure = 1,

    /// <summary><c>never</c>: a task that ends stays ended.</summary>
    Never = 2,
}
