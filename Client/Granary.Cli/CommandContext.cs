using System.CommandLine;
using Granary.Client;
using Granary.Grains.Controller;
using Granary.Grains.Workflows;
using Spectre.Console;

namespace Granary.Cli;

/// <summary>
/// What every command action shares: the writers, the connection options, and one place that turns failures into a
/// message and an exit code.
/// </summary>
internal sealed class CommandContext(
    TextWriter output,
    TextWriter error,
    Option<string[]> gateways,
    Option<string?> clusterId,
    Option<string?> serviceId,
    Option<string?> redis,
    Func<GranaryClientOptions, CancellationToken, Task<GranaryClient>> connect)
{
    public TextWriter Output { get; } = output;

    /// <summary>
    /// Runs <paramref name="action"/> with a console over <see cref="Output"/> and a client connected on first use;
    /// returns the exit code and writes any failure to the error writer.
    /// </summary>
    public async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken, Func<IAnsiConsole, Lazy<Task<GranaryClient>>, Task> action)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        var client = new Lazy<Task<GranaryClient>>(() => ConnectAsync(result, cancellationToken));
        try
        {
            await action(console, client).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (WorkflowSpecException ex)
        {
            return await FailAsync(ex.Message, ExitCodes.BadInput).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return await FailAsync(ex.Message, ex.ExitCode).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            return await FailAsync(ex.Message, ExitCodes.BadInput).ConfigureAwait(false);
        }
        catch (WorkflowRejectedException ex)
        {
            return await FailAsync(GranaryErrors.Describe(ex), ExitCodes.ClusterError).ConfigureAwait(false);
        }
        catch (SiloUnavailableException ex)
        {
            return await FailAsync(GranaryErrors.Describe(ex), ExitCodes.ClusterError).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await FailAsync(ex.Message, ExitCodes.ClusterError).ConfigureAwait(false);
        }
        finally
        {
            if (client.IsValueCreated && client.Value.IsCompletedSuccessfully)
            {
                await client.Value.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<int> FailAsync(string message, int exitCode)
    {
        await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return exitCode;
    }

    private Task<GranaryClient> ConnectAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var endpoints = result.GetValue(gateways) is { Length: > 0 } given
            ? given.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : Environment.GetEnvironmentVariable(GranaryCli.GatewayVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
                : [GranaryClientOptions.DefaultGateway];
        var id = result.GetValue(clusterId) ?? Environment.GetEnvironmentVariable(GranaryCli.ClusterIdVariable) ?? "granary";
        var service = result.GetValue(serviceId) ?? Environment.GetEnvironmentVariable(GranaryCli.ServiceIdVariable) ?? "granary";
        var membership = result.GetValue(redis) ?? Environment.GetEnvironmentVariable(GranaryCli.RedisVariable);
        return connect(
            new GranaryClientOptions { Gateways = endpoints, ClusterId = id, ServiceId = service, Redis = string.IsNullOrEmpty(membership) ? null : membership },
            cancellationToken);
    }
}
