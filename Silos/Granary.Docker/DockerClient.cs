using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Granary.Docker.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Docker;

/// <summary>
/// Granary's Docker Engine API client: plain HTTP/1.1 over the engine's unix socket, JSON through
/// source-generated serializers. The API version is agreed once, on first use, as the lower of the engine's
/// highest version and the highest this client knows (1.43); every later request carries it as <c>/vX.YY</c>.
/// A failed agreement is retried on the next call. Thread-safe; one instance per process is enough.
/// </summary>
public sealed class DockerClient : IDockerClient, IDisposable
{
    private const string MultiplexedStream = "application/vnd.docker.multiplexed-stream";
    private const string RawStream = "application/vnd.docker.raw-stream";

    // The host name only fills the Host header; the connection always goes to the socket.
    private static readonly Uri EngineAddress = new("http://docker.sock/");

    private static readonly Func<HttpResponseMessage, string, CancellationToken, Task<bool>> IgnoreAnswer = static (_, _, _) => Task.FromResult(true);

    private readonly HttpClient _http;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;
    private readonly Lock _negotiationGate = new();
    private Task<Version>? _apiVersion;

    /// <summary>
    /// Creates a client for the socket named by <paramref name="options"/> (see <see cref="DockerClientOptions.SocketPath"/>
    /// for how DOCKER_HOST and the default apply). Nothing is sent until the first call.
    /// </summary>
    public DockerClient(DockerClientOptions? options = null, ILogger<DockerClient>? logger = null)
    {
        options ??= new DockerClientOptions();
        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "DockerClientOptions.RequestTimeout must be positive (or infinite)");
        }

        SocketPath = DockerSocketPath.Resolve(options.SocketPath, Environment.GetEnvironmentVariable("DOCKER_HOST"));
        _requestTimeout = options.RequestTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var socketPath = SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => ConnectAsync(socketPath, cancellationToken),
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = EngineAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The unix socket path this client connects to.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Returns the API version this client uses with the engine, agreeing it first if that has not happened
    /// (one <c>GET /version</c>, shared by concurrent callers). Throws <see cref="NotSupportedException"/> when the
    /// engine and this client have no version in common.
    /// </summary>
    public Task<Version> NegotiateApiVersionAsync(CancellationToken cancellationToken = default)
    {
        Task<Version> current;
        lock (_negotiationGate)
        {
            // Only starts the request (the first await comes after that), so the lock is never held across I/O.
            if (_apiVersion is null || _apiVersion.IsFaulted || _apiVersion.IsCanceled)
            {
                _apiVersion = NegotiateCoreAsync();
            }

            current = _apiVersion;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "/_ping", null, _requestTimeout, null, IgnoreAnswer, cancellationToken);

    /// <inheritdoc />
    public async Task<DockerVersionInfo> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var version = await SendForJsonAsync(HttpMethod.Get, "/version", null, _requestTimeout, DockerJsonContext.Default.EngineVersion, cancellationToken).ConfigureAwait(false);
        return new DockerVersionInfo
        {
            Version = version.Version ?? "",
            ApiVersion = DockerApiVersion.Parse(version.ApiVersion, "ApiVersion"),
            // Engines older than API 1.25 do not report a minimum; 1.12 is the oldest version any engine speaks.
            MinApiVersion = version.MinApiVersion is null ? new Version(1, 12) : DockerApiVersion.Parse(version.MinApiVersion, "MinAPIVersion"),
            Os = version.Os ?? "",
            Arch = version.Arch ?? "",
            KernelVersion = version.KernelVersion ?? "",
        };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        var path = await VersionedAsync("/images/json", cancellationToken).ConfigureAwait(false);
        var images = await SendForJsonAsync(HttpMethod.Get, path, null, _requestTimeout, DockerJsonContext.Default.ListEngineImage, cancellationToken).ConfigureAwait(false);
        return images.ConvertAll(image => new ImageSummary { Id = image.Id, RepoTags = TagsOf(image), Size = image.Size });
    }

    /// <inheritdoc />
    public async Task<ImageInspection> InspectImageAsync(string image, CancellationToken cancellationToken = default)
    {
        var path = await VersionedAsync($"/images/{PathSegment(image)}/json", cancellationToken).ConfigureAwait(false);
        try
        {
            var found = await SendForJsonAsync(HttpMethod.Get, path, null, _requestTimeout, DockerJsonContext.Default.EngineImage, cancellationToken).ConfigureAwait(false);
            return new ImageInspection
            {
                Id = found.Id,
                RepoTags = TagsOf(found),
                Size = found.Size,
                Os = found.Os ?? "",
                Architecture = found.Architecture ?? "",
                Labels = found.Config?.Labels ?? [],
            };
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DockerImageNotFoundException(image, e.EngineMessage, e.Request, e);
        }
    }

    /// <inheritdoc />
    public async Task<string> CreateContainerAsync(ContainerCreateParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameters.Image, nameof(parameters));
        var body = new EngineContainerCreate
        {
            Image = parameters.Image,
            Cmd = parameters.Command is { Count: > 0 } command ? [.. command] : null,
            Env = parameters.Environment?.Select(variable => $"{variable.Key}={variable.Value}").ToList(),
            Labels = parameters.Labels?.ToDictionary(),
            Tty = false,
            HostConfig = new EngineHostConfig
            {
                NetworkMode = parameters.NetworkMode,
                NanoCpus = parameters.NanoCpus ?? 0,
                Memory = parameters.MemoryBytes ?? 0,
                AutoRemove = false,
            },
        };
        var query = parameters.Name is null ? "" : "?name=" + Uri.EscapeDataString(parameters.Name);
        var path = await VersionedAsync("/containers/create" + query, cancellationToken).ConfigureAwait(false);
        EngineContainerCreated created;
        try
        {
            using var content = JsonBody(body, DockerJsonContext.Default.EngineContainerCreate);
            created = await SendForJsonAsync(HttpMethod.Post, path, content, _requestTimeout, DockerJsonContext.Default.EngineContainerCreated, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A 404 on create means a missing image; ask the image store so that any other 404 keeps its own message.
            if (!await ImageExistsAsync(parameters.Image, cancellationToken).ConfigureAwait(false))
            {
                throw new DockerImageNotFoundException(parameters.Image, e.EngineMessage, e.Request, e);
            }

            throw;
        }

        DockerClientLog.ContainerCreated(_logger, created.Id, parameters.Name, parameters.Image);
        foreach (var warning in created.Warnings ?? [])
        {
            DockerClientLog.ContainerCreateWarning(_logger, created.Id, warning);
        }

        return created.Id;
    }

    /// <inheritdoc />
    public async Task StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = await VersionedAsync($"/containers/{PathSegment(id)}/start", cancellationToken).ConfigureAwait(false);
        await SendAsync(HttpMethod.Post, path, null, _requestTimeout, HttpStatusCode.NotModified, IgnoreAnswer, cancellationToken).ConfigureAwait(false);
        DockerClientLog.ContainerStarted(_logger, id);
    }

    /// <inheritdoc />
    public async Task<bool> StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        var path = await VersionedAsync(string.Create(CultureInfo.InvariantCulture, $"/containers/{PathSegment(id)}/stop?t={seconds}"), cancellationToken).ConfigureAwait(false);
        // The engine answers only once the container is down, which may take the whole grace period.
        var requestTimeout = _requestTimeout == Timeout.InfiniteTimeSpan ? _requestTimeout : _requestTimeout + TimeSpan.FromSeconds(seconds);
        var wasRunning = await SendAsync(HttpMethod.Post, path, null, requestTimeout, HttpStatusCode.NotModified,
            static (response, _, _) => Task.FromResult(response.StatusCode != HttpStatusCode.NotModified), cancellationToken).ConfigureAwait(false);
        DockerClientLog.ContainerStopped(_logger, id, wasRunning);
        return wasRunning;
    }

    /// <inheritdoc />
    public async Task KillContainerAsync(string id, string signal = "SIGKILL", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signal);
        var path = await VersionedAsync($"/containers/{PathSegment(id)}/kill?signal={Uri.EscapeDataString(signal)}", cancellationToken).ConfigureAwait(false);
        await SendAsync(HttpMethod.Post, path, null, _requestTimeout, null, IgnoreAnswer, cancellationToken).ConfigureAwait(false);
        DockerClientLog.ContainerKilled(_logger, id, signal);
    }

    /// <inheritdoc />
    public async Task RemoveContainerAsync(string id, bool force = false, CancellationToken cancellationToken = default)
    {
        var path = await VersionedAsync($"/containers/{PathSegment(id)}?v=true&force={(force ? "true" : "false")}", cancellationToken).ConfigureAwait(false);
        await SendAsync(HttpMethod.Delete, path, null, _requestTimeout, null, IgnoreAnswer, cancellationToken).ConfigureAwait(false);
        DockerClientLog.ContainerRemoved(_logger, id);
    }

    /// <inheritdoc />
    public async Task<ContainerInspection> InspectContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = await VersionedAsync($"/containers/{PathSegment(id)}/json", cancellationToken).ConfigureAwait(false);
        var container = await SendForJsonAsync(HttpMethod.Get, path, null, _requestTimeout, DockerJsonContext.Default.EngineContainerInspect, cancellationToken).ConfigureAwait(false);
        var state = container.State ?? new EngineContainerState();
        var config = container.Config ?? new EngineContainerConfig();
        var hostConfig = container.HostConfig ?? new EngineHostConfig();
        return new ContainerInspection
        {
            Id = container.Id,
            Name = (container.Name ?? "").TrimStart('/'),
            Image = config.Image ?? "",
            Status = state.Status ?? "",
            Running = state.Running,
            ExitCode = state.ExitCode,
            Pid = state.Pid,
            OomKilled = state.OomKilled,
            Error = state.Error ?? "",
            Labels = config.Labels ?? [],
            NetworkMode = hostConfig.NetworkMode ?? "",
            NanoCpus = hostConfig.NanoCpus,
            MemoryBytes = hostConfig.Memory,
            AutoRemove = hostConfig.AutoRemove,
            Tty = config.Tty,
        };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(ContainerListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ContainerListOptions();
        var query = new StringBuilder("/containers/json?all=").Append(options.All ? "true" : "false");
        if (options.Labels is { Count: > 0 } labels)
        {
            var filters = new Dictionary<string, List<string>>
            {
                ["label"] = labels.Select(label => label.Value is null ? label.Key : $"{label.Key}={label.Value}").ToList(),
            };
            query.Append("&filters=").Append(Uri.EscapeDataString(JsonSerializer.Serialize(filters, DockerJsonContext.Default.DictionaryStringListString)));
        }

        var path = await VersionedAsync(query.ToString(), cancellationToken).ConfigureAwait(false);
        var containers = await SendForJsonAsync(HttpMethod.Get, path, null, _requestTimeout, DockerJsonContext.Default.ListEngineContainerSummary, cancellationToken).ConfigureAwait(false);
        return containers.ConvertAll(container => new ContainerSummary
        {
            Id = container.Id,
            Names = container.Names?.ConvertAll(name => name.TrimStart('/')) ?? [],
            Image = container.Image ?? "",
            State = container.State ?? "",
            Status = container.Status ?? "",
            Labels = container.Labels ?? [],
        });
    }

    /// <inheritdoc />
    public async Task<long> WaitContainerAsync(string id, ContainerWaitCondition condition = ContainerWaitCondition.NotRunning, CancellationToken cancellationToken = default)
    {
        var conditionName = condition switch
        {
            ContainerWaitCondition.NotRunning => "not-running",
            ContainerWaitCondition.NextExit => "next-exit",
            ContainerWaitCondition.Removed => "removed",
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, null),
        };
        var path = await VersionedAsync($"/containers/{PathSegment(id)}/wait?condition={conditionName}", cancellationToken).ConfigureAwait(false);
        return await SendAsync(HttpMethod.Post, path, null, Timeout.InfiniteTimeSpan, null, static async (response, request, ct) =>
        {
            var result = await ReadJsonAsync(response, DockerJsonContext.Default.EngineContainerWait, request, ct).ConfigureAwait(false);
            return string.IsNullOrEmpty(result.Error?.Message)
                ? result.StatusCode
                : throw new DockerApiException(HttpStatusCode.InternalServerError, result.Error.Message, request);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ContainerLogs> GetContainerLogsAsync(string id, int? tail = null, CancellationToken cancellationToken = default)
    {
        if (tail is { } lines)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(lines, nameof(tail));
        }

        var tailQuery = tail is null ? "all" : tail.Value.ToString(CultureInfo.InvariantCulture);
        var path = await VersionedAsync($"/containers/{PathSegment(id)}/logs?stdout=true&stderr=true&follow=false&tail={tailQuery}", cancellationToken).ConfigureAwait(false);
        return await SendAsync(HttpMethod.Get, path, null, _requestTimeout, null, async (response, request, ct) =>
        {
            // Engines from API 1.42 say which framing they used; older ones leave it to the container's TTY setting.
            var multiplexed = response.Content.Headers.ContentType?.MediaType switch
            {
                MultiplexedStream => true,
                RawStream => false,
                _ => !(await InspectContainerAsync(id, ct).ConfigureAwait(false)).Tty,
            };
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return multiplexed
                    ? await DockerLogStream.ReadMultiplexedAsync(stream, request, ct).ConfigureAwait(false)
                    : await DockerLogStream.ReadRawAsync(stream, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes pooled connections to the engine. Calls in flight fail.</summary>
    public void Dispose() => _http.Dispose();

    private static async ValueTask<Stream> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            // The socket error alone ("Cannot assign requested address") hides the common cause: no socket file at all.
            var reason = File.Exists(socketPath) ? $"{e.Message} ({e.SocketErrorCode})" : "no socket file exists there";
            throw new IOException($"connecting to {socketPath} failed: {reason}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Version> NegotiateCoreAsync()
    {
        // Not tied to one caller's token: concurrent callers share this agreement, each waiting with its own token.
        var engine = await GetVersionAsync(CancellationToken.None).ConfigureAwait(false);
        var chosen = DockerApiVersion.Negotiate(engine.ApiVersion, engine.MinApiVersion);
        DockerClientLog.ApiVersionNegotiated(_logger, engine.Version, SocketPath, DockerApiVersion.Format(engine.ApiVersion), DockerApiVersion.Format(chosen));
        return chosen;
    }

    private async Task<string> VersionedAsync(string path, CancellationToken cancellationToken)
    {
        var version = await NegotiateApiVersionAsync(cancellationToken).ConfigureAwait(false);
        return $"/v{DockerApiVersion.Format(version)}{path}";
    }

    private async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends one request and reads its answer within <paramref name="timeout"/>. An error status (other than
    /// <paramref name="acceptedStatus"/>) becomes a <see cref="DockerApiException"/> carrying the engine's message;
    /// transport failures become <see cref="DockerConnectionException"/>; the timeout a <see cref="TimeoutException"/> naming the request.
    /// </summary>
    private async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        HttpContent? content,
        TimeSpan timeout,
        HttpStatusCode? acceptedStatus,
        Func<HttpResponseMessage, string, CancellationToken, Task<T>> readAnswer,
        CancellationToken cancellationToken)
    {
        var request = $"{method} {path}";
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var message = new HttpRequestMessage(method, path) { Content = content };
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode != acceptedStatus)
            {
                throw await ToApiExceptionAsync(response, request, timeoutSource.Token).ConfigureAwait(false);
            }

            return await readAnswer(response, request, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the Docker Engine at unix://{SocketPath} did not answer {request} within {timeout}", e);
        }
        catch (HttpRequestException e)
        {
            throw new DockerConnectionException(SocketPath, request, e);
        }
        catch (HttpIOException e)
        {
            throw new DockerConnectionException(SocketPath, request, e);
        }
    }

    private Task<T> SendForJsonAsync<T>(HttpMethod method, string path, HttpContent? content, TimeSpan timeout, JsonTypeInfo<T> answerType, CancellationToken cancellationToken) =>
        SendAsync(method, path, content, timeout, null, (response, request, ct) => ReadJsonAsync(response, answerType, request, ct), cancellationToken);

    private static async Task<DockerApiException> ToApiExceptionAsync(HttpResponseMessage response, string request, CancellationToken cancellationToken)
    {
        var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        var engineMessage = body;
        if (body.StartsWith('{'))
        {
            try
            {
                engineMessage = JsonSerializer.Deserialize(body, DockerJsonContext.Default.EngineError)?.Message ?? body;
            }
            catch (JsonException)
            {
                // Not the engine's error shape: the raw body is the best message there is.
            }
        }

        return new DockerApiException(response.StatusCode, engineMessage.Length > 0 ? engineMessage : response.ReasonPhrase ?? "no message", request);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, string request, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"the Docker Engine answered {request} with null");
        }
    }

    private static ByteArrayContent JsonBody<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static IReadOnlyList<string> TagsOf(EngineImage image) =>
        image.RepoTags?.Where(tag => tag != "<none>:<none>").ToList() ?? [];

    /// <summary>
    /// Admits container ids, names and image references (letters, digits and <c>._-:/@</c>) into a request path;
    /// anything else, or a <c>.</c>/<c>..</c> segment, could address another endpoint and is refused.
    /// </summary>
    private static string PathSegment(string value, [CallerArgumentExpression(nameof(value))] string? parameterName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or ':' or '/' or '@'))
            {
                throw new ArgumentException($"\"{value}\" is not a container id, container name or image reference", parameterName);
            }
        }

        if (value.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"\"{value}\" is not a container id, container name or image reference", parameterName);
        }

        return value;
    }
}
