using System.Text.Json;
using Granary.Grains.Tests.Support;
using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Workflows;

public sealed class WorkflowSpecWriterTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private static IEnumerable<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name);

    [Fact]
    public void Written_json_uses_the_edgeless_field_names()
    {
        var spec = WorkflowSpecParser.ParseFile(ReferenceExamples.WriteFileLog(_workspace));

        using var json = JsonDocument.Parse(WorkflowSpecWriter.ToJson(spec));

        var root = json.RootElement;
        Assert.Equal(["functions", "resources", "annotations"], Keys(root));
        var function = root.GetProperty("functions")[0];
        Assert.Equal(["name", "class_specification", "output_mapping", "annotations"], Keys(function));
        Assert.Equal(["id", "function_type", "version", "code", "outputs"], Keys(function.GetProperty("class_specification")));
        Assert.Equal("RUST_WASM", function.GetProperty("class_specification").GetProperty("function_type").GetString());
        Assert.Equal(["name", "class_type", "output_mapping", "configurations"], Keys(root.GetProperty("resources")[0]));
    }

    [Fact]
    public void Written_json_parses_back_to_the_same_workflow_from_another_directory()
    {
        var original = WorkflowSpecParser.ParseFile(ReferenceExamples.WriteChain(_workspace));
        var elsewhere = _workspace.Write("other/dir/copy.json", WorkflowSpecWriter.ToJson(original));

        var again = WorkflowSpecParser.ParseFile(elsewhere);

        Assert.Equal(WorkflowSpecWriter.ToJson(original), WorkflowSpecWriter.ToJson(again));
        Assert.Equal(original.Functions[0].ClassSpecification, again.Functions[0].ClassSpecification with { Outputs = original.Functions[0].ClassSpecification.Outputs });
        Assert.Equal("seed=42,is_client=true,input_size=1000", again.Functions[0].InitPayload);
        Assert.Equal(["out"], again.Functions[0].ClassSpecification.Outputs);
    }

    [Fact]
    public void Non_ascii_text_is_written_unescaped()
    {
        var spec = new WorkflowSpec { Annotations = new Dictionary<string, string> { ["owner"] = "Zoë" } };

        Assert.Contains("\"owner\": \"Zoë\"", WorkflowSpecWriter.ToJson(spec), StringComparison.Ordinal);
    }
}
