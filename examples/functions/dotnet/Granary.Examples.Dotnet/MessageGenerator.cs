using System.Globalization;
using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Examples;

/// <summary>
/// Casts <c>message</c> on output <c>output</c> every <c>period</c> milliseconds (init-payload
/// <c>message=hello world,period=1000</c>), the .NET twin of EDGELESS's message_generator. It schedules itself with
/// delayed_cast to "self", so it keeps going without any timer of its own.
/// </summary>
public sealed class MessageGenerator : GranaryFunction
{
    private static readonly byte[] Tick = "tick"u8.ToArray();
    private byte[] _message = "hello"u8.ToArray();
    private TimeSpan _period = TimeSpan.FromSeconds(1);

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        if (settings.TryGetValue("message", out var message))
        {
            _message = Encoding.UTF8.GetBytes(message);
        }

        if (settings.TryGetValue("period", out var period))
        {
            _period = TimeSpan.FromMilliseconds(int.Parse(period, CultureInfo.InvariantCulture));
        }

        Context.DelayedCast(_period, "self", Tick);
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (source == Context.Self)
        {
            Context.Cast("output", _message);
            Context.DelayedCast(_period, "self", Tick);
        }

        return Task.CompletedTask;
    }
}
