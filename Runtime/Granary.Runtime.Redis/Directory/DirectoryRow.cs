using System.Net;
using Granary.Runtime.Directory;

namespace Granary.Runtime.Redis.Directory;

/// <summary>The JSON form of a <see cref="GrainAddress"/> in the Redis grain directory.</summary>
internal sealed record DirectoryRow(string GrainType, string GrainKey, string SiloName, string? SiloEndpoint, long SiloGeneration, Guid ActivationId)
{
    public static DirectoryRow From(GrainAddress address) => new(
        address.GrainId.Type,
        address.GrainId.Key,
        address.Silo.Name,
        address.Silo.Endpoint?.ToString(),
        address.Silo.Generation,
        address.ActivationId);

    public GrainAddress ToAddress() => new(
        new GrainId(GrainType, GrainKey),
        new SiloAddress(SiloName, SiloEndpoint is null ? null : IPEndPoint.Parse(SiloEndpoint), SiloGeneration),
        ActivationId);
}
