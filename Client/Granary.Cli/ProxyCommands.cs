using Granary.Grains.Redis;
using System.CommandLine;
using System.Globalization;
using Granary.Grains.Identity;
using Granary.Grains.Proxy;
using Granary.Grains.Proxy.Redis;
using Spectre.Console;
using StackExchange.Redis;

namespace Granary.Cli;

/// <summary>
/// <c>granary proxy</c>: reads a domain's proxy Redis directly (the mirror and metrics of REFERENCE.md section 5) and
/// queues intents in it, as the seed's <c>proxy_cli</c> does. No cluster connection is needed, only the Redis.
/// </summary>
internal static class ProxyCommands
{
    /// <summary>The Redis used when neither --redis nor GRANARY_PROXY_URL is given.</summary>
    public const string DefaultUrl = "redis://127.0.0.1:6379";

    public static Command Build(CommandContext context)
    {
        var redis = new Option<string?>("--redis")
        {
            Description = $"The proxy Redis, redis://HOST:PORT[/DB] (or HOST:PORT). Default: ${GranaryCli.ProxyUrlVariable} or {DefaultUrl}.",
            Recursive = true,
        };
        var proxy = new Command("proxy", "Read the orchestrator's proxy Redis (nodes, instances, performance) and queue intents for it.");
        proxy.Options.Add(redis);
        proxy.Subcommands.Add(ShowCommand(context, redis));
        proxy.Subcommands.Add(DumpCommand(context, redis));
        proxy.Subcommands.Add(IntentCommand(context, redis));
        return proxy;
    }

    private static Command ShowCommand(CommandContext context, Option<string?> redis)
    {
        var show = new Command("show", "Show what the proxy mirror holds.");
        var node = new Command("node", "Show nodes.");
        var health = new Command("health", "Each node's last health report (node id → health fields).");
        health.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
            ProxyViews.NodeHealth(console, await new ProxyStateReader(db).NodesAsync(token).ConfigureAwait(false))));
        node.Subcommands.Add(health);

        var instances = new Command("instances", "The functions [F] and resources [R] each node runs (node → instances).");
        instances.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
        {
            var reader = new ProxyStateReader(db);
            ProxyViews.NodeInstances(console, await reader.NodesAsync(token).ConfigureAwait(false), await reader.FunctionsAsync(token).ConfigureAwait(false));
        }));
        node.Subcommands.Add(instances);
        show.Subcommands.Add(node);

        var logicalToPhysical = new Command("logical-to-physical", "Each logical function's physical instances (logical id → physical id, node).");
        logicalToPhysical.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
            ProxyViews.LogicalToPhysical(console, await new ProxyStateReader(db).FunctionsAsync(token).ConfigureAwait(false))));
        show.Subcommands.Add(logicalToPhysical);

        var functions = new Command("functions", "Each logical function and resource with its annotations, nodes and outputs.");
        functions.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
            ProxyViews.Functions(console, await new ProxyStateReader(db).FunctionsAsync(token).ConfigureAwait(false))));
        show.Subcommands.Add(functions);
        return show;
    }

    private static Command DumpCommand(CommandContext context, Option<string?> redis)
    {
        var dump = new Command("dump", "Write what the proxy Redis holds to files.");
        var directory = new Option<string>("--dir")
        {
            Description = "The directory the files go to (created if missing). Default: the current directory.",
            DefaultValueFactory = _ => ".",
        };
        var performance = new Command(
            "performance",
            "One file per instance, PID.csv, with its samples as EDGELESS stores them: exec_time,timestamp per line (seconds, and Unix seconds, both with fractions).")
        {
            directory,
        };
        performance.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
        {
            var dir = Path.GetFullPath(result.GetValue(directory)!);
            var samples = await new ProxyStateReader(db).PerformanceAsync(token).ConfigureAwait(false);
            if (samples.Count == 0)
            {
                console.WriteLine("No performance samples.");
                return;
            }

            Directory.CreateDirectory(dir);
            foreach (var (pid, lines) in samples)
            {
                // Entries in another format (a foreign writer, the old millisecond timestamps) are left out and counted.
                var readable = new List<string>();
                DateTimeOffset? first = null, last = null;
                foreach (var line in lines)
                {
                    if (ProxyKeys.TryParsePerformanceSample(line, out _, out var at))
                    {
                        readable.Add(line);
                        first = first is { } f && f < at ? f : at;
                        last = last is { } l && l > at ? l : at;
                    }
                }

                var path = Path.Combine(dir, SafeFileName(pid) + ".csv");
                await File.WriteAllLinesAsync(path, readable, token).ConfigureAwait(false);
                var span = first is { } from && last is { } to ? $", {from:yyyy-MM-ddTHH:mm:ss.fffZ} to {to:yyyy-MM-ddTHH:mm:ss.fffZ}" : string.Empty;
                var skipped = lines.Count - readable.Count;
                console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{pid}: {readable.Count} sample(s){span} -> {path}{(skipped > 0 ? $" ({skipped} unreadable entr{(skipped == 1 ? "y" : "ies")} left out)" : string.Empty)}"));
            }
        }));
        dump.Subcommands.Add(performance);
        return dump;
    }

    private static Command IntentCommand(CommandContext context, Option<string?> redis)
    {
        var intent = new Command("intent", "Queue an intent for the orchestrator (key set, then appended to the intents list).");
        var lid = new Argument<string>("LID") { Description = "The logical id of the function to move." };
        var target = new Argument<string>("NODE") { Description = "The node id to move it to." };
        var migrate = new Command("migrate", "Ask the orchestrator to move a function to a node (intent:migrate:LID = NODE).") { lid, target };
        migrate.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
        {
            var function = ParseLogicalId(result.GetValue(lid)!);
            var node = result.GetValue(target)!;
            var queued = await new ProxyIntentWriter(db).MigrateAsync(function, node, token).ConfigureAwait(false);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Queued {ProxyKeys.MigratePrefix}{function} = {node.Trim()} ({queued} intent(s) queued)"));
        }, validate: () => ParseLogicalId(result.GetValue(lid)!)));
        intent.Subcommands.Add(migrate);
        intent.Subcommands.Add(CordonCommand(context, redis, "cordon", "Stop new placements on a node (intent:cordon:NODE = yes).", cordon: true));
        intent.Subcommands.Add(CordonCommand(context, redis, "uncordon", "Allow new placements on a node again (intent:cordon:NODE = no).", cordon: false));
        return intent;
    }

    private static Command CordonCommand(CommandContext context, Option<string?> redis, string name, string description, bool cordon)
    {
        var node = new Argument<string>("NODE") { Description = "The node id." };
        var command = new Command(name, description) { node };
        command.SetAction((result, token) => Run(context, redis, result, token, async (console, db) =>
        {
            var id = result.GetValue(node)!.Trim();
            var queued = await new ProxyIntentWriter(db).CordonAsync(id, cordon, token).ConfigureAwait(false);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Queued {ProxyKeys.CordonPrefix}{id} = {(cordon ? "yes" : "no")} ({queued} intent(s) queued)"));
        }));
        return command;
    }

    /// <summary>Runs <paramref name="action"/> with a connection to the proxy Redis, failing clearly when it cannot be reached.</summary>
    private static Task<int> Run(
        CommandContext context, Option<string?> redis, ParseResult result, CancellationToken cancellationToken, Func<IAnsiConsole, IDatabase, Task> action,
        Action? validate = null) =>
        context.RunAsync(result, cancellationToken, async (console, _) =>
        {
            // Bad arguments are reported as such even when Redis is unreachable.
            validate?.Invoke();
            var options = Options(result.GetValue(redis));
            ConnectionMultiplexer connection;
            try
            {
                connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisException ex)
            {
                throw new CliException($"Cannot reach the proxy Redis at {RedisUrl.Describe(options)}: {ex.Message}", ExitCodes.ClusterError);
            }

            await using (connection.ConfigureAwait(false))
            {
                // One line per entry, however long (annotations, init payloads): the output greps and diffs like the seed's.
                console.Profile.Width = 4096;
                await action(console, connection.GetDatabase(options.DefaultDatabase ?? 0)).ConfigureAwait(false);
            }
        });

    private static ConfigurationOptions Options(string? given)
    {
        var url = given is { Length: > 0 } ? given : Environment.GetEnvironmentVariable(GranaryCli.ProxyUrlVariable) is { Length: > 0 } env ? env : DefaultUrl;
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            url = "redis://" + url;
        }

        ConfigurationOptions options;
        try
        {
            options = RedisUrl.Parse(url);
        }
        catch (FormatException ex)
        {
            throw new CliException($"--redis: {ex.Message}", ExitCodes.BadInput);
        }

        // A one-shot command fails at once when Redis is not there, and does not wait long for it.
        options.AbortOnConnectFail = true;
        if (!RedisUrl.HasOption(url, "connectTimeout"))
        {
            options.ConnectTimeout = 2000;
        }

        return options;
    }

    private static LogicalFunctionId ParseLogicalId(string text) =>
        LogicalFunctionId.TryParse(text, null, out var function)
            ? function
            : throw new CliException($"'{text}' is not a logical function id (a UUID).", ExitCodes.BadInput);

    private static string SafeFileName(string id) => string.Concat(id.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ':' ? '_' : c));
}
