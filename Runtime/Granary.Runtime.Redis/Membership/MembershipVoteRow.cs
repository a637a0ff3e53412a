namespace Granary.Runtime.Redis.Membership;

/// <summary>The JSON form of a suspicion vote.</summary>
internal sealed record MembershipVoteRow(string Voter, long VoterGeneration, DateTimeOffset Time);
