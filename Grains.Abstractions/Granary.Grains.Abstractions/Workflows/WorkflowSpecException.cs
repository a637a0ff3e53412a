namespace Granary.Grains.Workflows;

/// <summary>
/// Thrown when a workflow specification is rejected. Carries every problem found, not just the first; the message
/// names the file and lists one problem per line as <c>file: path: why</c>.
/// </summary>
public sealed class WorkflowSpecException : Exception
{
    /// <summary>Creates the exception for the problems found in <paramref name="sourcePath"/> (null for inline JSON).</summary>
    public WorkflowSpecException(string? sourcePath, IReadOnlyList<WorkflowSpecError> errors)
        : base(FormatMessage(sourcePath, errors))
    {
        SourcePath = sourcePath;
        Errors = errors;
    }

    /// <summary>The file the specification came from, or null when it was parsed from a string without one.</summary>
    public string? SourcePath { get; }

    /// <summary>Every problem found, in document order (structural problems first, cross-references after).</summary>
    public IReadOnlyList<WorkflowSpecError> Errors { get; }

    /// <summary>The name used for specifications parsed without a source path.</summary>
    public const string InlineSourceName = "<inline workflow>";

    private static string FormatMessage(string? sourcePath, IReadOnlyList<WorkflowSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var file = sourcePath ?? InlineSourceName;
        var header = errors.Count == 1
            ? $"Invalid workflow specification {file}: 1 problem"
            : $"Invalid workflow specification {file}: {errors.Count} problems";
        return header + string.Concat(errors.Select(e => Environment.NewLine + file + ": " + e));
    }
}
