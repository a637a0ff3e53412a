namespace Granary.Runtime.Redis.Membership;

/// <summary>A hash field's value: the row and its etag (the table version its last insert or update produced).</summary>
internal sealed record StoredMembershipRow(string ETag, MembershipRow Row);
