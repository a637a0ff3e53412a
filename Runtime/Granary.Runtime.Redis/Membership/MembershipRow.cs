using System.Net;
using Granary.Runtime.Membership;

namespace Granary.Runtime.Redis.Membership;

/// <summary>The JSON form of a <see cref="MembershipEntry"/> in the Redis membership hash.</summary>
internal sealed record MembershipRow
{
    public required string Name { get; init; }

    public string? Endpoint { get; init; }

    public long Generation { get; init; }

    public SiloStatus Status { get; init; }

    public List<string> Roles { get; init; } = [];

    public Dictionary<string, string> Labels { get; init; } = [];

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset IAmAliveTime { get; init; }

    public List<MembershipVoteRow> Suspicions { get; init; } = [];

    public static MembershipRow From(MembershipEntry entry) => new()
    {
        Name = entry.Silo.Name,
        Endpoint = entry.Silo.Endpoint?.ToString(),
        Generation = entry.Silo.Generation,
        Status = entry.Status,
        Roles = [.. entry.Roles],
        Labels = new Dictionary<string, string>(entry.Labels),
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
        Suspicions = [.. entry.Suspicions.Select(v => new MembershipVoteRow(v.Voter, v.VoterGeneration, v.Time))],
    };

    public MembershipEntry ToEntry() => new()
    {
        Silo = new SiloAddress(Name, Endpoint is null ? null : IPEndPoint.Parse(Endpoint), Generation),
        Status = Status,
        Roles = Roles,
        Labels = Labels,
        StartTime = StartTime,
        IAmAliveTime = IAmAliveTime,
        Suspicions = [.. Suspicions.Select(v => new SuspicionVote(v.Voter, v.VoterGeneration, v.Time))],
    };
}
