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

    [Fact]
    public async Task With_an_access_token_only_requests_that_carry_it_are_answered()
    {
        var dir = Directory.CreateTempSubdirectory("granary-dashboard-");
        try
        {
            await using var host = InaboxProcess.Start(dir.FullName, "--Granary:Sample:Enabled=false", "--Granary:Dashboard:AccessToken=s3cret");
            var url = await host.DashboardUrlAsync(TimeSpan.FromSeconds(90));
            using var cookies = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() };
            using var http = new HttpClient(cookies) { BaseAddress = url };

            var refused = await http.GetAsync("/");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Granary:Dashboard:AccessToken", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/orleans/")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/?token=wrong")).StatusCode);

            // Once with ?token=, then the cookie it set carries it.
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/?token=s3cret")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/orleans/")).StatusCode);

            using var bearer = new HttpClient { BaseAddress = url };
            bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
            Assert.Equal(System.Net.HttpStatusCode.OK, (await bearer.GetAsync("/nodes.html")).StatusCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
