using Granary.Streams;

namespace Granary.Runtime.Tests.Grains;

public interface ITrackedGrain : IGrainWithIntegerKey
{
    Task<string> Where();
}

public interface IOrderGrain : IGrainWithStringKey
{
    Task Record(int sequence);

    Task<List<int>> Recorded();

    Task SlowTurn(int id);

    Task<bool> SawOverlap();
}

public interface IChainGrain : IGrainWithStringKey
{
    Task<string> Start(IChainGrain other);

    Task<string> Bounce(IChainGrain origin);

    Task<string> Back();
}

public interface ISlowGrain : IGrainWithStringKey
{
    Task NeverReplies();

    [ResponseTimeout("00:00:00.300")]
    Task NeverRepliesWithShortDeadline();
}

public interface IThrowingGrain : IGrainWithStringKey
{
    Task ThrowInvalidOperation(string message);

    Task ThrowCustom(int code);
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    Task<string> Where();
}

public interface IEdgeGrain : IGrainWithStringKey
{
    Task<string> Where();

    Task<string> CallOther(string otherKey);
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartTicking(int periodMs);

    Task LongTurn(int ms);

    Task<int> Ticks();

    Task<bool> TickOverlappedTurn();

    Task Deactivate();
}

public interface IStreamListenerGrain : IGrainWithStringKey
{
    Task Listen(string provider, string streamNamespace, string streamKey);

    Task<List<string>> Received();

    Task<string> Where();
}

public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<int> Echo(int value);

    Task<byte[]> EchoBytes(byte[] payload);

    Task<Person> EchoPerson(Person person);
}

[GenerateSerializer]
public sealed record Person([property: Id(0)] string Name, [property: Id(1)] int Age)
{
    [Id(2)]
    public List<string> Tags { get; init; } = [];
}

public sealed class CustomGrainException(string message) : Exception(message);

public interface IReentrancyGrain : IGrainWithStringKey
{
    Task<int> Hold(int ms);

    [AlwaysInterleave]
    Task<int> Peek();

    [OneWay]
    Task Signal(string text);

    Task<List<string>> Signals();
}

public interface IReentrantGrain : IGrainWithStringKey
{
    Task<int> Hold(int ms);

    Task<int> MaxConcurrent();
}

public interface IIdleGrain : IGrainWithStringKey
{
    Task<Guid> Instance();
}
