namespace Granary.Redis;

/// <summary>
/// One multiplexed connection to a Redis server, shared by every caller of the process: commands from concurrent
/// callers are pipelined on one socket and their replies matched in order. Pub/sub uses a second socket, opened on
/// first use. Both reconnect by themselves; dispose the connection once, at shutdown.
/// </summary>
public interface IRedisConnection : IAsyncDisposable
{
    /// <summary>The server as <c>host:port</c>.</summary>
    string EndPoint { get; }

    /// <summary>True while the command socket is open and past its handshake.</summary>
    bool IsConnected { get; }

    /// <summary>The command interface for the connection's database (<see cref="RedisOptions.Database"/>). Cheap; the same object every time.</summary>
    IRedisDatabase GetDatabase();

    /// <summary>The pub/sub interface. Its socket is opened by the first subscription.</summary>
    IRedisSubscriber GetSubscriber();
}
