using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Platform.Tests;

/// <summary>What test functions observed, by test key.</summary>
public static class Observed
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Events = new();

    public static void Add(string key, string text) => Events.GetOrAdd(key, _ => new()).Enqueue(text);

    public static List<string> Of(string key) => Events.TryGetValue(key, out var q) ? [.. q] : [];
}

/// <summary>
/// One member of a ring: the client (init-payload role=client) starts a counter and records each lap; relays
/// pass the message on and record which node they ran on.
/// </summary>
public sealed class RingFunction : GranaryFunction
{
    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    private string Key => _settings["key"];

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _settings = InitPayload.Parse(initPayload);
        if (_settings.GetValueOrDefault("role") == "client")
        {
            Context.Cast("out", Encoding.UTF8.GetBytes("0"));
        }

        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var count = int.Parse(Encoding.UTF8.GetString(message.Span), CultureInfo.InvariantCulture);
        if (_settings.GetValueOrDefault("role") == "client")
        {
            Observed.Add(Key + ":laps", count.ToString(CultureInfo.InvariantCulture));
            if (count < int.Parse(_settings.GetValueOrDefault("laps", "1000000"), CultureInfo.InvariantCulture))
            {
                Context.Cast("out", Encoding.UTF8.GetBytes((count + 1).ToString(CultureInfo.InvariantCulture)));
            }
        }
        else
        {
            Observed.Add(Key + ":" + _settings["name"], Context.Self.NodeId.ToString("D"));
            Context.Cast("out", message);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Records where it was started; does nothing else.</summary>
public sealed class IdleFunction : GranaryFunction
{
    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        Observed.Add(settings["key"] + ":started", Context.Self.NodeId.ToString("D"));
        return Task.CompletedTask;
    }
}

/// <summary>
/// A pulse source (role=source) sends a numbered event on "out" every 50 ms; a relay (role=relay) records the node
/// it runs on and passes the event on; a sink (role=sink) records what arrives.
/// </summary>
public sealed class PulseFunction : GranaryFunction
{
    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();
    private int _next;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _settings = InitPayload.Parse(initPayload);
        if (_settings["role"] == "source")
        {
            Context.DelayedCast(TimeSpan.FromMilliseconds(50), "self", Encoding.UTF8.GetBytes("tick"));
        }

        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        switch (_settings["role"])
        {
            case "source":
                Context.Cast("out", Encoding.UTF8.GetBytes((_next++).ToString(CultureInfo.InvariantCulture)));
                Context.DelayedCast(TimeSpan.FromMilliseconds(50), "self", Encoding.UTF8.GetBytes("tick"));
                break;
            case "relay":
                Observed.Add(_settings["key"] + ":relay", Context.Self.NodeId.ToString("D"));
                Context.Cast("out", message);
                break;
            default:
                Observed.Add(_settings["key"] + ":sink", Encoding.UTF8.GetString(message.Span));
                Observed.Add(_settings["key"] + ":sink-instance", Context.Self.ComponentId.ToString("D"));
                break;
        }

        return Task.CompletedTask;
    }
}

/// <summary>Counts the events it receives and keeps the count with sync (so state_policy decides where it lives).</summary>
public sealed class CounterFunction : GranaryFunction
{
    private int _count;
    private string _key = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _key = InitPayload.Parse(initPayload)["key"];
        _count = state is { Length: 4 } ? BitConverter.ToInt32(state) : 0;
        return Task.CompletedTask;
    }

    public override async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        _count++;
        await Context.SyncAsync(BitConverter.GetBytes(_count), cancellationToken);
        Observed.Add(_key + ":count", _count.ToString(CultureInfo.InvariantCulture));
        Observed.Add(_key + ":node", Context.Self.NodeId.ToString("D"));
    }
}

/// <summary>Records each event with its instance id; the first instance of a key throws on its third event.</summary>
public sealed class CrashingFunction : GranaryFunction
{
    private static readonly ConcurrentDictionary<string, byte> Crashed = new();
    private string _key = string.Empty;
    private int _handled;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _key = InitPayload.Parse(initPayload)["key"];
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (++_handled == 3 && Crashed.TryAdd(_key, 0))
        {
            throw new InvalidOperationException("deliberate crash");
        }

        Observed.Add(_key + ":handled", Context.Self.ComponentId.ToString("D"));
        return Task.CompletedTask;
    }
}

/// <summary>At init, calls its output once and records the result.</summary>
public sealed class CallerFunction : GranaryFunction
{
    private string _key = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _key = InitPayload.Parse(initPayload)["key"];
        Context.DelayedCast(TimeSpan.FromMilliseconds(100), "self", Encoding.UTF8.GetBytes("go"));
        return Task.CompletedTask;
    }

    public override async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var result = await Context.CallAsync("out", Encoding.UTF8.GetBytes("question"), cancellationToken);
        Observed.Add(_key + ":result", $"{result.Kind}:{result.Text}");
    }
}

/// <summary>Never answers a call.</summary>
public sealed class SilentFunction : GranaryFunction
{
    public override async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return CallResult.NoReply;
    }
}

/// <summary>
/// A burst source (role=source, count=N) casts N numbered events on "out" in one turn; a relay (role=relay) passes
/// events on; a sink (role=sink) records what arrives, in order.
/// </summary>
public sealed class BurstFunction : GranaryFunction
{
    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _settings = InitPayload.Parse(initPayload);
        if (_settings["role"] == "source")
        {
            Context.DelayedCast(TimeSpan.FromMilliseconds(100), "self", Encoding.UTF8.GetBytes("go"));
        }

        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        switch (_settings["role"])
        {
            case "source":
                var count = int.Parse(_settings["count"], CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    Context.Cast("out", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
                }

                break;
            case "relay":
                Context.Cast("out", message);
                break;
            default:
                Observed.Add(_settings["key"] + ":sink", Encoding.UTF8.GetString(message.Span));
                break;
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A sender (role=sender) casts "first" on "out" and then calls "out" with "second" in the same turn; a recorder
/// (role=recorder) records casts and calls in the order they arrive and answers calls.
/// </summary>
public sealed class CastThenCallFunction : GranaryFunction
{
    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _settings = InitPayload.Parse(initPayload);
        if (_settings["role"] == "sender")
        {
            Context.DelayedCast(TimeSpan.FromMilliseconds(100), "self", Encoding.UTF8.GetBytes("go"));
        }

        return Task.CompletedTask;
    }

    public override async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (_settings["role"] == "sender")
        {
            Context.Cast("out", Encoding.UTF8.GetBytes("first"));
            var reply = await Context.CallAsync("out", Encoding.UTF8.GetBytes("second"), cancellationToken);
            Observed.Add(_settings["key"] + ":reply", reply.Text);
        }
        else
        {
            Observed.Add(_settings["key"] + ":arrived", "cast " + Encoding.UTF8.GetString(message.Span));
        }
    }

    public override Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        Observed.Add(_settings["key"] + ":arrived", "call " + Encoding.UTF8.GetString(message.Span));
        return Task.FromResult(CallResult.Reply("ok"));
    }
}
