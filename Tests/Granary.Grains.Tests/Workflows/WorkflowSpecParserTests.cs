using System.Text.Json.Nodes;
using Granary.Grains.Tests.Support;
using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Workflows;

public sealed class WorkflowSpecParserTests : IDisposable
{
    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    // A valid workflow: a -> b -> log, with code in f.wasm next to the JSON file.
    private static JsonObject ValidDocument() => JsonNode.Parse("""
        {
          "functions": [
            {"name": "a", "class_specification": {"id": "a", "function_type": "RUST_WASM", "version": "1", "code": "f.wasm", "outputs": ["out"]},
             "output_mapping": {"out": "b"}, "annotations": {}},
            {"name": "b", "class_specification": {"id": "b", "function_type": "RUST_WASM", "version": "1", "code": "f.wasm", "outputs": ["out"]},
             "output_mapping": {"out": "log"}, "annotations": {}}
          ],
          "resources": [
            {"name": "log", "class_type": "file-log", "output_mapping": {}, "configurations": {"filename": "x.log"}}
          ],
          "annotations": {}
        }
        """)!.AsObject();

    private string WriteWorkflow(JsonObject document)
    {
        _workspace.Write("wf/f.wasm", "\0asm");
        return _workspace.Write("wf/workflow.json", document.ToJsonString());
    }

    private WorkflowSpecException Reject(Action<JsonObject> mutate)
    {
        var document = ValidDocument();
        mutate(document);
        var path = WriteWorkflow(document);
        var e = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.ParseFile(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        return e;
    }

    private static JsonObject Function(JsonObject document, int index) => document["functions"]![index]!.AsObject();

    private static JsonObject Class(JsonObject document, int index) => Function(document, index)["class_specification"]!.AsObject();

    private static JsonObject Resource(JsonObject document, int index) => document["resources"]![index]!.AsObject();

    private static void AssertSingleError(WorkflowSpecException e, string path, string reason)
    {
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(path + ": " + error.Message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_document_parses()
    {
        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(ValidDocument()));

        Assert.Equal(["a", "b"], spec.Functions.Select(f => f.Name));
        Assert.Equal("log", Assert.Single(spec.Resources).Name);
    }

    [Fact]
    public void Chain_example_from_reference_parses_with_its_cycle()
    {
        var spec = WorkflowSpecParser.ParseFile(ReferenceExamples.WriteChain(_workspace));

        Assert.Equal(["client", "f1", "f2"], spec.Functions.Select(f => f.Name));
        Assert.Equal("client", spec.Functions[2].OutputMapping["out"]);
        Assert.All(spec.Functions, f => Assert.Equal(FunctionType.RustWasm, f.ClassSpecification.FunctionType));
        Assert.All(spec.Functions, f => Assert.Equal(Path.Combine(_workspace.Root, ReferenceExamples.VectorMulWasm), f.ClassSpecification.Code));
        Assert.Empty(spec.Resources);
        Assert.Empty(spec.Annotations);
    }

    [Fact]
    public void File_log_example_from_reference_parses_with_empty_outputs_and_a_mapping()
    {
        var spec = WorkflowSpecParser.ParseFile(ReferenceExamples.WriteFileLog(_workspace));

        var generator = Assert.Single(spec.Functions);
        Assert.Empty(generator.ClassSpecification.Outputs);
        Assert.Equal("my-log", generator.OutputMapping["output"]);
        var log = Assert.Single(spec.Resources);
        Assert.Equal(ResourceClasses.FileLog, log.ClassType);
        Assert.Equal("my-local-file.log", log.Configurations["filename"]);
        Assert.Equal("true", log.Configurations["add-timestamp"]);
    }

    [Fact]
    public void Init_payload_annotation_is_kept_verbatim()
    {
        var spec = WorkflowSpecParser.ParseFile(ReferenceExamples.WriteFileLog(_workspace));

        Assert.Equal("message=hello world,period=1000", spec.Functions[0].InitPayload);
    }

    [Fact]
    public void Code_path_resolves_against_the_json_files_directory_not_the_current_directory()
    {
        var path = WriteWorkflow(ValidDocument());

        var spec = WorkflowSpecParser.Parse(File.ReadAllText(path), path);

        Assert.Equal(Path.Combine(_workspace.Root, "wf", "f.wasm"), spec.Functions[0].ClassSpecification.Code);
    }

    [Fact]
    public void Dotnet_function_code_resolves_to_the_assembly_path()
    {
        _workspace.Write("wf/bin/Fn.dll", "MZ");
        var document = ValidDocument();
        Class(document, 0)["function_type"] = "DOTNET";
        Class(document, 0)["code"] = "bin/Fn.dll";

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        Assert.Equal(FunctionType.Dotnet, spec.Functions[0].ClassSpecification.FunctionType);
        Assert.Equal(Path.Combine(_workspace.Root, "wf", "bin", "Fn.dll"), spec.Functions[0].ClassSpecification.Code);
    }

    [Fact]
    public void Container_code_is_kept_as_an_image_reference()
    {
        var document = ValidDocument();
        Class(document, 0)["function_type"] = "CONTAINER";
        Class(document, 0)["code"] = "container:registry.local:5000/edge/vector_mul:1.2";

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        var cls = spec.Functions[0].ClassSpecification;
        Assert.Equal("container:registry.local:5000/edge/vector_mul:1.2", cls.Code);
        Assert.Equal(new ContainerImageReference("registry.local:5000/edge/vector_mul", "1.2"), cls.GetContainerImage());
    }

    [Fact]
    public void A_function_may_map_an_output_to_itself()
    {
        var document = ValidDocument();
        Function(document, 0)["output_mapping"]!["again"] = "a";

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        Assert.Equal("a", spec.Functions[0].OutputMapping["again"]);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var document = ValidDocument();
        document["future_field"] = 1;
        Function(document, 0)["alias"] = "x";

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        Assert.Equal(2, spec.Functions.Count);
    }

    [Fact]
    public void Missing_outputs_is_accepted_because_outputs_are_informational()
    {
        var document = ValidDocument();
        Class(document, 0).Remove("outputs");

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        Assert.Empty(spec.Functions[0].ClassSpecification.Outputs);
    }

    [Fact]
    public void Broken_json_is_rejected_with_line_and_column()
    {
        var path = _workspace.Write("wf/workflow.json", "{\n  \"functions\": [\n    ,\n  ]\n}");

        var e = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.ParseFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("broken JSON at line 3, column 5", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_json_errors_name_the_inline_source()
    {
        var e = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.Parse("[]", null));

        Assert.Contains(WorkflowSpecException.InlineSourceName, e.Message, StringComparison.Ordinal);
        Assert.Contains("expected a JSON object at the top level, found an array", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_rejected_naming_the_file()
    {
        var path = Path.Combine(_workspace.Root, "nope.json");

        var e = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.ParseFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot read the file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_top_level_resources_is_rejected()
    {
        var e = Reject(d =>
        {
            d.Remove("resources");
            Function(d, 1)["output_mapping"]!["out"] = "a";
        });

        AssertSingleError(e, "resources", "missing required field");
    }

    [Fact]
    public void Missing_class_specification_is_rejected()
    {
        var e = Reject(d => Function(d, 1).Remove("class_specification"));

        AssertSingleError(e, "functions[1].class_specification", "missing required field");
    }

    [Fact]
    public void Missing_code_is_rejected()
    {
        var e = Reject(d => Class(d, 0).Remove("code"));

        AssertSingleError(e, "functions[0].class_specification.code", "missing required field");
    }

    [Fact]
    public void Missing_resource_configurations_is_rejected()
    {
        var e = Reject(d => Resource(d, 0).Remove("configurations"));

        AssertSingleError(e, "resources[0].configurations", "missing required field");
    }

    [Fact]
    public void Wrong_type_of_name_is_rejected()
    {
        var e = Reject(d => Function(d, 0)["name"] = 5);

        AssertSingleError(e, "functions[0].name", "expected a string, found the number 5");
    }

    [Fact]
    public void Wrong_type_of_functions_is_rejected()
    {
        var e = Reject(d => d["functions"] = new JsonObject());

        AssertSingleError(e, "functions", "expected an array, found an object");
    }

    [Fact]
    public void Non_string_annotation_value_is_rejected()
    {
        var e = Reject(d => Function(d, 0)["annotations"]!["max_instances"] = 3);

        AssertSingleError(e, "functions[0].annotations.max_instances", "expected a string, found the number 3");
    }

    [Fact]
    public void Empty_function_name_is_rejected()
    {
        var e = Reject(d =>
        {
            Function(d, 1)["name"] = "";
            Function(d, 0)["output_mapping"]!["out"] = "log";
        });

        AssertSingleError(e, "functions[1].name", "the name must not be empty");
    }

    [Fact]
    public void Empty_resource_name_is_rejected()
    {
        var e = Reject(d =>
        {
            Resource(d, 0)["name"] = " ";
            Function(d, 1)["output_mapping"]!["out"] = "a";
        });

        AssertSingleError(e, "resources[0].name", "the name must not be empty");
    }

    [Fact]
    public void Duplicate_function_names_are_rejected()
    {
        var e = Reject(d => Function(d, 1)["name"] = "a");

        // b disappears too, so a's mapping to b is reported as well.
        Assert.Contains(e.Errors, err => err.Path == "functions[1].name" && err.Message.Contains("duplicate name 'a', already used by functions[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_resource_may_not_reuse_a_function_name()
    {
        var e = Reject(d =>
        {
            Resource(d, 0)["name"] = "b";
            Function(d, 1)["output_mapping"]!["out"] = "a";
        });

        AssertSingleError(e, "resources[0].name", "duplicate name 'b', already used by functions[1]");
    }

    [Fact]
    public void Unknown_mapping_target_is_rejected()
    {
        var e = Reject(d => Function(d, 1)["output_mapping"]!["out"] = "nowhere");

        AssertSingleError(e, "functions[1].output_mapping.out", "unknown mapping target 'nowhere'");
    }

    [Fact]
    public void Unknown_mapping_target_of_a_resource_is_rejected()
    {
        var e = Reject(d => Resource(d, 0)["output_mapping"]!["new_request"] = "ghost");

        AssertSingleError(e, "resources[0].output_mapping.new_request", "unknown mapping target 'ghost'");
    }

    [Fact]
    public void Empty_channel_name_is_rejected()
    {
        var e = Reject(d => Function(d, 0)["output_mapping"]![""] = "b");

        AssertSingleError(e, "functions[0].output_mapping[\"\"]", "empty channel name");
    }

    [Fact]
    public void Duplicate_channel_in_an_output_mapping_is_rejected()
    {
        var json = ValidDocument().ToJsonString().Replace("\"output_mapping\":{\"out\":\"b\"}", "\"output_mapping\":{\"out\":\"b\",\"out\":\"log\"}", StringComparison.Ordinal);
        _workspace.Write("wf/f.wasm", "\0asm");

        var e = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.Parse(json, Path.Combine(_workspace.Root, "wf", "workflow.json")));

        AssertSingleError(e, "functions[0].output_mapping.out", "duplicate key 'out'");
    }

    [Fact]
    public void Unknown_function_type_is_rejected()
    {
        var e = Reject(d => Class(d, 0)["function_type"] = "PYTHON");

        AssertSingleError(e, "functions[0].class_specification.function_type", "unknown function_type 'PYTHON'; expected one of RUST_WASM, CONTAINER, DOTNET");
    }

    [Fact]
    public void Function_type_is_case_sensitive()
    {
        var e = Reject(d => Class(d, 0)["function_type"] = "rust_wasm");

        AssertSingleError(e, "functions[0].class_specification.function_type", "unknown function_type 'rust_wasm'");
    }

    [Fact]
    public void Unknown_resource_class_is_rejected()
    {
        var e = Reject(d => Resource(d, 0)["class_type"] = "kafka");

        AssertSingleError(e, "resources[0].class_type", "unknown resource class 'kafka'; known: http-ingress, http-egress, file-log, redis, metrics-collector");
    }

    [Fact]
    public void Missing_code_file_is_rejected()
    {
        var e = Reject(d => Class(d, 1)["code"] = "missing/g.wasm");

        AssertSingleError(e, "functions[1].class_specification.code", "code file not found: 'missing/g.wasm' resolves to '" + Path.Combine(_workspace.Root, "wf", "missing", "g.wasm") + "'");
    }

    [Fact]
    public void Missing_dotnet_assembly_is_rejected()
    {
        var e = Reject(d =>
        {
            Class(d, 0)["function_type"] = "DOTNET";
            Class(d, 0)["code"] = "bin/Missing.dll";
        });

        AssertSingleError(e, "functions[0].class_specification.code", "code file not found");
    }

    [Fact]
    public void Container_reference_without_tag_is_rejected()
    {
        var e = Reject(d =>
        {
            Class(d, 0)["function_type"] = "CONTAINER";
            Class(d, 0)["code"] = "container:edge/vector_mul";
        });

        AssertSingleError(e, "functions[0].class_specification.code", "has no tag");
    }

    [Fact]
    public void Container_function_with_a_file_path_is_rejected()
    {
        var e = Reject(d => Class(d, 0)["function_type"] = "CONTAINER");

        AssertSingleError(e, "functions[0].class_specification.code", "must have the form 'container:IMAGE:TAG'");
    }

    [Fact]
    public void Wasm_function_with_a_container_reference_is_rejected()
    {
        var e = Reject(d => Class(d, 0)["code"] = "container:app:1");

        AssertSingleError(e, "functions[0].class_specification.code", "needs the path of its WebAssembly module, not a container reference");
    }

    [Fact]
    public void Malformed_max_instances_is_rejected()
    {
        var e = Reject(d => Function(d, 0)["annotations"]!["max_instances"] = "0");

        AssertSingleError(e, "functions[0].annotations.max_instances", "expected a positive integer, found '0'");
    }

    [Fact]
    public void Malformed_requirement_in_resource_configurations_is_rejected()
    {
        var e = Reject(d => Resource(d, 0)["configurations"]!["tee"] = "yes");

        AssertSingleError(e, "resources[0].configurations.tee", "expected 'required', found 'yes'");
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var e = Reject(d =>
        {
            Class(d, 0)["function_type"] = "PYTHON";
            Function(d, 1)["output_mapping"]!["out"] = "nowhere";
            Resource(d, 0)["class_type"] = "kafka";
        });

        Assert.Equal(
            ["functions[0].class_specification.function_type", "resources[0].class_type", "functions[1].output_mapping.out"],
            e.Errors.Select(err => err.Path));
        Assert.Contains("3 problems", e.Message, StringComparison.Ordinal);
        Assert.All(e.Errors, err => Assert.Contains(err.Path, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_function_does_not_make_mappings_to_it_unknown()
    {
        var e = Reject(d => Class(d, 1)["function_type"] = "PYTHON");

        AssertSingleError(e, "functions[1].class_specification.function_type", "unknown function_type");
    }

    [Fact]
    public void A_priority_that_is_not_an_integer_is_refused()
    {
        var e = Reject(d => Function(d, 1)["annotations"]!.AsObject()["priority"] = "high");

        AssertSingleError(e, "functions[1].annotations.priority", "must be an integer");
    }

    [Fact]
    public void An_integer_priority_is_accepted()
    {
        var document = ValidDocument();
        Function(document, 0)["annotations"]!.AsObject()["priority"] = "-2";

        var spec = WorkflowSpecParser.ParseFile(WriteWorkflow(document));

        Assert.Equal("-2", spec.Functions[0].Annotations["priority"]);
    }
}
