using System.Globalization;
using System.Text;
using Granary.Grains.Execution;
using Granary.Grains.Functions;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Executors.Resources;

/// <summary>
/// The <c>file-log</c> resource: appends each received message as a line to <c>filename</c>, naming the node and
/// the sending instance (so a migration shows in the file), prefixed by an RFC 3339 timestamp when
/// <c>add-timestamp</c> is true. Example line:
/// <c>2024-09-05T18:04:21.175674+00:00 from node_id fda6… function_id 1a5a… [#0]: hello world</c>.
/// </summary>
public sealed class FileLogExecutor : IFunctionExecutor
{
    public string Kind => "file-log";

    public bool IsResource => true;

    public Task<IFunctionInstance> CreateAsync(ComponentDeployment deployment, IFunctionContext context, CancellationToken cancellationToken = default)
    {
        var config = deployment.Resource?.Configurations ?? throw new ArgumentException($"{deployment.Name} is not a resource.", nameof(deployment));
        if (!config.TryGetValue("filename", out var filename) || string.IsNullOrWhiteSpace(filename))
        {
            throw new InvalidOperationException($"Resource {deployment.Name} (file-log) needs the configuration 'filename'.");
        }

        var timestamps = config.TryGetValue("add-timestamp", out var add) && bool.TryParse(add, out var yes) && yes;
        return Task.FromResult<IFunctionInstance>(new Instance(Path.GetFullPath(filename), timestamps));
    }

    private sealed class Instance(string path, bool timestamps) : IFunctionInstance
    {
        private long _count;

        public Task InitAsync(string? initPayload, byte[]? state, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return Task.CompletedTask;
        }

        public async Task CastAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            if (timestamps)
            {
                line.Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)).Append(' ');
            }

            line.Append(CultureInfo.InvariantCulture, $"from node_id {source.NodeId:D} function_id {source.ComponentId:D} [#{_count++}]: ");
            line.Append(Encoding.UTF8.GetString(message.Span)).Append('\n');
            await File.AppendAllTextAsync(path, line.ToString(), cancellationToken).ConfigureAwait(false);
        }

        public async Task<CallResult> CallAsync(InstanceId source, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            await CastAsync(source, message, cancellationToken).ConfigureAwait(false);
            return CallResult.NoReply;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
