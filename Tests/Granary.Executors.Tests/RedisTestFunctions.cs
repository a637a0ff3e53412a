using System.Globalization;
using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Executors.Tests;

/// <summary>
/// Casts 1, 2, 3... on output <c>output</c>, one every <c>period</c> ms (init-payload <c>period=50,count=20</c>;
/// without count it never stops), scheduling itself with delayed_cast to "self".
/// </summary>
public sealed class CountingSource : GranaryFunction
{
    private static readonly byte[] Tick = "tick"u8.ToArray();
    private TimeSpan _period;
    private long _count;
    private long _next = 1;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        _period = TimeSpan.FromMilliseconds(int.Parse(settings.GetValueOrDefault("period", "50"), CultureInfo.InvariantCulture));
        _count = long.Parse(settings.GetValueOrDefault("count", "-1"), CultureInfo.InvariantCulture);
        Context.DelayedCast(_period, "self", Tick);
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (source == Context.Self && (_count < 0 || _next <= _count))
        {
            Context.Cast("output", Encoding.UTF8.GetBytes((_next++).ToString(CultureInfo.InvariantCulture)));
            Context.DelayedCast(_period, "self", Tick);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The head of a measured two-step workflow: every <c>period</c> ms (init-payload <c>period=100,count=8</c>) it
/// casts <c>workflow:begin:N</c> and <c>function:begin:N</c> on <c>metric</c>, works for a few milliseconds, casts
/// <c>function:end:N</c>, then passes N on <c>output</c> to a <see cref="MeasuredSink"/>, which ends the workflow
/// transaction.
/// </summary>
public sealed class MeasuredSource : GranaryFunction
{
    private static readonly byte[] Tick = "tick"u8.ToArray();
    private TimeSpan _period;
    private long _count;
    private long _next = 1;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        _period = TimeSpan.FromMilliseconds(int.Parse(settings.GetValueOrDefault("period", "100"), CultureInfo.InvariantCulture));
        _count = long.Parse(settings.GetValueOrDefault("count", "8"), CultureInfo.InvariantCulture);
        Context.DelayedCast(_period, "self", Tick);
        return Task.CompletedTask;
    }

    public override async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (source != Context.Self || _next > _count)
        {
            return;
        }

        var id = (_next++).ToString(CultureInfo.InvariantCulture);
        Context.Cast("metric", Encoding.UTF8.GetBytes("workflow:begin:" + id));
        Context.Cast("metric", Encoding.UTF8.GetBytes("function:begin:" + id));
        await Task.Delay(TimeSpan.FromMilliseconds(10 + (Random.Shared.Next(4) * 10)), cancellationToken);
        Context.Cast("metric", Encoding.UTF8.GetBytes("function:end:" + id));
        Context.Cast("output", Encoding.UTF8.GetBytes(id));
        Context.DelayedCast(_period, "self", Tick);
    }
}

/// <summary>Ends the workflow transaction whose id it receives: casts <c>workflow:end:ID</c> on <c>metric</c>.</summary>
public sealed class MeasuredSink : GranaryFunction
{
    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        Context.Cast("metric", Encoding.UTF8.GetBytes("workflow:end:" + Encoding.UTF8.GetString(message.Span)));
        return Task.CompletedTask;
    }
}

/// <summary>Casts metric events that are malformed or unmatched (an end with no begin) once, at init.</summary>
public sealed class MetricsChatter : GranaryFunction
{
    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        foreach (var text in new[] { "hello", "function:begin", "function:middle:1", "span:begin:1", "function:end:404", "workflow:end:404", "function:begin:" })
        {
            Context.Cast("metric", Encoding.UTF8.GetBytes(text));
        }

        return Task.CompletedTask;
    }
}
