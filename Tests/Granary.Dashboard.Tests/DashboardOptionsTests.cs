using Granary.Testing;

namespace Granary.Dashboard.Tests;

/// <summary>Where the dashboard endpoint may listen, and what it then requires.</summary>
public sealed class DashboardOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", null)]
    [InlineData("http://localhost:8080", null)]
    [InlineData("http://[::1]:8080", null)]
    [InlineData("http://0.0.0.0:8080", "s3cret")]
    public void A_loopback_url_or_one_with_a_token_is_accepted(string url, string? token)
    {
        var result = new GranaryDashboardOptionsValidator().Validate(null, new GranaryDashboardOptions { Url = url, AccessToken = token });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://192.0.2.10:8080")]
    [InlineData("http://dashboard.example:8080")]
    public void A_url_other_machines_reach_needs_an_access_token(string url)
    {
        var result = new GranaryDashboardOptionsValidator().Validate(null, new GranaryDashboardOptions { Url = url });
        Assert.True(result.Failed);
        Assert.Contains("Granary:Dashboard:AccessToken must be set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_non_loopback_dashboard_and_no_token_naming_the_option()
    {
        var dir = Directory.CreateTempSubdirectory("granary-dashboard-");
        try
        {
            // Validation runs before anything listens, so the wildcard address is never bound.
            await using var host = InaboxProcess.Start(dir.FullName, "--Granary:Sample:Enabled=false", "--Granary:Dashboard:Url=http://0.0.0.0:0");
            await host.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            host.Process.WaitForExit();
            Assert.NotEqual(0, host.Process.ExitCode);
            lock (host.Output)
            {
                Assert.Contains("Granary:Dashboard:AccessToken must be set", host.Output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
