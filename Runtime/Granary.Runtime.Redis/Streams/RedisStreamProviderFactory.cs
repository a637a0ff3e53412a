using Granary.Runtime.Streams;
using Granary.Streams;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Redis.Streams;

/// <summary>
/// Creates the Redis stream provider of a silo; owned by the silo's service provider, whose disposal stops every
/// pulling agent and closes the provider's connection.
/// </summary>
internal sealed class RedisStreamProviderFactory(string name, RedisStreamOptions options, RedisConnectionSource connection, ILoggerFactory loggerFactory) : IStreamProviderFactory, IAsyncDisposable
{
    private readonly List<RedisStreamProvider> _providers = [];

    public string Name { get; } = name;

    public IStreamProvider Create(SiloRuntime silo)
    {
        var provider = new RedisStreamProvider(Name, options, connection, silo, loggerFactory.CreateLogger<RedisStreamProvider>());
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        List<RedisStreamProvider> providers;
        lock (_providers)
        {
            providers = [.. _providers];
            _providers.Clear();
        }

        await Task.WhenAll(providers.Select(p => p.StopAllAsync())).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
