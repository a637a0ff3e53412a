using Orleans.Configuration;

namespace Granary.Testing;

/// <summary>How a <see cref="TestCluster"/> is started.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started with the cluster (each gets <see cref="ConfigureSilo"/>).</summary>
    public int InitialSilosCount { get; set; } = 3;

    /// <summary>Runs for every silo of the cluster, those started later included.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Runs for the cluster's client.</summary>
    public Action<IClientBuilder>? ConfigureClient { get; set; }

    /// <summary>
    /// Failure detection, fast by default so that a killed silo is declared dead within a second or two (Orleans'
    /// defaults take tens of seconds).
    /// </summary>
    public Action<ClusterMembershipOptions> ConfigureMembership { get; set; } = o =>
    {
        o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    };
}
