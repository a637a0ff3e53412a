using Granary.Grains.Redis;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Proxy.Redis;
using Microsoft.Extensions.Logging;

namespace Granary.Executors.Resources;

/// <summary>
/// The <c>redis</c> resource: each received value (cast or call payload, bytes as they are) is written to the Redis key
/// <c>key</c> of the server at <c>url</c> (<c>redis://host:port[/db]</c>) with SET, so the key always holds the latest
/// value. Writes go through the process's shared StackExchange.Redis multiplexer for that server, off the instance's event loop: while Redis is unreachable the
/// instance keeps accepting events, logs one warning, and writes the newest value as soon as Redis answers again
/// (older values received meanwhile are superseded, as SET would overwrite them anyway). Calls are answered with no
/// reply once the value is queued.
/// </summary>
public sealed class RedisResourceExecutor(RedisConnectionRegistry connections, ILoggerFactory loggers) : IFunctionExecutor
{
    public string Kind => "redis";

    public bool IsResource => true;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        var config = deployment.Resource?.Configurations ?? throw new ArgumentException($"{deployment.Name} is not a resource.", nameof(deployment));
        if (!config.TryGetValue("url", out var url) || string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (redis) needs the configuration 'url' (redis://host:port).");
        }

        if (!config.TryGetValue("key", out var key) || string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (redis) needs the configuration 'key'.");
        }

        try
        {
            _ = RedisUrl.Parse(url);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (redis): configuration 'url' is not usable: {ex.Message}", ex);
        }

        return Task.FromResult<IFunctionInstance>(new Instance(connections, deployment.Name, url, key, loggers));
    }

    private sealed class Instance(RedisConnectionRegistry connections, string name, string url, string key, ILoggerFactory loggers) : IFunctionInstance
    {
        private readonly RedisWriter _writer = new(connections, url, $"Resource {name} (redis)", latestOnly: true, capacity: 1, loggers);

        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            var value = message.ToArray();
            _writer.Post(db => db.StringSetAsync(key, value));
            return Task.CompletedTask;
        }

        public async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            await CastAsync(source, message, cancellationToken).ConfigureAwait(false);
            return CallResult.NoReply;
        }

        public Task StopAsync(CancellationToken cancellationToken) => _writer.StopAsync(TimeSpan.FromSeconds(2));

        public ValueTask DisposeAsync() => _writer.DisposeAsync();
    }
}
