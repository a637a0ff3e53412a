namespace Granary.Grains.Domains.Tasks;

/// <summary>Restart back-off of tasks (section Granary:Domain:Tasks): exponential, capped, forgotten after a quiet while.</summary>
public sealed class TaskOptions
{
    /// <summary>The wait before the first restart; each further consecutive restart waits twice as long as the previous one.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A task that ends this long after its previous end starts the back-off over at <see cref="InitialBackoff"/>.</summary>
    public TimeSpan BackoffResetAfter { get; set; } = TimeSpan.FromMinutes(10);
}
