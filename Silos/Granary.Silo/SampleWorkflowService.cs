using Granary.Examples;
using Granary.Grains.Controller;
using Granary.Grains.Nodes;
using Granary.Grains.Workflows;
using Granary.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Silo;

/// <summary>
/// In the all-in-one host: writes the sample workflow (a .NET message generator feeding a file-log resource, the
/// EDGELESS file_log tutorial) as an EDGELESS JSON file, then deploys it on the local domain. The log file then
/// grows by one line per period.
/// </summary>
internal sealed partial class SampleWorkflowService(IGrainFactory grains, IOptions<SampleWorkflowOptions> options, ILogger<SampleWorkflowService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sample = options.Value;
        if (!sample.Enabled)
        {
            return;
        }

        var logFile = Path.GetFullPath(sample.LogFile);
        var specFile = Path.Combine(Path.GetDirectoryName(logFile)!, "sample-workflow.json");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var code = typeof(MessageGenerator).Assembly.Location;
        await File.WriteAllTextAsync(specFile, $$"""
            {
              "functions": [
                {
                  "name": "my-message-generator",
                  "class_specification": {
                    "id": "{{typeof(MessageGenerator).FullName}}",
                    "function_type": "DOTNET",
                    "version": "0.1",
                    "code": {{System.Text.Json.JsonSerializer.Serialize(code)}},
                    "outputs": []
                  },
                  "output_mapping": { "output": "my-log" },
                  "annotations": { "init-payload": "message=hello world,period={{sample.PeriodMs}}" }
                }
              ],
              "resources": [
                {
                  "name": "my-log",
                  "class_type": "file-log",
                  "output_mapping": {},
                  "configurations": { "filename": {{System.Text.Json.JsonSerializer.Serialize(logFile)}}, "add-timestamp": "true" }
                }
              ],
              "annotations": {}
            }
            """, stoppingToken);

        // Through the controller, like `granary workflow start`: it admits the workflow once the local domain has
        // registered (within one keep-alive interval of start).
        var spec = WorkflowSpecParser.ParseFile(specFile);
        var controller = grains.GetGrain<IControllerGrain>(IControllerGrain.Key);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var id = await controller.StartWorkflow(spec);
                LogDeployed(logger, id, specFile, logFile);
                return;
            }
            catch (WorkflowRejectedException) when (DateTime.UtcNow < deadline && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(250, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample workflow {Id} ({Spec}) started: a line per period goes to {LogFile}")]
    private static partial void LogDeployed(ILogger logger, string id, string spec, string logFile);
}
