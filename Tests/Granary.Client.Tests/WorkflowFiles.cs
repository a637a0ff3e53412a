using System.Text.Json;

namespace Granary.Client.Tests;

/// <summary>Temporary EDGELESS workflow files whose DOTNET code is this test assembly.</summary>
public static class WorkflowFiles
{
    /// <summary>The test assembly path as a JSON string literal.</summary>
    public static string Code => JsonSerializer.Serialize(typeof(EchoFunction).Assembly.Location);

    public static string Echo => JsonSerializer.Serialize(typeof(EchoFunction).FullName);

    /// <summary>A valid two-function workflow: a → b.</summary>
    public static string Valid(string key) => $$"""
        {
          "functions": [
            { "name": "a", "class_specification": { "id": {{Echo}}, "function_type": "DOTNET", "version": "1.0", "code": {{Code}} },
              "output_mapping": { "out": "b" }, "annotations": { "init-payload": "key={{key}}-a" } },
            { "name": "b", "class_specification": { "id": {{Echo}}, "function_type": "DOTNET", "version": "1.0", "code": {{Code}} },
              "output_mapping": {}, "annotations": { "init-payload": "key={{key}}-b" } }
          ],
          "resources": [],
          "annotations": {}
        }
        """;

    /// <summary>
    /// A run-to-completion workflow: task <c>ok</c> exits 0 and task <c>bad</c> exits <paramref name="badCode"/>
    /// (restart-policy never), so it completes when <paramref name="badCode"/> is 0 and fails otherwise.
    /// </summary>
    public static string Job(int badCode) => $$"""
        {
          "functions": [
            { "name": "ok", "class_specification": { "id": {{JsonSerializer.Serialize(typeof(ExitFunction).FullName)}}, "function_type": "DOTNET", "version": "1.0", "code": {{Code}} },
              "output_mapping": {}, "annotations": { "init-payload": "code=0", "cpu": "100m", "memory": "16" } },
            { "name": "bad", "class_specification": { "id": {{JsonSerializer.Serialize(typeof(ExitFunction).FullName)}}, "function_type": "DOTNET", "version": "1.0", "code": {{Code}} },
              "output_mapping": {}, "annotations": { "init-payload": "code={{badCode}}", "restart-policy": "never" } }
          ],
          "resources": [],
          "annotations": { "job-type": "run-to-completion" }
        }
        """;

    /// <summary>Writes <paramref name="json"/> to a new file in a fresh temporary directory and returns its path.</summary>
    public static string Write(string json)
    {
        var directory = Path.Combine(Path.GetTempPath(), "granary-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "workflow.json");
        File.WriteAllText(path, json);
        return path;
    }
}
