using System.Text;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;

namespace Granary.Client.Tests;

/// <summary>
/// Answers a call with "echo:" and the payload; records each cast under "KEY:cast" (init-payload key=KEY) and
/// passes it on to output "out".
/// </summary>
public sealed class EchoFunction : GranaryFunction
{
    private string _key = string.Empty;

    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        _key = InitPayload.Parse(initPayload).GetValueOrDefault("key", string.Empty);
        return Task.CompletedTask;
    }

    public override Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        Observed.Add(_key + ":cast", Encoding.UTF8.GetString(message.Span));
        Context.Cast("out", message);
        return Task.CompletedTask;
    }

    public override Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        Task.FromResult(CallResult.Reply("echo:" + Encoding.UTF8.GetString(message.Span)));
}
