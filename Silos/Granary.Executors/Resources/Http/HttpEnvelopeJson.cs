using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Granary.Executors.Resources.Http;

/// <summary>
/// The JSON form of <see cref="HttpRequestEnvelope"/> and <see cref="HttpResponseEnvelope"/>:
/// <c>{"method": "POST", "url": "http://h/p", "host": "h", "path": "/p", "headers": {"k": "v"}, "body": "text"}</c> and
/// <c>{"status": 200, "headers": {"k": "v"}, "body": "text"}</c>. A body that is not valid UTF-8 is written as
/// <c>"body_base64"</c> instead. When reading, <c>body</c> may also be an array of byte values (the EDGELESS form) or
/// null, the method any case ("Post" as EDGELESS writes it), and a request may give <c>host</c> and <c>path</c>
/// (with <c>protocol</c> HTTPS or HTTP) instead of <c>url</c>.
/// </summary>
public static class HttpEnvelopeJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Write(HttpRequestEnvelope request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Write(writer =>
        {
            writer.WriteString("method", request.Method);
            if (request.Url is not null)
            {
                writer.WriteString("url", request.Url);
            }

            if (request.Host is not null)
            {
                writer.WriteString("host", request.Host);
            }

            writer.WriteString("path", request.Path);
            WriteHeadersAndBody(writer, request.Headers, request.Body);
        });
    }

    public static byte[] Write(HttpResponseEnvelope response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Write(writer =>
        {
            writer.WriteNumber("status", response.Status);
            WriteHeadersAndBody(writer, response.Headers, response.Body);
        });
    }

    /// <summary>Reads a request; fails with a <see cref="FormatException"/> naming the field that is wrong.</summary>
    public static HttpRequestEnvelope ReadRequest(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json, "request");
        var root = document.RootElement;
        var method = OptionalString(root, "method")?.ToUpperInvariant() ?? "GET";
        var url = OptionalString(root, "url");
        var host = OptionalString(root, "host");
        var path = OptionalString(root, "path") ?? "/";
        if (url is null)
        {
            if (host is null)
            {
                throw new FormatException("The request has neither \"url\" nor \"host\": say where to send it.");
            }

            var scheme = string.Equals(OptionalString(root, "protocol"), "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
            url = $"{scheme}://{host}{(path.StartsWith('/') ? path : "/" + path)}";
        }

        return new HttpRequestEnvelope(method, url, host, path, Headers(root), Body(root));
    }

    /// <summary>Reads a response; fails with a <see cref="FormatException"/> naming the field that is wrong.</summary>
    public static HttpResponseEnvelope ReadResponse(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json, "response");
        var root = document.RootElement;
        var status = 200;
        if (root.TryGetProperty("status", out var element) && element.ValueKind != JsonValueKind.Null)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out status) || status is < 100 or > 999)
            {
                throw new FormatException($"\"status\" must be an HTTP status code (100-999), not {element.GetRawText()}.");
            }
        }

        return new HttpResponseEnvelope(status, Headers(root), Body(root));
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The HTTP {what} is not valid JSON: {ex.Message}", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new FormatException($"The HTTP {what} must be a JSON object.");
        }

        return document;
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return element.ValueKind == JsonValueKind.String
            ? element.GetString()
            : throw new FormatException($"\"{name}\" must be a string, not {element.GetRawText()}.");
    }

    private static Dictionary<string, string> Headers(JsonElement root)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("headers", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return headers;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"headers\" must be an object of header name to value.");
        }

        foreach (var header in element.EnumerateObject())
        {
            headers[header.Name] = header.Value.ValueKind switch
            {
                JsonValueKind.String => header.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => header.Value.GetRawText(),
                _ => throw new FormatException($"Header \"{header.Name}\" must have a string value, not {header.Value.GetRawText()}."),
            };
        }

        return headers;
    }

    private static byte[] Body(JsonElement root)
    {
        if (root.TryGetProperty("body_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
        {
            try
            {
                return Convert.FromBase64String(base64.GetString()!);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"\"body_base64\" is not valid base64: {ex.Message}", ex);
            }
        }

        if (!root.TryGetProperty("body", out var body))
        {
            return [];
        }

        switch (body.ValueKind)
        {
            case JsonValueKind.Null:
                return [];
            case JsonValueKind.String:
                return Encoding.UTF8.GetBytes(body.GetString()!);
            case JsonValueKind.Array:
                var bytes = new byte[body.GetArrayLength()];
                var i = 0;
                foreach (var item in body.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetByte(out bytes[i]))
                    {
                        throw new FormatException($"\"body\" as an array must hold byte values (0-255); item {i} is {item.GetRawText()}.");
                    }

                    i++;
                }

                return bytes;
            default:
                throw new FormatException($"\"body\" must be a string, an array of bytes or null, not {body.GetRawText()}.");
        }
    }

    private static void WriteHeadersAndBody(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        writer.WriteStartObject("headers");
        foreach (var (name, value) in headers)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        string? text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }

        if (text is not null)
        {
            writer.WriteString("body", text);
        }
        else
        {
            writer.WriteNull("body");
            writer.WriteBase64String("body_base64", body);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> content)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            content(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
