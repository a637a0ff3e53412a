namespace Granary.Runtime.Configuration;

/// <summary>
/// Failure detection. A silo probes <see cref="ProbedSilosCount"/> others every <see cref="ProbePeriod"/>; after
/// <see cref="MissedProbesLimit"/> consecutive missed probes it votes the target suspect in the membership table;
/// with <see cref="VotesForDeath"/> fresh votes (or every other active silo's vote, if fewer) the target is declared
/// dead. A silo that reads itself as dead stops at once.
/// </summary>
public sealed class MembershipOptions
{
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int MissedProbesLimit { get; set; } = 3;

    public int ProbedSilosCount { get; set; } = 3;

    public int VotesForDeath { get; set; } = 2;

    /// <summary>Votes older than this no longer count.</summary>
    public TimeSpan VoteExpiration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo re-reads the membership table.</summary>
    public TimeSpan TableRefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo writes its "I am alive" time.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A silo whose "I am alive" time is older than this is declared dead even without probe votes (for example a
    /// dial-out silo that lost every connection). Must be several times <see cref="IAmAlivePeriod"/>.
    /// </summary>
    public TimeSpan IAmAliveExpiration { get; set; } = TimeSpan.FromSeconds(60);
}
