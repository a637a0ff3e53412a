using System.Globalization;
using Granary.Grains.Functions;
using Granary.Grains.Workflows;

namespace Granary.Client.Tests;

/// <summary>A task that ends itself at init with the exit code of its init-payload (<c>code=N</c>).</summary>
public sealed class ExitFunction : GranaryFunction
{
    protected override Task OnInitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
    {
        Context.Exit(int.Parse(InitPayload.Parse(initPayload)["code"], CultureInfo.InvariantCulture));
        return Task.CompletedTask;
    }
}
