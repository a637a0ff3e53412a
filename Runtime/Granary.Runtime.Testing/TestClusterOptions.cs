using Granary.Runtime.Configuration;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Testing;

/// <summary>How a <see cref="TestCluster"/> is built. Failure detection is fast by default so tests finish quickly.</summary>
public sealed class TestClusterOptions
{
    public int InitialSilosCount { get; set; } = 3;

    public string ClusterId { get; set; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Extra provider configuration applied to every silo (storage, streams, ...).</summary>
    public Action<SiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Extra services for every silo.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public Action<MembershipOptions> ConfigureMembership { get; set; } = o =>
    {
        o.ProbePeriod = TimeSpan.FromMilliseconds(200);
        o.ProbeTimeout = TimeSpan.FromMilliseconds(400);
        o.MissedProbesLimit = 3;
        o.TableRefreshPeriod = TimeSpan.FromMilliseconds(200);
        o.IAmAlivePeriod = TimeSpan.FromMilliseconds(500);
        o.IAmAliveExpiration = TimeSpan.FromSeconds(20);
    };

    public Action<MessagingOptions>? ConfigureMessaging { get; set; }

    public Action<GrainCollectionOptions>? ConfigureCollection { get; set; }
}
