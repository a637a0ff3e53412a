using System.Text.RegularExpressions;
using Granary.Cli;
using Microsoft.Playwright;

namespace Granary.Dashboard.Tests;

/// <summary>Granary's live pages and the Orleans dashboard in chromium, on an all-in-one host running the sample workflow.</summary>
public sealed class DashboardPageTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    [Fact]
    public async Task The_workflows_page_draws_the_sample_workflow_as_a_graph_with_its_running_instances()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Url.ToString());
        var workflow = page.Locator(".workflow").Filter(new LocatorFilterOptions { HasText = "my-message-generator" });
        var graph = workflow.Locator(".graph[data-graph-nodes='my-message-generator,my-log']");
        await graph.Locator("canvas").First.WaitForAsync();
        await Assertions.Expect(graph).ToHaveAttributeAsync("data-graph-edges", "my-message-generator-output->my-log");
        foreach (var component in new[] { "my-message-generator", "my-log" })
        {
            var row = workflow.Locator($".instance-row[data-component='{component}']");
            await Assertions.Expect(row).ToContainTextAsync("running");
            await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync(new Regex("^[0-9a-f-]{36}$"));
        }

        await Screenshots.SaveAsync(page, "dashboard-workflows");
    }

    [Fact]
    public async Task Starting_a_bad_workflow_file_in_the_page_shows_the_same_problems_as_the_cli()
    {
        var file = Path.Combine(fixture.WorkingDirectory, "bad-workflow.json");
        await File.WriteAllTextAsync(file, """
            {
              "functions": [
                { "name": "f", "class_specification": { "id": "x", "function_type": "COBOL", "version": "1", "code": "f.bin", "outputs": [] },
                  "output_mapping": { "out": "nowhere" }, "annotations": {} }
              ],
              "resources": [],
              "annotations": {}
            }
            """);
        var cliError = new StringWriter();
        var exit = await GranaryCli.RunAsync(["workflow", "start", file, "--gateway", fixture.Gateway], new StringWriter(), cliError);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.StartsWith("error: Invalid workflow specification", cliError.ToString(), StringComparison.Ordinal);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Url.ToString());
        await page.Locator("#workflow-file").SetInputFilesAsync(file);
        await page.Locator("#start-workflow").ClickAsync();
        var result = page.Locator("#start-result.error");
        await result.WaitForAsync();
        await Screenshots.SaveAsync(page, "dashboard-bad-workflow");

        // The browser knows the file by its name only; the CLI names it by its full path. Every other character is the same.
        var expected = cliError.ToString().Replace(file, "bad-workflow.json", StringComparison.Ordinal).Trim();
        Assert.Equal(expected, (await result.TextContentAsync())!.Trim());
    }

    [Fact]
    public async Task Cordoning_a_node_in_the_page_shows_in_the_cli_node_list()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "/nodes.html").ToString());
        var node = page.Locator(".node").First;
        await node.WaitForAsync();
        var nodeId = await node.GetAttributeAsync("data-node-id");
        Assert.Equal("no", CordonedCell(await CliNodeListAsync(), nodeId!));

        await node.Locator("button.cordon").ClickAsync();
        await Assertions.Expect(node).ToHaveAttributeAsync("data-cordoned", "true");
        await Assertions.Expect(node.Locator(".cordon-state")).ToHaveTextAsync("cordoned");
        await Screenshots.SaveAsync(page, "dashboard-nodes-cordoned");
        Assert.Equal("yes", CordonedCell(await CliNodeListAsync(), nodeId!));

        await node.Locator("button.uncordon").ClickAsync();
        await Assertions.Expect(node).ToHaveAttributeAsync("data-cordoned", "false");
        Assert.Equal("no", CordonedCell(await CliNodeListAsync(), nodeId!));
    }

    [Fact]
    public async Task The_orleans_dashboard_loads_on_the_same_endpoint_and_lists_the_silo()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "/orleans/").ToString());
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex("Orleans"));
        await page.GotoAsync(new Uri(fixture.Url, "/orleans/#/silos").ToString());
        await Assertions.Expect(page.GetByText($"127.0.0.1:{fixture.Host.SiloPort}").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-orleans");
    }

    [Fact]
    public async Task The_functions_page_shows_each_sample_instance_rate_from_the_performance_samples()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "/functions.html").ToString());
        var log = page.Locator(".instance-rate").Filter(new LocatorFilterOptions { HasText = "my-log" });
        // The generator writes a line every 200 ms: about five events a second reach the file-log.
        await Assertions.Expect(log.Locator(".eps")).ToHaveTextAsync(new Regex(@"^[1-9]"));
        await Assertions.Expect(page.Locator(".instance-rate").Filter(new LocatorFilterOptions { HasText = "my-message-generator" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-functions");
    }

    [Fact]
    public async Task The_events_page_lists_platform_events_as_they_come_and_filters_them_by_kind()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Url, "/events.html").ToString());
        await page.Locator("#log .event[data-kind='PerformanceSample']").First.WaitForAsync();
        await page.Locator("#kind").SelectOptionAsync("PerformanceSample");
        await Assertions.Expect(page.Locator("#log .event:not([data-kind='PerformanceSample'])")).ToHaveCountAsync(0);
        await page.Locator("#filter").FillAsync("no event mentions this");
        await Assertions.Expect(page.Locator("#log .event")).ToHaveCountAsync(0);
        await page.Locator("#filter").FillAsync("my-log");
        await page.Locator("#log .event").First.WaitForAsync();
        await Screenshots.SaveAsync(page, "dashboard-events");
    }

    private async Task<string> CliNodeListAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await GranaryCli.RunAsync(["node", "list", "--gateway", fixture.Gateway], output, error);
        Assert.True(exit == ExitCodes.Success, error.ToString());
        return output.ToString();
    }

    /// <summary>The CORDONED cell of the node's row: the one before the last (PROTECTION); cells are set apart by two or more spaces.</summary>
    private static string CordonedCell(string table, string nodeId) => Regex.Split(NodeRow(table, nodeId).Trim(), @"\s{2,}")[^2];

    private static string NodeRow(string table, string nodeId) =>
        table.Split('\n').Select(l => l.TrimEnd()).FirstOrDefault(l => l.TrimStart().StartsWith(nodeId, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"granary node list shows no row for node {nodeId}:\n{table}");
}
