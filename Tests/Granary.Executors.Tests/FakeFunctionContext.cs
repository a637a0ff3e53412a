using System.Collections.Concurrent;
using Granary.Grains.Functions;
using Granary.Grains.Identity;

namespace Granary.Executors.Tests;

/// <summary>An <see cref="IFunctionContext"/> that records what a function emits and answers calls with <see cref="OnCall"/>.</summary>
public sealed class FakeFunctionContext : IFunctionContext
{
    public InstanceId Self { get; } = InstanceId.NewOn(Guid.NewGuid());

    public ConcurrentQueue<(string Alias, byte[] Payload)> Casts { get; } = new();

    public ConcurrentQueue<(InstanceId Target, byte[] Payload)> RawCasts { get; } = new();

    public ConcurrentQueue<(string Target, byte[] Payload)> Calls { get; } = new();

    public ConcurrentQueue<(TimeSpan Delay, string Alias, byte[] Payload)> DelayedCasts { get; } = new();

    public ConcurrentQueue<(TelemetryLevel Level, string Target, string Message)> Telemetry { get; } = new();

    public ConcurrentQueue<byte[]> Syncs { get; } = new();

    public ConcurrentQueue<int> Exits { get; } = new();

    /// <summary>Answers every call (target is the alias, or the instance id's text for a raw call).</summary>
    public Func<string, byte[], Task<CallResult>> OnCall { get; set; } = (_, _) => Task.FromResult(CallResult.NoReply);

    public void Cast(string alias, ReadOnlyMemory<byte> message) => Casts.Enqueue((alias, message.ToArray()));

    public void CastRaw(InstanceId target, ReadOnlyMemory<byte> message) => RawCasts.Enqueue((target, message.ToArray()));

    public Task<CallResult> CallAsync(string alias, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((alias, message.ToArray()));
        return OnCall(alias, message.ToArray());
    }

    public Task<CallResult> CallRawAsync(InstanceId target, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((target.ToString(), message.ToArray()));
        return OnCall(target.ToString(), message.ToArray());
    }

    public void DelayedCast(TimeSpan delay, string alias, ReadOnlyMemory<byte> message) => DelayedCasts.Enqueue((delay, alias, message.ToArray()));

    public void TelemetryLog(TelemetryLevel level, string target, string message) => Telemetry.Enqueue((level, target, message));

    public void Exit(int exitCode = 0) => Exits.Enqueue(exitCode);

    public Task SyncAsync(ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        Syncs.Enqueue(state.ToArray());
        return Task.CompletedTask;
    }
}
