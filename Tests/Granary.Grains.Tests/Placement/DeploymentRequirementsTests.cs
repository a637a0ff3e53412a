using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Placement;

public sealed class DeploymentRequirementsTests
{
    private static readonly Guid N1 = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid N2 = Guid.Parse("22222222-2222-2222-2222-222222222222");

    private static NodeDescriptor Node(
        Guid id,
        string name,
        string[]? labels = null,
        string[]? runtimes = null,
        bool tee = false,
        bool tpm = false,
        ResourceProviderDescriptor[]? providers = null) =>
        new(id, new NodeCapabilities
        {
            NumCpus = 2,
            NumCores = 2,
            Labels = labels ?? [],
            Runtimes = runtimes ?? [FunctionTypes.RustWasm],
            IsTeeRunning = tee,
            HasTpm = tpm,
        })
        {
            Name = name,
            ResourceProviders = providers ?? [],
        };

    private static FunctionSpec Function(Dictionary<string, string> annotations, FunctionType type = FunctionType.RustWasm) =>
        new("f", new FunctionClassSpecification("f", type, "1", "/f.wasm")) { Annotations = annotations };

    private static DeploymentRequirements ForFunction(string key, string value) =>
        DeploymentRequirements.ForFunction(Function(new() { [key] = value }));

    private static WorkflowSpecError ParseError(string key, string value)
    {
        Assert.False(DeploymentRequirements.TryParse(new Dictionary<string, string> { [key] = value }, out _, out var errors));
        return Assert.Single(errors);
    }

    [Fact]
    public void Without_requirements_any_node_offering_the_runtime_is_eligible()
    {
        var verdict = DeploymentRequirements.ForFunction(Function([])).Check(Node(N1, "n1"));

        Assert.True(verdict.IsEligible);
        Assert.Empty(verdict.Reasons);
    }

    [Fact]
    public void Node_id_match_any_accepts_a_listed_uuid()
    {
        var requirements = ForFunction("node_id_match_any", $"{N2}, {N1}");

        Assert.True(requirements.Check(Node(N1, "n1")).IsEligible);
    }

    [Fact]
    public void Node_id_match_any_accepts_a_listed_node_name()
    {
        var requirements = ForFunction("node_id_match_any", "n9,n1");

        Assert.True(requirements.Check(Node(N1, "n1")).IsEligible);
    }

    [Fact]
    public void Node_id_match_any_rejects_an_unlisted_node()
    {
        var verdict = ForFunction("node_id_match_any", $"{N1}").Check(Node(N2, "n2"));

        Assert.Equal([$"node n2 is not one of node_id_match_any [{N1}]"], verdict.Reasons);
    }

    [Fact]
    public void Label_match_all_accepts_a_node_with_every_label()
    {
        var requirements = ForFunction("label_match_all", "zone=eu,hostname=foo");

        Assert.True(requirements.Check(Node(N1, "n1", labels: ["hostname=foo", "zone=eu", "gpu"])).IsEligible);
    }

    [Fact]
    public void Label_match_all_rejects_a_node_missing_a_label()
    {
        var verdict = ForFunction("label_match_all", "zone=eu,hostname=foo").Check(Node(N2, "n2", labels: ["hostname=foo"]));

        Assert.Equal(["node n2 lacks label zone=eu"], verdict.Reasons);
    }

    [Fact]
    public void Resource_match_all_accepts_a_node_hosting_every_provider()
    {
        var requirements = ForFunction("resource_match_all", "file-log-1");

        Assert.True(requirements.Check(Node(N1, "n1", providers: [new("file-log-1", "file-log")])).IsEligible);
    }

    [Fact]
    public void Resource_match_all_rejects_a_node_missing_a_provider()
    {
        var verdict = ForFunction("resource_match_all", "file-log-1,redis-1").Check(Node(N2, "n2", providers: [new("file-log-1", "file-log")]));

        Assert.Equal(["node n2 does not host resource provider redis-1"], verdict.Reasons);
    }

    [Fact]
    public void Tee_required_accepts_a_node_running_in_a_tee()
    {
        Assert.True(ForFunction("tee", "required").Check(Node(N1, "n1", tee: true)).IsEligible);
    }

    [Fact]
    public void Tee_required_rejects_a_node_without_tee()
    {
        var verdict = ForFunction("tee", "required").Check(Node(N2, "n2"));

        Assert.Equal(["node n2 does not run in a trusted execution environment (tee=required)"], verdict.Reasons);
    }

    [Fact]
    public void Tpm_required_accepts_a_node_with_a_tpm()
    {
        Assert.True(ForFunction("tpm", "required").Check(Node(N1, "n1", tpm: true)).IsEligible);
    }

    [Fact]
    public void Tpm_required_rejects_a_node_without_tpm()
    {
        var verdict = ForFunction("tpm", "required").Check(Node(N2, "n2"));

        Assert.Equal(["node n2 has no TPM (tpm=required)"], verdict.Reasons);
    }

    [Fact]
    public void Max_instances_accepts_a_positive_integer()
    {
        Assert.Equal(3, ForFunction("max_instances", "3").MaxInstances);
    }

    [Fact]
    public void Max_instances_defaults_to_one()
    {
        Assert.Equal(1, DeploymentRequirements.ForFunction(Function([])).MaxInstances);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("two")]
    [InlineData("")]
    public void Max_instances_rejects_anything_but_a_positive_integer(string value)
    {
        var error = ParseError("max_instances", value);

        Assert.Equal("max_instances", error.Path);
        Assert.Contains($"expected a positive integer, found '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tee_value_other_than_required_optional_or_false_is_a_spec_error()
    {
        var error = ParseError("tee", "yes");

        Assert.Equal("tee", error.Path);
    }

    [Fact]
    public void Empty_item_in_a_list_is_a_spec_error()
    {
        var error = ParseError("label_match_all", "zone=eu,,x");

        Assert.Equal("label_match_all", error.Path);
        Assert.Contains("empty item", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_annotation_makes_for_function_throw_with_the_annotation_path()
    {
        var e = Assert.Throws<WorkflowSpecException>(() => ForFunction("max_instances", "x"));

        Assert.Equal("annotations.max_instances", Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Function_runtime_is_accepted_when_the_node_offers_it()
    {
        var requirements = DeploymentRequirements.ForFunction(Function([], FunctionType.Dotnet));

        Assert.True(requirements.Check(Node(N1, "n1", runtimes: [FunctionTypes.RustWasm, FunctionTypes.Dotnet])).IsEligible);
    }

    [Fact]
    public void Function_runtime_is_rejected_when_the_node_does_not_offer_it()
    {
        var verdict = DeploymentRequirements.ForFunction(Function([], FunctionType.Container)).Check(Node(N2, "n2"));

        Assert.Equal(["node n2 does not offer runtime CONTAINER"], verdict.Reasons);
    }

    [Fact]
    public void Resource_is_accepted_by_a_node_hosting_its_class()
    {
        var requirements = DeploymentRequirements.ForResource(new ResourceSpec("log", ResourceClasses.FileLog));

        Assert.True(requirements.Check(Node(N1, "n1", providers: [new("fl", ResourceClasses.FileLog)])).IsEligible);
    }

    [Fact]
    public void Resource_is_rejected_by_a_node_without_a_provider_of_its_class()
    {
        var verdict = DeploymentRequirements.ForResource(new ResourceSpec("log", ResourceClasses.FileLog)).Check(Node(N2, "n2"));

        Assert.Equal(["node n2 hosts no provider of resource class file-log"], verdict.Reasons);
    }

    [Fact]
    public void Resource_requirements_come_from_its_configurations()
    {
        var resource = new ResourceSpec("log", ResourceClasses.FileLog)
        {
            Configurations = new Dictionary<string, string> { ["filename"] = "x.log", ["label_match_all"] = "zone=eu" },
        };

        var verdict = DeploymentRequirements.ForResource(resource).Check(Node(N2, "n2", providers: [new("fl", ResourceClasses.FileLog)]));

        Assert.Equal(["node n2 lacks label zone=eu"], verdict.Reasons);
    }

    [Fact]
    public void Every_unmet_requirement_is_a_reason()
    {
        var requirements = DeploymentRequirements.ForFunction(Function(new() { ["label_match_all"] = "a,b", ["tpm"] = "required" }, FunctionType.Container));

        var verdict = requirements.Check(Node(N2, ""));

        Assert.Equal(4, verdict.Reasons.Count);
        Assert.All(verdict.Reasons, r => Assert.StartsWith($"node {N2} ", r, StringComparison.Ordinal));
    }
}
