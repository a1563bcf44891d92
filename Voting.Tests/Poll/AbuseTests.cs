using System.Net;
using System.Text;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

public sealed class AbuseTests
{
    private static async Task<(RoleApp App, string PollId)> StartAsync(Dictionary<string, string?> extra)
    {
        var app = await RoleApp.StartAsync("poll", await Settings.CreateAsync(), extra);
        await app.WaitUntilReadyAsync();
        var poll = await Api.CreatePollAsync(app.Client, "Q?", "A", "B");
        return (app, poll.Id);
    }

    private static async Task<HttpStatusCode> VoteFromAsync(RoleApp app, string pollId, string? forwardedFor, string? voter = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes")
        {
            Content = new StringContent("""{"optionId":"a"}""", Encoding.UTF8, "application/json"),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        if (voter is not null)
        {
            request.Headers.Add("Cookie", $"voter={voter}");
        }
        using var response = await app.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task One_voter_is_limited_per_minute_with_429_and_retry_after_while_others_vote_on()
    {
        var (app, poll) = await StartAsync(new() { ["Voting:RateLimits:PerVoterPerMinute"] = "3", ["Voting:RateLimits:PerAddressPerSecond"] = "0" });
        await using var _ = app;
        var voter = Api.NewVoter();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await VoteFromAsync(app, poll, null, voter));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await VoteFromAsync(app, poll, null, voter));
        Assert.Equal(HttpStatusCode.Accepted, await VoteFromAsync(app, poll, null, Api.NewVoter()));
    }

    [Fact]
    public async Task One_address_gets_a_burst_of_ten_seconds_worth_then_429()
    {
        var (app, poll) = await StartAsync(new() { ["Voting:RateLimits:PerAddressPerSecond"] = "2" });
        await using var _ = app;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await VoteFromAsync(app, poll, null));
        }
        // The bucket holds 20; a token comes back every half second while we send.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Accepted), 20, 24);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Zero_turns_both_limits_off()
    {
        var (app, poll) = await StartAsync(new() { ["Voting:RateLimits:PerVoterPerMinute"] = "0", ["Voting:RateLimits:PerAddressPerSecond"] = "0" });
        await using var _ = app;
        var voter = Api.NewVoter();
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await VoteFromAsync(app, poll, null, voter));
        }
    }

    [Fact]
    public async Task X_forwarded_for_is_ignored_unless_the_request_comes_from_a_trusted_proxy()
    {
        var (untrusted, poll) = await StartAsync(new() { ["Voting:RateLimits:PerAddressPerSecond"] = "1" });
        await using (untrusted)
        {
            // A client cannot escape its limit by claiming other addresses.
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 15; i++)
            {
                statuses.Add(await VoteFromAsync(untrusted, poll, $"203.0.113.{i}"));
            }
            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        }

        var (trusted, poll2) = await StartAsync(new() { ["Voting:RateLimits:PerAddressPerSecond"] = "1", ["Voting:TrustedProxies"] = "127.0.0.0/8" });
        await using (trusted)
        {
            // Behind the proxy, each real client has its own bucket.
            for (var i = 0; i < 15; i++)
            {
                Assert.Equal(HttpStatusCode.Accepted, await VoteFromAsync(trusted, poll2, $"203.0.113.{i}"));
            }
            // And one client behind the proxy is still limited.
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 15; i++)
            {
                statuses.Add(await VoteFromAsync(trusted, poll2, "198.51.100.7"));
            }
            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        }
    }

    [Fact]
    public async Task Admin_sign_in_allows_a_few_guesses_a_minute_per_address_then_429()
    {
        var (app, _) = await StartAsync(new() { ["Voting:RateLimits:PerAddressPerSecond"] = "0" });
        await using var _ = app;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await app.Client.PostAsync("/admin/sign-in", new FormUrlEncodedContent([new("token", "guess-" + i)]));
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses.Take(10), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(10));
    }

    [Fact]
    public async Task Cookies_are_secure_when_the_request_is_https()
    {
        var (app, poll) = await StartAsync(new() { ["Voting:TrustedProxies"] = "127.0.0.1" });
        await using var _ = app;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{poll}/votes")
        {
            Content = new StringContent("""{"optionId":"a"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await app.Client.SendAsync(request);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("voter=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);

        using var plain = await app.Client.PostAsync($"/api/polls/{poll}/votes", new StringContent("""{"optionId":"a"}""", Encoding.UTF8, "application/json"));
        Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        var (app, poll) = await StartAsync([]);
        await using var _ = app;
        foreach (var path in new[] { "/", $"/polls/{poll}", $"/api/polls/{poll}", "/no-such-page" })
        {
            using var response = await app.Client.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"));
        }
    }

    [Fact]
    public async Task A_form_vote_without_its_antiforgery_token_is_refused_and_not_counted()
    {
        var settings = await Settings.CreateAsync();
        await using var app = await RoleApp.StartAsync("poll", settings);
        await app.WaitUntilReadyAsync();
        var poll = await Api.CreatePollAsync(app.Client, "Q?", "A", "B");
        using var response = await app.Client.PostAsync($"/polls/{poll.Id}", new FormUrlEncodedContent([new("optionId", "a")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var redis = app.Service<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        Assert.Equal(0, await redis.StreamLengthAsync(settings.StreamKey));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public async Task In_production_the_poll_role_refuses_to_start_without_a_strong_admin_token(string? token)
    {
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (token is null)
        {
            env.Remove("Voting__AdminToken");
            env["Voting__AdminToken"] = "";
        }
        else
        {
            env["Voting__AdminToken"] = token;
        }
        var (code, output) = await AppProcess.RunAsync(["--role", "poll"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        Assert.Contains("Voting__AdminToken", output);
        // Worker and result have no admin endpoints: they start without one.
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        await using var result = AppProcess.Start(["--role", "result"], env);
        await result.WaitUntilReadyAsync();
    }

    [Fact]
    public void The_admin_token_comparison_depends_on_the_token_not_the_guess_length()
    {
        var token = new Voting.Web.AdminToken(Microsoft.Extensions.Options.Options.Create(new Voting.Web.AdminSettings { AdminToken = TestEnvironment.AdminToken }));
        Assert.True(token.Matches(TestEnvironment.AdminToken));
        Assert.False(token.Matches(TestEnvironment.AdminToken + "x"));
        Assert.False(token.Matches(TestEnvironment.AdminToken[..^1]));
        Assert.False(token.Matches(""));
        Assert.False(new Voting.Web.AdminToken(Microsoft.Extensions.Options.Options.Create(new Voting.Web.AdminSettings())).Matches(""));
    }
}
