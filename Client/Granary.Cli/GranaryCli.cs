using System.CommandLine;
using System.Text;
using Granary.Client;
using Granary.Grains.Controller;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Workflows;
using Spectre.Console;

namespace Granary.Cli;

/// <summary>
/// The <c>granary</c> command tree, callable in process: <see cref="RunAsync"/> parses the arguments, talks to the
/// cluster and writes tables to the given writers, returning the exit code instead of ending the process.
/// </summary>
public static class GranaryCli
{
    /// <summary>The environment variable holding default gateways (comma separated) when no --gateway is given.</summary>
    public const string GatewayVariable = "GRANARY_GATEWAY";

    /// <summary>The environment variable holding the cluster id when no --cluster-id is given.</summary>
    public const string ClusterIdVariable = "GRANARY_CLUSTER_ID";

    /// <summary>The environment variable holding the service id when no --service-id is given.</summary>
    public const string ServiceIdVariable = "GRANARY_SERVICE_ID";

    /// <summary>The environment variable holding the cluster's Redis (membership) when no --redis is given to a cluster command.</summary>
    public const string RedisVariable = "GRANARY_REDIS";

    /// <summary>The environment variable holding the proxy Redis URL of <c>granary proxy</c> when no --redis is given.</summary>
    public const string ProxyUrlVariable = "GRANARY_PROXY_URL";

    /// <summary>
    /// Runs <c>granary</c> with <paramref name="args"/>: results go to <paramref name="output"/>, problems to
    /// <paramref name="error"/>. Returns <see cref="ExitCodes.Success"/>, <see cref="ExitCodes.BadInput"/> for a bad
    /// command line or input file (nothing is sent to the cluster), or <see cref="ExitCodes.ClusterError"/> when the
    /// cluster cannot be reached or refuses the request.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, GranaryClient.ConnectAsync, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(string[], TextWriter, TextWriter, CancellationToken)"/>, reaching the cluster through
    /// <paramref name="connect"/> with the connection options the command line gives (a host that already has a client
    /// of the cluster, or a test cluster whose silos talk in memory, hands in its own).
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<GranaryClientOptions, CancellationToken, Task<GranaryClient>> connect, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(connect);
        var root = BuildCommand(output, error, connect);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync("error: " + parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'granary --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken)
            .ConfigureAwait(false);
    }

    private static RootCommand BuildCommand(TextWriter output, TextWriter error, Func<GranaryClientOptions, CancellationToken, Task<GranaryClient>> connect)
    {
        var gateways = new Option<string[]>("--gateway", "-g")
        {
            Description = $"Gateway silo host:port; repeatable. Default: ${GatewayVariable} or {GranaryClientOptions.DefaultGateway}.",
            Recursive = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var clusterId = new Option<string?>("--cluster-id")
        {
            Description = $"The cluster id of the gateways. Default: ${ClusterIdVariable} or granary.",
            Recursive = true,
        };
        var serviceId = new Option<string?>("--service-id")
        {
            Description = $"The service id of the cluster. Default: ${ServiceIdVariable} or granary.",
            Recursive = true,
        };

        // On the cluster commands only: under `granary proxy`, --redis names the proxy's database instead.
        var redis = new Option<string?>("--redis")
        {
            Description = $"Find the gateways in the cluster's Redis membership, redis://HOST:PORT (instead of --gateway). Default: ${RedisVariable}.",
            Recursive = true,
        };
        var root = new RootCommand("Granary: start, stop and inspect workflows, domains and nodes of a Granary cluster.");
        root.Options.Add(gateways);
        root.Options.Add(clusterId);
        root.Options.Add(serviceId);

        var context = new CommandContext(output, error, gateways, clusterId, serviceId, redis, connect);
        foreach (var command in new[] { WorkflowCommand(context), DomainCommand(context), NodeCommand(context), FunctionCommand(context), EventsCommand(context) })
        {
            command.Options.Add(redis);
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ProxyCommands.Build(context));
        return root;
    }

    private static Command WorkflowCommand(CommandContext context)
    {
        var workflow = new Command("workflow", "Start, stop, list and inspect workflows.");

        var file = new Argument<string>("FILE") { Description = "An EDGELESS workflow JSON file." };
        var start = new Command("start", "Validate a workflow file and deploy it on a fitting domain.") { file };
        start.SetAction((result, token) => context.RunAsync(result, token, async (_, client) =>
        {
            var path = result.GetValue(file)!;
            var spec = WorkflowSpecParser.ParseFile(path);
            var id = await (await client.Value.ConfigureAwait(false)).Workflows.StartAsync(spec, token).ConfigureAwait(false);
            var details = await (await client.Value.ConfigureAwait(false)).Workflows.InspectAsync(id, token).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"Started workflow {id} on domain {details?.Workflow.DomainId ?? "?"}").ConfigureAwait(false);
        }));
        workflow.Subcommands.Add(start);

        var stopId = new Argument<string>("ID") { Description = "A workflow id, or 'all'." };
        var stop = new Command("stop", "Stop a workflow, or all of them.") { stopId };
        stop.SetAction((result, token) => context.RunAsync(result, token, async (_, client) =>
        {
            var id = result.GetValue(stopId)!;
            var workflows = (await client.Value.ConfigureAwait(false)).Workflows;
            if (id == "all")
            {
                var stopped = await workflows.StopAllAsync(token).ConfigureAwait(false);
                await context.Output.WriteLineAsync($"Stopped {stopped.Count} workflow(s){(stopped.Count > 0 ? ": " + string.Join(", ", stopped) : ".")}").ConfigureAwait(false);
                return;
            }

            if (!await workflows.StopAsync(id, token).ConfigureAwait(false))
            {
                throw new CliException($"No workflow '{id}'.", ExitCodes.ClusterError);
            }

            await context.Output.WriteLineAsync($"Stopped workflow {id}").ConfigureAwait(false);
        }));
        workflow.Subcommands.Add(stop);

        var list = new Command("list", "List the workflows the controller knows.");
        list.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
        {
            var workflows = await (await client.Value.ConfigureAwait(false)).Workflows.ListAsync(token).ConfigureAwait(false);
            Views.Workflows(console, workflows);
        }));
        workflow.Subcommands.Add(list);

        var inspectId = new Argument<string>("ID") { Description = "A workflow id, or 'all'." };
        var inspect = new Command("inspect", "Show each component of a workflow: domain, logical id, instances.") { inspectId };
        inspect.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
        {
            var id = result.GetValue(inspectId)!;
            var workflows = (await client.Value.ConfigureAwait(false)).Workflows;
            var ids = id == "all" ? (await workflows.ListAsync(token).ConfigureAwait(false)).Select(w => w.WorkflowId).ToList() : [id];
            if (ids.Count == 0)
            {
                console.WriteLine("No workflows.");
            }

            foreach (var workflowId in ids)
            {
                var details = await workflows.InspectAsync(workflowId, token).ConfigureAwait(false)
                    ?? throw new CliException($"No workflow '{workflowId}'.", ExitCodes.ClusterError);
                Views.Workflow(console, details);
            }
        }));
        workflow.Subcommands.Add(inspect);
        return workflow;
    }

    private static Command EventsCommand(CommandContext context)
    {
        var domainOption = new Option<string?>("--domain") { Description = "Only this domain's events. Default: every domain registered now." };
        var events = new Command("events", "Print platform events as they happen (instances, performance samples, workflows, nodes) until Ctrl+C.") { domainOption };
        events.SetAction((result, token) => context.RunAsync(result, token, async (_, client) =>
        {
            var connected = await client.Value.ConfigureAwait(false);
            List<string> domains = result.GetValue(domainOption) is { Length: > 0 } one
                ? [one]
                : [.. (await connected.Domains.ListAsync(token).ConfigureAwait(false)).Select(d => d.DomainId)];
            if (domains.Count == 0)
            {
                throw new CliException("No domain is registered yet; name one with --domain to wait for its events.", ExitCodes.ClusterError);
            }

            var printing = new SemaphoreSlim(1, 1);
            var subscriptions = new List<Orleans.Streams.StreamSubscriptionHandle<Grains.Events.PlatformEvent>>();
            foreach (var domain in domains)
            {
                subscriptions.Add(await connected.SubscribeToEventsAsync(domain, async e =>
                {
                    await printing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                    try
                    {
                        await context.Output.WriteLineAsync(Views.Event(domain, e)).ConfigureAwait(false);
                        await context.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        printing.Release();
                    }
                }).ConfigureAwait(false));
            }

            await context.Output.WriteLineAsync($"Following the events of {string.Join(", ", domains)}; Ctrl+C stops.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }

            foreach (var subscription in subscriptions)
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
        }));
        return events;
    }

    private static Command DomainCommand(CommandContext context)
    {
        var domain = new Command("domain", "List and inspect orchestration domains.");
        var list = new Command("list", "List the domains registered with the controller.");
        list.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
            Views.Domains(console, await (await client.Value.ConfigureAwait(false)).Domains.ListAsync(token).ConfigureAwait(false))));
        domain.Subcommands.Add(list);

        var id = new Argument<string>("ID") { Description = "A domain id." };
        var inspect = new Command("inspect", "Show a domain's capabilities, nodes and workflows.") { id };
        inspect.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
        {
            var domainId = result.GetValue(id)!;
            var summary = await (await client.Value.ConfigureAwait(false)).Domains.InspectAsync(domainId, token).ConfigureAwait(false)
                ?? throw new CliException($"No domain '{domainId}' is registered.", ExitCodes.ClusterError);
            Views.Domain(console, summary);
        }));
        domain.Subcommands.Add(inspect);
        return domain;
    }

    private static Command NodeCommand(CommandContext context)
    {
        var node = new Command("node", "List and inspect edge nodes.");
        var list = new Command("list", "List the nodes of every registered domain.");
        list.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
            Views.Nodes(console, await (await client.Value.ConfigureAwait(false)).Nodes.ListAsync(token).ConfigureAwait(false))));
        node.Subcommands.Add(list);

        var id = new Argument<string>("ID") { Description = "A node id or name." };
        var inspect = new Command("inspect", "Show a node and the instances it runs.") { id };
        inspect.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
        {
            var nodeId = result.GetValue(id)!;
            var details = await (await client.Value.ConfigureAwait(false)).Nodes.InspectAsync(nodeId, token).ConfigureAwait(false)
                ?? throw new CliException($"No registered domain reports node '{nodeId}'.", ExitCodes.ClusterError);
            Views.Node(console, details);
        }));
        node.Subcommands.Add(inspect);
        return node;
    }

    private static Command FunctionCommand(CommandContext context)
    {
        var function = new Command("function", "Inspect logical functions and invoke their instances directly.");
        var workflowId = new Argument<string>("WORKFLOW") { Description = "The workflow id." };
        var component = new Argument<string>("COMPONENT") { Description = "The component name in the workflow." };
        var payload = new Argument<string>("PAYLOAD") { Description = "The payload, sent as UTF-8 text." };
        var call = new Option<bool>("--call") { Description = "Call and print the answer instead of a one-way cast." };
        var invoke = new Command("invoke", "Send a payload to an instance of a workflow component.") { workflowId, component, payload, call };
        invoke.SetAction((result, token) => context.RunAsync(result, token, async (_, client) =>
        {
            var answer = await (await client.Value.ConfigureAwait(false)).Functions.InvokeAsync(
                result.GetValue(workflowId)!, result.GetValue(component)!, Encoding.UTF8.GetBytes(result.GetValue(payload)!), result.GetValue(call), token).ConfigureAwait(false);
            switch (answer)
            {
                case null:
                    await context.Output.WriteLineAsync("Cast delivered.").ConfigureAwait(false);
                    break;
                case { Kind: CallResultKind.Reply }:
                    await context.Output.WriteLineAsync(answer.Text).ConfigureAwait(false);
                    break;
                case { Kind: CallResultKind.NoReply }:
                    await context.Output.WriteLineAsync("(no reply)").ConfigureAwait(false);
                    break;
                default:
                    throw new CliException("The function answered with an error: " + answer.Text, ExitCodes.ClusterError);
            }
        }));
        function.Subcommands.Add(invoke);

        var lid = new Argument<string>("LID") { Description = "The logical id of a function or resource (see 'workflow inspect')." };
        var inspect = new Command("inspect", "Show a logical function: instances wanted and running, outputs, stored state.") { lid };
        inspect.SetAction((result, token) => context.RunAsync(result, token, async (console, client) =>
        {
            var text = result.GetValue(lid)!;
            if (!LogicalFunctionId.TryParse(text, null, out var logicalId))
            {
                throw new CliException($"'{text}' is not a logical id: expected a UUID such as 3f2b8c1e-0d4a-4c55-9e2f-7a1b2c3d4e5f.", ExitCodes.BadInput);
            }

            var details = await (await client.Value.ConfigureAwait(false)).Functions.InspectAsync(logicalId, token).ConfigureAwait(false)
                ?? throw new CliException($"No domain runs a function with logical id {logicalId}.", ExitCodes.ClusterError);
            Views.Function(console, details);
        }));
        function.Subcommands.Add(inspect);
        return function;
    }
}
