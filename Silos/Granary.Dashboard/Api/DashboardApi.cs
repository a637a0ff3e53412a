using Granary.Client;
using Granary.Dashboard.Live;
using Granary.Grains.Identity;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Granary.Dashboard.Api;

/// <summary>
/// The live pages' HTTP API under <c>/api</c>: the feeds as server-sent events, and the operations the pages offer
/// (start, stop and inspect a workflow; cordon and uncordon a node; migrate a function), made through the same client
/// calls as the <c>granary</c> command line and answered with its texts.
/// </summary>
internal static class DashboardApi
{
    /// <summary>The largest workflow file the page accepts.</summary>
    private const long MaxWorkflowFileBytes = 1 << 20;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/live/{topic}", (HttpContext context, string topic, LiveTopics topics) =>
            topics.Find(topic) is { } found ? ServerSentEvents.FollowAsync(context, found) : Results.NotFound().ExecuteAsync(context));
        api.MapPost("/workflows", StartWorkflowAsync).DisableAntiforgery();
        api.MapPost("/workflows/{id}/stop", StopWorkflowAsync);
        api.MapGet("/workflows/{id}", InspectWorkflowAsync);
        api.MapPost("/nodes/{id}/cordon", (string id, GranaryClient client, CancellationToken token) => CordonAsync(client, id, true, token));
        api.MapPost("/nodes/{id}/uncordon", (string id, GranaryClient client, CancellationToken token) => CordonAsync(client, id, false, token));
        api.MapPost("/functions/{lid}/migrate", MigrateAsync);
    }

    /// <summary>Parses the uploaded file as <c>granary workflow start FILE</c> does, and deploys it.</summary>
    private static async Task<IResult> StartWorkflowAsync(HttpRequest request, GranaryClient client, CancellationToken token)
    {
        if (!request.HasFormContentType)
        {
            return Problem("Upload a workflow file (multipart form field 'file').", StatusCodes.Status400BadRequest);
        }

        var form = await request.ReadFormAsync(token).ConfigureAwait(false);
        if (form.Files.GetFile("file") is not { } file)
        {
            return Problem("Upload a workflow file (multipart form field 'file').", StatusCodes.Status400BadRequest);
        }

        if (file.Length > MaxWorkflowFileBytes)
        {
            return Problem($"The workflow file is larger than {MaxWorkflowFileBytes} bytes.", StatusCodes.Status400BadRequest);
        }

        string json;
        using (var reader = new StreamReader(file.OpenReadStream()))
        {
            json = await reader.ReadToEndAsync(token).ConfigureAwait(false);
        }

        try
        {
            // Named as the browser names it; relative code paths resolve against the host's working directory.
            var spec = WorkflowSpecParser.Parse(json, Path.GetFileName(file.FileName));
            var id = await client.Workflows.StartAsync(spec, token).ConfigureAwait(false);
            var details = await client.Workflows.InspectAsync(id, token).ConfigureAwait(false);
            return Results.Ok(new { id, message = $"Started workflow {id} on domain {details?.Workflow.DomainId ?? "?"}" });
        }
        catch (WorkflowSpecException ex)
        {
            return Problem(GranaryErrors.Describe(ex), StatusCodes.Status400BadRequest);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problem(GranaryErrors.Describe(ex), StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> StopWorkflowAsync(string id, GranaryClient client, CancellationToken token)
    {
        try
        {
            return await client.Workflows.StopAsync(id, token).ConfigureAwait(false)
                ? Results.Ok(new { message = $"Stopped workflow {id}" })
                : Problem($"No workflow '{id}'.", StatusCodes.Status404NotFound);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problem(GranaryErrors.Describe(ex), StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> InspectWorkflowAsync(string id, GranaryClient client, CancellationToken token)
    {
        try
        {
            return await client.Workflows.InspectAsync(id, token).ConfigureAwait(false) is { } details
                ? Results.Json(details, LivePublisher.Json)
                : Problem($"No workflow '{id}'.", StatusCodes.Status404NotFound);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problem(GranaryErrors.Describe(ex), StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> CordonAsync(GranaryClient client, string node, bool cordon, CancellationToken token)
    {
        try
        {
            var summary = (await client.Nodes.ListAsync(token).ConfigureAwait(false))
                .FirstOrDefault(n => n.NodeId.ToString("D") == node || (n.Name.Length > 0 && n.Name == node));
            if (summary is null)
            {
                return Problem($"No registered domain reports node '{node}'.", StatusCodes.Status404NotFound);
            }

            await client.Grains.GetGrain<IDomainGrain>(summary.DomainId).Cordon(summary.NodeId, cordon).ConfigureAwait(false);
            return Results.Ok(new { message = $"{(cordon ? "Cordoned" : "Uncordoned")} node {node}" });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problem(GranaryErrors.Describe(ex), ex is DomainRequestRejectedException ? StatusCodes.Status409Conflict : StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> MigrateAsync(string lid, HttpRequest request, GranaryClient client, CancellationToken token)
    {
        if (!LogicalFunctionId.TryParse(lid, null, out var logicalId))
        {
            return Problem($"'{lid}' is not a logical id: expected a UUID such as 3f2b8c1e-0d4a-4c55-9e2f-7a1b2c3d4e5f.", StatusCodes.Status400BadRequest);
        }

        if (!Guid.TryParse(request.Query["node"], out var nodeId))
        {
            return Problem($"'{request.Query["node"]}' is not a node id.", StatusCodes.Status400BadRequest);
        }

        try
        {
            var details = await client.Functions.InspectAsync(logicalId, token).ConfigureAwait(false);
            if (details is null)
            {
                return Problem($"No domain runs a function with logical id {logicalId}.", StatusCodes.Status404NotFound);
            }

            await client.Grains.GetGrain<IDomainGrain>(details.Record.DomainId).Migrate(logicalId, nodeId).ConfigureAwait(false);
            return Results.Ok(new { message = $"Migrated {details.Record.Component} of workflow {details.Record.WorkflowId} to node {nodeId:D}" });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problem(GranaryErrors.Describe(ex), ex is DomainRequestRejectedException ? StatusCodes.Status409Conflict : StatusCodes.Status502BadGateway);
        }
    }

    private static IResult Problem(string error, int status) => Results.Json(new { error }, LivePublisher.Json, statusCode: status);
}
