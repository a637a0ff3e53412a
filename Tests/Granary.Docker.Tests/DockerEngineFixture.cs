using System.Formats.Tar;

namespace Granary.Docker.Tests;

/// <summary>
/// A real dockerd and a busybox image made on the spot, without any registry: a root filesystem holding
/// Debian's statically linked busybox and its applet links, tarred and fed to <c>docker import</c> under a
/// tag unique to this run and labelled <c>granary.test=RunId</c>. Every container a test creates carries <c>granary.test=RunId</c>; disposing
/// removes all of them and the image.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string RunLabel = "granary.test";

    private static readonly string[] Applets = ["sh", "sleep", "echo", "nc", "cat"];

    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), "granary-docker-tests-" + Guid.NewGuid().ToString("N"));

    private bool _engineAnswered;

    public string RunId { get; } = "run" + Guid.NewGuid().ToString("N")[..12];

    public string Image => $"granary-test/busybox:{RunId}";

    public DockerClient Client { get; } = new();

    /// <summary>Parameters for a container from the test image, labelled with this run, on the host network.</summary>
    public ContainerCreateParameters Container(params string[] command) => new()
    {
        Image = Image,
        Command = command,
        Labels = new Dictionary<string, string> { [RunLabel] = RunId },
    };

    /// <summary>Creates and starts a container and returns its id.</summary>
    public async Task<string> RunAsync(ContainerCreateParameters parameters)
    {
        var id = await Client.CreateContainerAsync(parameters);
        await Client.StartContainerAsync(id);
        return id;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await Client.PingAsync();
            _engineAnswered = true;
        }
        catch (DockerConnectionException e)
        {
            throw new InvalidOperationException(
                $"The Docker tests need a running dockerd and none answers: {e.Message} Start one with `bash scripts/start-dockerd.sh`.", e);
        }

        const string busybox = "/usr/bin/busybox";
        if (!File.Exists(busybox))
        {
            throw new InvalidOperationException($"{busybox} is missing: install Debian's busybox-static (scripts/install-deps.sh does).");
        }

        var root = Path.Combine(_workDirectory, "rootfs");
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        File.Copy(busybox, Path.Combine(bin, "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        var tarball = Path.Combine(_workDirectory, "rootfs.tar");
        await TarFile.CreateFromDirectoryAsync(root, tarball, includeBaseDirectory: false);
        await DockerCli.RunAsync("import", "--change", $"LABEL {RunLabel}={RunId}", tarball, Image);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (!_engineAnswered)
            {
                return;
            }

            var leftovers = await DockerCli.RunAsync("ps", "--all", "--quiet", "--filter", $"label={RunLabel}={RunId}");
            if (leftovers.Length > 0)
            {
                await DockerCli.RunAsync(["rm", "--force", "--volumes", .. leftovers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
            }

            if ((await DockerCli.RunAsync("images", "--quiet", Image)).Length > 0)
            {
                await DockerCli.RunAsync("rmi", "--force", Image);
            }
        }
        finally
        {
            Client.Dispose();
            if (Directory.Exists(_workDirectory))
            {
                Directory.Delete(_workDirectory, recursive: true);
            }
        }
    }
}
