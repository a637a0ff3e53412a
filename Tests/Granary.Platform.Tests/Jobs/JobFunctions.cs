using System.Globalization;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Platform.Tests.Jobs;

/// <summary>
/// A task that records its start under <c>key</c>:started and ends itself through <see cref="IFunctionContext.Exit"/>
/// with exit code <c>code</c>: at init, or on its first cast when <c>on=cast</c>.
/// </summary>
public sealed class ExitingFunction : GranaryFunction
{
    private int _code;
    private bool _onCast;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        var settings = InitPayload.Parse(initPayload);
        _code = int.Parse(settings["code"], CultureInfo.InvariantCulture);
        _onCast = settings.TryGetValue("on", out var on) && on == "cast";
        Observed.Add(settings["key"] + ":started", Context.Self.ComponentId.ToString("D"));
        if (!_onCast)
        {
            Context.Exit(_code);
        }

        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (_onCast)
        {
            Context.Exit(_code);
        }

        return Task.CompletedTask;
    }
}
