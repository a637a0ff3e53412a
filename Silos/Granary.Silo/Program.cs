using Granary.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The Granary host process. Role (controller, orchestrator, node, inabox) comes from --role, the Granary__Role
// environment variable, or appsettings.json; "inabox" runs every role in one process with in-memory membership,
// directory, storage and streams, so it needs no external service.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var role = builder.Configuration["role"] ?? builder.Configuration["Granary:Role"] ?? "inabox";
string[] known = ["inabox", "controller", "orchestrator", "node"];
if (!known.Contains(role, StringComparer.Ordinal))
{
    Console.Error.WriteLine($"granary-silo: unknown role '{role}'; expected one of: {string.Join(", ", known)}.");
    return 2;
}

builder.UseGranary(silo =>
{
    silo.AddMemoryGrainStorage();
    silo.AddMemoryStreams("events");
});
builder.Services.PostConfigure<Granary.Runtime.Configuration.SiloOptions>(o =>
{
    if (o.Roles.Count == 0)
    {
        o.Roles.AddRange(role == "inabox" ? ["controller", "orchestrator", "node"] : [role]);
    }
});

using var host = builder.Build();
await host.StartAsync();
var silo = host.Services.GetRequiredService<Silo>();
host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Granary.Silo")
    .LogInformation("Granary silo {Address} running as {Role}; gateway for clients at {Endpoint}. Ctrl+C stops it.",
        silo.Address, role, silo.Address.Endpoint?.ToString() ?? "(dial-out only)");
await host.WaitForShutdownAsync();
return 0;
