using Granary.Grains.Workflows;

namespace Granary.Executors.Tests;

/// <summary>The EDGELESS example workflows under examples/workflows parse and point at the built example modules.</summary>
public sealed class ExampleWorkflowTests
{
    [Fact]
    public void The_vector_mul_chain_parses_with_three_wasm_functions_in_a_cycle()
    {
        var spec = WorkflowSpecParser.ParseFile(WasmModules.Workflow("vector_mul/workflow-chain.json"));

        Assert.Equal(["client", "f1", "f2"], spec.Functions.Select(f => f.Name));
        Assert.All(spec.Functions, f => Assert.Equal(FunctionType.RustWasm, f.ClassSpecification.FunctionType));
        Assert.All(spec.Functions, f => Assert.Equal(Path.GetFullPath(WasmModules.Example("vector_mul")), f.ClassSpecification.Code));
        Assert.Equal("client", spec.Functions[2].OutputMapping["out"]);
    }

    [Fact]
    public void The_file_log_workflow_parses_with_the_message_generator_feeding_the_log()
    {
        var spec = WorkflowSpecParser.ParseFile(WasmModules.Workflow("file_log/workflow.json"));

        var generator = Assert.Single(spec.Functions);
        Assert.Equal(Path.GetFullPath(WasmModules.Example("message_generator")), generator.ClassSpecification.Code);
        Assert.Equal("my-log", generator.OutputMapping["output"]);
        Assert.Equal("file-log", Assert.Single(spec.Resources).ClassType);
    }
}
