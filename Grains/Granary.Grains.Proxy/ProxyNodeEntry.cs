using System.Text.Json;

namespace Granary.Grains.Proxy;

/// <summary>A node as the proxy mirror shows it: its id and the JSON of <c>node:health:NODE</c> and <c>nodes:capabilities:NODE</c>, when present.</summary>
public sealed record ProxyNodeEntry(string NodeId, JsonElement? Health, JsonElement? Capabilities);
