using Granary.Grains.Jobs;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Jobs;

/// <summary>The job annotations: requests, restart policy and limit, placement override, job type.</summary>
public sealed class TaskSpecificationTests
{
    [Theory]
    [InlineData("0.5", 500)]
    [InlineData("2", 2000)]
    [InlineData("250m", 250)]
    [InlineData(" 1.25 ", 1250)]
    public void Cpu_is_read_in_cores_or_millicores(string value, long millicores) =>
        Assert.Equal(millicores, Parse(new() { ["cpu"] = value }).Request.CpuMillicores);

    [Theory]
    [InlineData("256", 256)]
    [InlineData("256Mi", 256)]
    [InlineData("2Gi", 2048)]
    public void Memory_and_disk_are_read_in_mib(string value, long mib)
    {
        var specification = Parse(new() { ["memory"] = value, ["disk"] = value });
        Assert.Equal(new ResourceRequest(0, mib, mib), specification.Request);
    }

    [Fact]
    public void Without_annotations_a_task_restarts_always_without_limit_and_requests_nothing()
    {
        var specification = Parse([]);

        Assert.Equal(RestartPolicy.Always, specification.RestartPolicy);
        Assert.Null(specification.MaxRestarts);
        Assert.True(specification.Request.IsNone);
        Assert.Null(specification.Placement);
    }

    [Fact]
    public void Restart_policy_limit_and_placement_are_read()
    {
        var specification = Parse(new() { ["restart-policy"] = "on-failure", ["max-restarts"] = "3", ["placement"] = "epvm" });

        Assert.Equal(RestartPolicy.OnFailure, specification.RestartPolicy);
        Assert.Equal(3, specification.MaxRestarts);
        Assert.Equal(PlacementPolicy.Epvm, specification.Placement);
    }

    [Fact]
    public void Every_malformed_value_is_reported_under_its_key()
    {
        var ok = TaskSpecification.TryParse(
            new Dictionary<string, string>
            {
                ["cpu"] = "lots", ["memory"] = "1.5", ["disk"] = "-1", ["restart-policy"] = "sometimes", ["max-restarts"] = "-2", ["placement"] = "best",
            },
            out _,
            out var errors);

        Assert.False(ok);
        Assert.Equal(["cpu", "memory", "disk", "restart-policy", "max-restarts", "placement"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData(null, JobType.Continuous)]
    [InlineData("continuous", JobType.Continuous)]
    [InlineData("run-to-completion", JobType.RunToCompletion)]
    public void The_job_type_is_a_workflow_annotation(string? value, JobType expected)
    {
        var annotations = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["job-type"] = value };
        Assert.Equal(expected, JobSpecification.JobTypeOf(new WorkflowSpec { Annotations = annotations }));
    }

    [Fact]
    public void The_parser_rejects_malformed_job_annotations_with_their_paths()
    {
        const string json = """
            {
              "functions": [{
                "name": "f",
                "class_specification": {"id": "f", "function_type": "RUST_WASM", "version": "0.1", "code": "f.wasm", "outputs": []},
                "output_mapping": {},
                "annotations": {"cpu": "two", "restart-policy": "sometimes"}
              }],
              "resources": [],
              "annotations": {"job-type": "batch"}
            }
            """;

        var error = Assert.Throws<WorkflowSpecException>(() => WorkflowSpecParser.Parse(json, null));

        Assert.Contains(error.Errors, e => e.Path == "functions[0].annotations.cpu");
        Assert.Contains(error.Errors, e => e.Path == "functions[0].annotations.restart-policy");
        Assert.Contains(error.Errors, e => e.Path == "annotations.job-type" && e.Message.Contains("run-to-completion", StringComparison.Ordinal));
    }

    private static TaskSpecification Parse(Dictionary<string, string> annotations) => TaskSpecification.Parse(annotations);
}
