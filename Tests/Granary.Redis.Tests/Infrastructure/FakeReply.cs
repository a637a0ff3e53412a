using System.Text;

namespace Granary.Redis.Tests.Infrastructure;

/// <summary>What the <see cref="FakeRedisServer"/> sends for one command.</summary>
public sealed record FakeReply(byte[] Bytes, bool CloseAfter = false)
{
    public static FakeReply None { get; } = new([]);

    public static FakeReply Raw(string resp, bool closeAfter = false) => new(Encoding.UTF8.GetBytes(resp), closeAfter);
}
