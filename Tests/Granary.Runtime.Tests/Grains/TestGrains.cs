using System.Collections.Concurrent;
using Granary.Persistence;
using Granary.Placement;
using Granary.Streams;

namespace Granary.Runtime.Tests.Grains;

/// <summary>Records every activation so tests can check that a grain never had two at once.</summary>
public static class ActivationLog
{
    public static readonly ConcurrentDictionary<GrainId, ConcurrentQueue<(string Silo, DateTime At)>> Activations = new();

    public static void Record(GrainId id, string silo) => Activations.GetOrAdd(id, _ => new()).Enqueue((silo, DateTime.UtcNow));
}

public sealed class TrackedGrain : Grain, ITrackedGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ActivationLog.Record(GrainId, GrainContext.SiloName);
        return Task.CompletedTask;
    }

    public Task<string> Where() => Task.FromResult(GrainContext.SiloName);
}

public sealed class OrderGrain : Grain, IOrderGrain
{
    private readonly List<int> _recorded = [];
    private bool _inTurn;
    private bool _overlap;

    public Task Record(int sequence)
    {
        _recorded.Add(sequence);
        return Task.CompletedTask;
    }

    public Task<List<int>> Recorded() => Task.FromResult(_recorded);

    public async Task SlowTurn(int id)
    {
        if (_inTurn)
        {
            _overlap = true;
        }

        _inTurn = true;
        await Task.Delay(5);
        _recorded.Add(id);
        _inTurn = false;
    }

    public Task<bool> SawOverlap() => Task.FromResult(_overlap);
}

public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> Start(IChainGrain other) => await other.Bounce(GrainFactory.GetGrain<IChainGrain>(GetPrimaryKeyString()));

    public async Task<string> Bounce(IChainGrain origin) => "bounced:" + await origin.Back();

    public Task<string> Back() => Task.FromResult("back from " + GetPrimaryKeyString());
}

public sealed class SlowGrain : Grain, ISlowGrain
{
    public Task NeverReplies() => new TaskCompletionSource().Task;

    public Task NeverRepliesWithShortDeadline() => new TaskCompletionSource().Task;
}

public sealed class ThrowingGrain : Grain, IThrowingGrain
{
    public Task ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    public async Task ThrowCustom(int code)
    {
        await Task.Yield();
        throw new CustomGrainException($"custom failure {code}");
    }
}

public sealed class CounterState
{
    public int Value { get; set; }
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<string> Where() => Task.FromResult(GrainContext.SiloName);
}

[KeyedSiloPlacement]
public sealed class EdgeGrain : Grain, IEdgeGrain
{
    public Task<string> Where() => Task.FromResult(GrainContext.SiloName);

    public async Task<string> CallOther(string otherKey) => await GrainFactory.GetGrain<IEdgeGrain>(otherKey).Where();
}

public static class TimerLog
{
    public static readonly ConcurrentDictionary<string, int> Ticks = new();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IDisposable? _timer;
    private bool _inTurn;
    private bool _overlap;

    public Task StartTicking(int periodMs)
    {
        _timer = RegisterTimer(_ =>
        {
            if (_inTurn)
            {
                _overlap = true;
            }

            TimerLog.Ticks.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.CompletedTask;
    }

    public async Task LongTurn(int ms)
    {
        _inTurn = true;
        await Task.Delay(ms);
        _inTurn = false;
    }

    public Task<int> Ticks() => Task.FromResult(TimerLog.Ticks.GetValueOrDefault(GetPrimaryKeyString()));

    public Task<bool> TickOverlappedTurn() => Task.FromResult(_overlap);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[KeyedSiloPlacement]
public sealed class StreamListenerGrain : Grain, IStreamListenerGrain
{
    private readonly List<string> _received = [];

    public async Task Listen(string provider, string streamNamespace, string streamKey)
    {
        var stream = GetStreamProvider(provider).GetStream<string>(new StreamId(streamNamespace, streamKey));
        await stream.SubscribeAsync((item, _) =>
        {
            _received.Add(item);
            return Task.CompletedTask;
        });
    }

    public Task<List<string>> Received() => Task.FromResult(_received);

    public Task<string> Where() => Task.FromResult(GrainContext.SiloName);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<byte[]> EchoBytes(byte[] payload) => Task.FromResult(payload);

    public Task<Person> EchoPerson(Person person) => Task.FromResult(person);
}

public sealed class ReentrancyGrain : Grain, IReentrancyGrain
{
    private readonly List<string> _signals = [];
    private int _holding;

    public async Task<int> Hold(int ms)
    {
        _holding++;
        await Task.Delay(ms);
        _holding--;
        return _holding;
    }

    public Task<int> Peek() => Task.FromResult(_holding);

    public Task Signal(string text)
    {
        _signals.Add(text);
        return Task.CompletedTask;
    }

    public Task<List<string>> Signals() => Task.FromResult(_signals);
}

[Reentrant]
public sealed class ReentrantGrain : Grain, IReentrantGrain
{
    private int _current;
    private int _max;

    public async Task<int> Hold(int ms)
    {
        _current++;
        _max = Math.Max(_max, _current);
        await Task.Delay(ms);
        _current--;
        return _current;
    }

    public Task<int> MaxConcurrent() => Task.FromResult(_max);
}

public sealed class IdleGrain : Grain, IIdleGrain
{
    private readonly Guid _instance = Guid.NewGuid();

    public Task<Guid> Instance() => Task.FromResult(_instance);
}
