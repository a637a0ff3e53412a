using System.Text.Json;
using Granary.Grains.Placement;

namespace Granary.Grains.Workflows;

/// <summary>
/// Reads EDGELESS workflow JSON files unchanged. Every problem is collected before failing, so one
/// <see cref="WorkflowSpecException"/> lists them all, each with the JSON path of the field and the reason.
/// </summary>
/// <remarks>
/// Required, as in EDGELESS: <c>functions</c>, <c>resources</c>, <c>annotations</c>; per function <c>name</c>,
/// <c>class_specification</c> (<c>id</c>, <c>function_type</c>, <c>version</c>, <c>code</c>), <c>output_mapping</c>,
/// <c>annotations</c>; per resource <c>name</c>, <c>class_type</c>, <c>output_mapping</c>, <c>configurations</c>.
/// <c>outputs</c> is optional and informational. Unknown fields are ignored, so files written for newer EDGELESS
/// versions still load. Comments and trailing commas are tolerated. Functions and resources share one namespace of
/// names; mappings may form cycles.
/// </remarks>
public static class WorkflowSpecParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Reads and parses the file at <paramref name="path"/>; relative <c>code</c> paths resolve against the file's
    /// directory. A missing or unreadable file is reported as a <see cref="WorkflowSpecException"/> too.
    /// </summary>
    public static WorkflowSpec ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        string json;
        try
        {
            json = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkflowSpecException(fullPath, [new WorkflowSpecError(string.Empty, "cannot read the file: " + e.Message)]);
        }

        return Parse(json, fullPath);
    }

    /// <summary>
    /// Parses <paramref name="json"/>. <paramref name="sourcePath"/> names the file in error messages and is where
    /// relative <c>code</c> paths resolve from (its directory); when null, they resolve against the current
    /// directory and messages name the source <see cref="WorkflowSpecException.InlineSourceName"/>. Code files must
    /// exist at parse time.
    /// </summary>
    public static WorkflowSpec Parse(string json, string? sourcePath)
    {
        ArgumentNullException.ThrowIfNull(json);
        var baseDirectory = sourcePath is null
            ? Environment.CurrentDirectory
            : Path.GetDirectoryName(Path.GetFullPath(sourcePath)) ?? Environment.CurrentDirectory;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new WorkflowSpecException(sourcePath, [new WorkflowSpecError(string.Empty, $"broken JSON at line {line}, column {column}: {StripPosition(e.Message)}")]);
        }

        using (document)
        {
            var reader = new Reader(baseDirectory);
            var spec = reader.ReadWorkflow(document.RootElement);
            if (reader.Errors.Count > 0 || spec is null)
            {
                throw new WorkflowSpecException(sourcePath, reader.Errors);
            }

            return spec;
        }
    }

    // System.Text.Json appends "LineNumber: n | BytePositionInLine: m." (0-based); the message gives 1-based ones instead.
    private static string StripPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd();
    }

    /// <summary>Walks the document once, building the model and collecting every problem.</summary>
    private sealed class Reader(string baseDirectory)
    {
        private readonly List<WorkflowSpecError> _errors = [];
        private readonly List<(string Name, string Path)> _components = [];
        private readonly List<(Dictionary<string, string> Mapping, string Path)> _mappings = [];

        public List<WorkflowSpecError> Errors => _errors;

        public WorkflowSpec? ReadWorkflow(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error(string.Empty, $"expected a JSON object at the top level, found {Describe(root)}");
                return null;
            }

            var functions = new List<FunctionSpec>();
            if (Property(root, string.Empty, "functions", JsonValueKind.Array) is { } functionArray)
            {
                var i = 0;
                foreach (var item in functionArray.EnumerateArray())
                {
                    var path = $"functions[{i++}]";
                    if (ReadFunction(item, path) is { } function)
                    {
                        functions.Add(function);
                    }
                }
            }

            var resources = new List<ResourceSpec>();
            if (Property(root, string.Empty, "resources", JsonValueKind.Array) is { } resourceArray)
            {
                var i = 0;
                foreach (var item in resourceArray.EnumerateArray())
                {
                    var path = $"resources[{i++}]";
                    if (ReadResource(item, path) is { } resource)
                    {
                        resources.Add(resource);
                    }
                }
            }

            var annotations = StringMap(root, string.Empty, "annotations");
            if (annotations is not null)
            {
                var jobErrors = new List<WorkflowSpecError>();
                Jobs.JobSpecification.ParseJobType(annotations, jobErrors);
                foreach (var error in jobErrors)
                {
                    Error(Join("annotations", error.Path), error.Message);
                }
            }

            // Names and mappings of components rejected for other reasons still count, so one broken function does
            // not also produce "unknown target" errors for every mapping that names it.
            CheckNames(_components);
            var names = new HashSet<string>(_components.Select(c => c.Name), StringComparer.Ordinal);
            foreach (var (mapping, path) in _mappings)
            {
                CheckMapping(mapping, path, names);
            }

            return new WorkflowSpec { Functions = functions, Resources = resources, Annotations = annotations ?? new Dictionary<string, string>() };
        }

        private FunctionSpec? ReadFunction(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"expected a function object, found {Describe(element)}");
                return null;
            }

            var name = String(element, path, "name");
            if (name is not null)
            {
                _components.Add((name, path));
            }
            var classSpecification = ReadClassSpecification(element, path + ".class_specification");
            var outputMapping = StringMap(element, path, "output_mapping");
            if (outputMapping is not null)
            {
                _mappings.Add((outputMapping, path + ".output_mapping"));
            }
            var annotations = StringMap(element, path, "annotations");
            if (annotations is not null)
            {
                CheckRequirements(annotations, path + ".annotations");
                CheckPriority(annotations, path + ".annotations");
                CheckTaskSettings(annotations, path + ".annotations");
            }

            if (name is null || classSpecification is null || outputMapping is null || annotations is null)
            {
                return null;
            }

            return new FunctionSpec(name, classSpecification) { OutputMapping = outputMapping, Annotations = annotations };
        }

        private FunctionClassSpecification? ReadClassSpecification(JsonElement function, string path)
        {
            var parentPath = path[..path.LastIndexOf('.')];
            if (Property(function, parentPath, "class_specification", JsonValueKind.Object) is not { } element)
            {
                return null;
            }

            var id = String(element, path, "id");
            if (id is { Length: 0 })
            {
                Error(path + ".id", "the function class id must not be empty");
            }

            var typeName = String(element, path, "function_type");
            FunctionType? type = null;
            if (typeName is not null)
            {
                if (FunctionTypes.TryParse(typeName, out var parsed))
                {
                    type = parsed;
                }
                else
                {
                    Error(path + ".function_type", $"unknown function_type '{typeName}'; expected one of {string.Join(", ", FunctionTypes.All)}");
                }
            }

            var version = String(element, path, "version");
            var code = String(element, path, "code");
            List<string> outputs = [];
            if (element.TryGetProperty("outputs", out var outputsElement))
            {
                outputs = StringArray(outputsElement, path + ".outputs") ?? [];
            }

            if (code is not null && type is { } knownType)
            {
                code = ResolveCode(code, knownType, path + ".code");
            }

            if (id is null || type is null || version is null || code is null)
            {
                return null;
            }

            return new FunctionClassSpecification(id, type.Value, version, code) { Outputs = outputs };
        }

        private string? ResolveCode(string code, FunctionType type, string path)
        {
            if (type == FunctionType.Container)
            {
                if (!ContainerImageReference.TryParse(code, out var image, out var error))
                {
                    Error(path, error);
                    return null;
                }

                return image.ToString();
            }

            var what = type == FunctionType.Dotnet ? "assembly" : "WebAssembly module";
            if (code.Trim().Length == 0)
            {
                Error(path, $"expected the path of the {what}, found an empty value");
                return null;
            }

            if (code.StartsWith(ContainerImageReference.Prefix, StringComparison.Ordinal))
            {
                Error(path, $"a {type.ToWireName()} function needs the path of its {what}, not a container reference");
                return null;
            }

            string full;
            try
            {
                full = Path.GetFullPath(code, baseDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                Error(path, $"'{code}' is not a valid path: {e.Message}");
                return null;
            }

            if (!File.Exists(full))
            {
                Error(path, $"code file not found: '{code}' resolves to '{full}'");
                return null;
            }

            return full;
        }

        private ResourceSpec? ReadResource(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"expected a resource object, found {Describe(element)}");
                return null;
            }

            var name = String(element, path, "name");
            if (name is not null)
            {
                _components.Add((name, path));
            }
            var classType = String(element, path, "class_type");
            if (classType is not null && !ResourceClasses.IsKnown(classType))
            {
                Error(path + ".class_type", $"unknown resource class '{classType}'; known: {string.Join(", ", ResourceClasses.All)}");
            }

            var outputMapping = StringMap(element, path, "output_mapping");
            if (outputMapping is not null)
            {
                _mappings.Add((outputMapping, path + ".output_mapping"));
            }
            var configurations = StringMap(element, path, "configurations");
            if (configurations is not null)
            {
                CheckRequirements(configurations, path + ".configurations");
            }

            if (name is null || classType is null || outputMapping is null || configurations is null)
            {
                return null;
            }

            return new ResourceSpec(name, classType) { OutputMapping = outputMapping, Configurations = configurations };
        }

        private void CheckRequirements(IReadOnlyDictionary<string, string> values, string path)
        {
            DeploymentRequirements.TryParse(values, out _, out var errors);
            foreach (var error in errors)
            {
                Error(Join(path, error.Path), error.Message);
            }
        }

        /// <summary>Protection: <c>priority</c>, when present, is an integer (a tainted node sheds the lowest first).</summary>
        private void CheckPriority(IReadOnlyDictionary<string, string> annotations, string path)
        {
            if (annotations.TryGetValue(AnnotationNames.Priority, out var priority)
                && !int.TryParse(priority.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                Error(Join(path, AnnotationNames.Priority), $"must be an integer (a tainted node sheds the lowest priority first); found '{priority}'");
            }
        }

        private void CheckTaskSettings(IReadOnlyDictionary<string, string> values, string path)
        {
            Jobs.TaskSpecification.TryParse(values, out _, out var errors);
            foreach (var error in errors)
            {
                Error(Join(path, error.Path), error.Message);
            }
        }

        private void CheckNames(IEnumerable<(string Name, string Path)> components)
        {
            var firstUse = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, path) in components)
            {
                if (name.Trim().Length == 0)
                {
                    Error(path + ".name", "the name must not be empty");
                    continue;
                }

                if (firstUse.TryGetValue(name, out var first))
                {
                    Error(path + ".name", $"duplicate name '{name}', already used by {first} (functions and resources share one namespace)");
                }
                else
                {
                    firstUse[name] = path;
                }
            }
        }

        private void CheckMapping(IReadOnlyDictionary<string, string> mapping, string path, HashSet<string> names)
        {
            foreach (var (channel, target) in mapping)
            {
                if (channel.Trim().Length == 0)
                {
                    Error(Join(path, channel), "empty channel name");
                    continue;
                }

                if (!names.Contains(target))
                {
                    Error(Join(path, channel), $"unknown mapping target '{target}': no function or resource of this workflow has that name");
                }
            }
        }

        private JsonElement? Property(JsonElement parent, string parentPath, string name, JsonValueKind kind)
        {
            var path = Join(parentPath, name);
            if (!parent.TryGetProperty(name, out var value))
            {
                Error(path, "missing required field");
                return null;
            }

            if (value.ValueKind != kind)
            {
                Error(path, $"expected {Article(kind)}, found {Describe(value)}");
                return null;
            }

            return value;
        }

        private string? String(JsonElement parent, string parentPath, string name) =>
            Property(parent, parentPath, name, JsonValueKind.String)?.GetString();

        private Dictionary<string, string>? StringMap(JsonElement parent, string parentPath, string name)
        {
            if (Property(parent, parentPath, name, JsonValueKind.Object) is not { } element)
            {
                return null;
            }

            var path = Join(parentPath, name);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = true;
            foreach (var entry in element.EnumerateObject())
            {
                var entryPath = Join(path, entry.Name);
                if (entry.Value.ValueKind != JsonValueKind.String)
                {
                    Error(entryPath, $"expected a string, found {Describe(entry.Value)}");
                    ok = false;
                    continue;
                }

                if (!result.TryAdd(entry.Name, entry.Value.GetString()!))
                {
                    Error(entryPath, $"duplicate key '{entry.Name}'");
                    ok = false;
                }
            }

            return ok ? result : null;
        }

        private List<string>? StringArray(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"expected an array, found {Describe(element)}");
                return null;
            }

            var result = new List<string>();
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error($"{path}[{i}]", $"expected a string, found {Describe(item)}");
                }
                else
                {
                    result.Add(item.GetString()!);
                }

                i++;
            }

            return result;
        }

        private void Error(string path, string message) => _errors.Add(new WorkflowSpecError(path, message));
    }

    /// <summary>
    /// Appends a member to a JSON path: <c>.name</c> for identifier-like names, <c>["name"]</c> (JSON-escaped) for
    /// anything else, including the empty name and names containing dots or spaces.
    /// </summary>
    internal static string Join(string parent, string member)
    {
        var plain = member.Length > 0 && member.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
        if (plain)
        {
            return parent.Length == 0 ? member : parent + "." + member;
        }

        return parent + "[" + JsonSerializer.Serialize(member) + "]";
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}
