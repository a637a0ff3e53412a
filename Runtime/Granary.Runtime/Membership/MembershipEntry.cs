namespace Granary.Runtime.Membership;

/// <summary>One row of the membership table: a silo incarnation, its status and the suspicion votes against it.</summary>
public sealed record MembershipEntry
{
    public required SiloAddress Silo { get; init; }

    public SiloStatus Status { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; init; }

    /// <summary>Who suspected this silo and when.</summary>
    public IReadOnlyList<SuspicionVote> Suspicions { get; init; } = [];
}

/// <summary>A vote by <see cref="Voter"/> (a silo name) that the row's silo is dead.</summary>
public sealed record SuspicionVote(string Voter, long VoterGeneration, DateTimeOffset Time);
