namespace Granary.Grains.Execution;

/// <summary>
/// An instance whose CPU share its executor can change while it runs (a container's CPU quota). A protected node
/// limits such instances this way; instances without it get a cap on events per second instead.
/// </summary>
public interface ICpuLimitedInstance
{
    /// <summary>Limits the instance to <paramref name="fraction"/> of the CPU it would otherwise have (above 0, at most 1); null lifts the limit.</summary>
    Task LimitCpuAsync(double? fraction, CancellationToken cancellationToken = default);
}
