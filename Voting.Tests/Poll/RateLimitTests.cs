using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>
/// The limits an anonymous client meets (docs/reliability.md, "Voter identity and rate limits"),
/// on a real poll role with real Redis and PostgreSQL, addresses given through a trusted proxy.
/// </summary>
public sealed class RateLimitTests
{
    private static async Task<(RoleApp App, string PollId)> StartAsync(Dictionary<string, string?> extra)
    {
        var app = await RoleApp.StartAsync("poll", await Settings.CreateAsync(), extra);
        await app.WaitUntilReadyAsync();
        var poll = await Api.CreatePollAsync(app.Client, "Q?", "A", "B");
        return (app, poll.Id);
    }

    private static async Task<(HttpStatusCode Status, string? Issued)> VoteAsync(RoleApp app, string pollId, string? forwardedFor, string? voter = null)
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
        AssertWellFormedRefusal(response);
        return (response.StatusCode, Api.IssuedVoter(response));
    }

    private static void AssertWellFormedRefusal(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "a 429 says when to retry, in whole seconds");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task One_address_creates_at_most_the_allowed_new_voters_per_poll_per_minute_while_known_voters_vote_on()
    {
        var (app, poll) = await StartAsync(new()
        {
            ["Voting:RateLimits:NewVotersPerAddressPerMinute"] = "5",
            ["Voting:RateLimits:PerAddressPerSecond"] = "0",
            ["Voting:RateLimits:PerVoterPerMinute"] = "0",
        });
        await using var _ = app;
        var answers = new List<(HttpStatusCode Status, string? Issued)>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await VoteAsync(app, poll, null));
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), answers.Select(a => a.Status));
        Assert.All(answers.Take(5), a => Assert.NotNull(a.Issued));
        // The three refusals are counted for dashboards; the request metrics still come from ASP.NET
        // Core, without the meters /metrics leaves out (memory pool, router, rate limiter).
        // (Hosting records a request once its response is done, which may be after the client has it:
        // waited for. The route holds braces, so the labels are matched with .*, not [^}]*.)
        var metrics = await app.Client.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^voting_votes_rejected_total\{[^}]*reason=""rate_limited""[^}]*\} 3( |$)", metrics);
        var requests = new System.Text.RegularExpressions.Regex(@"(?m)^http_server_request_duration_seconds_count\{.*http_response_status_code=""429"".*\} 3( \d+)?$");
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !requests.IsMatch(metrics) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
            metrics = await app.Client.GetStringAsync("/metrics");
        }
        Assert.Matches(requests, metrics);
        Assert.DoesNotContain("aspnetcore_memory_pool", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_rate_limiting", metrics, StringComparison.Ordinal);

        // Voters who already hold a cookie change their minds as before.
        Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, poll, null, answers[0].Issued)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, poll, null, Api.NewVoter())).Status);
        // The allowance is per poll: the same address can still bring new voters to another one.
        var other = await Api.CreatePollAsync(app.Client, "Other?", "A", "B");
        Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, other.Id, null)).Status);
    }

    [Fact]
    public async Task By_default_a_lecture_hall_of_400_new_phones_behind_one_address_all_vote_at_once()
    {
        var (app, poll) = await StartAsync([]);
        await using var _ = app;
        var statuses = new List<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var (status, _) = await VoteAsync(app, poll, null);
            lock (statuses)
            {
                statuses.Add(status);
            }
        });
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
    }

    [Fact]
    public async Task IPv6_clients_are_counted_by_64_and_ipv4_mapped_addresses_as_the_ipv4_address()
    {
        var (app, poll) = await StartAsync(new()
        {
            ["Voting:TrustedProxies"] = "127.0.0.0/8",
            ["Voting:RateLimits:PerAddressPerSecond"] = "1",
            ["Voting:RateLimits:NewVotersPerAddressPerMinute"] = "0",
        });
        await using var _ = app;

        // Fifteen addresses inside one /64: one client, one bucket of ten.
        var sameSlash64 = new List<HttpStatusCode>();
        for (var i = 1; i <= 15; i++)
        {
            sameSlash64.Add((await VoteAsync(app, poll, $"2001:db8:1:2::{i:x}")).Status);
        }
        Assert.Equal(10, sameSlash64.Count(s => s == HttpStatusCode.Accepted));

        // Fifteen different /64s: fifteen clients.
        for (var i = 1; i <= 15; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, poll, $"2001:db8:2:{i:x}::1")).Status);
        }

        // An IPv4 client and the same client written as IPv4-mapped IPv6 share one bucket.
        var mixed = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            mixed.Add((await VoteAsync(app, poll, i % 2 == 0 ? "203.0.113.50" : "::ffff:203.0.113.50")).Status);
        }
        Assert.Equal(10, mixed.Count(s => s == HttpStatusCode.Accepted));
    }

    [Fact]
    public async Task A_vote_refused_by_the_address_limit_leaves_the_voters_own_allowance_untouched()
    {
        var (app, poll) = await StartAsync(new()
        {
            ["Voting:TrustedProxies"] = "127.0.0.0/8",
            ["Voting:RateLimits:PerAddressPerSecond"] = "1",
            ["Voting:RateLimits:PerVoterPerMinute"] = "3",
            ["Voting:RateLimits:NewVotersPerAddressPerMinute"] = "0",
        });
        await using var _ = app;
        const string busy = "198.51.100.1";
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, poll, busy)).Status);
        }
        // A voter at the exhausted address is refused by the address limit, which is asked first…
        var voter = Api.NewVoter();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await VoteAsync(app, poll, busy, voter)).Status);
        }
        // …so those refusals took nothing from the voter's own three a minute: from elsewhere, all three are there.
        var elsewhere = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            elsewhere.Add((await VoteAsync(app, poll, "198.51.100.2", voter)).Status);
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], elsewhere);
    }

    [Fact]
    public async Task Wrong_admin_bearer_tokens_from_one_address_are_limited_with_429_and_retry_after()
    {
        var (app, _) = await StartAsync(new() { ["Voting:TrustedProxies"] = "127.0.0.0/8" });
        await using var _ = app;
        async Task<HttpResponseMessage> CreateAsync(string token, string from)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/polls") { Content = JsonContent.Create(new { question = "Q?", options = new[] { "A", "B" } }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Forwarded-For", from);
            return await app.Client.SendAsync(request);
        }
        await AssertGuessesAreLimitedAsync(CreateAsync, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Wrong_admin_bearer_tokens_against_the_result_role_are_limited_as_well()
    {
        // The result role takes the Bearer token too: an organiser reads hidden results with it.
        var settings = await Settings.CreateAsync();
        await using var poll = await RoleApp.StartAsync("poll", settings);
        await poll.WaitUntilReadyAsync();
        await using var result = await RoleApp.StartAsync("result", settings, new Dictionary<string, string?> { ["Voting:TrustedProxies"] = "127.0.0.0/8" });
        await result.WaitUntilReadyAsync();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/polls")
        {
            Content = JsonContent.Create(new { question = "Q?", options = new[] { "A", "B" }, resultsVisibility = "revealed" }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
        using var created = await poll.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pollId = (await created.Content.ReadFromJsonAsync<Voting.Storage.PollDefinition>())!.Id;
        async Task<HttpResponseMessage> ReadAsync(string token, string from)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/results/{pollId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Forwarded-For", from);
            return await result.Client.SendAsync(request);
        }
        await AssertGuessesAreLimitedAsync(ReadAsync, HttpStatusCode.OK);
    }

    /// <summary>
    /// Ten wrong Bearer tokens from one address are 403, the eleventh a well-formed 429; while
    /// limited even the right token is refused there (a hit would otherwise show), and another
    /// address, the organiser's, is not affected.
    /// </summary>
    private static async Task AssertGuessesAreLimitedAsync(Func<string, string, Task<HttpResponseMessage>> send, HttpStatusCode rightAnswer)
    {
        const string guesser = "203.0.113.66";
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await send("guess-" + i, guesser);
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        using var limited = await send("guess-10", guesser);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        AssertWellFormedRefusal(limited);
        using var rightButLimited = await send(TestEnvironment.AdminToken, guesser);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButLimited.StatusCode);
        using var organiser = await send(TestEnvironment.AdminToken, "198.51.100.20");
        Assert.Equal(rightAnswer, organiser.StatusCode);
    }

    [Fact]
    public async Task Behind_a_second_load_balancer_each_client_keeps_its_own_bucket_when_the_balancer_is_trusted_with_two_hops()
    {
        var (app, poll) = await StartAsync(new()
        {
            // Traefik (loopback here) and the balancer in front of it (192.0.2.10).
            ["Voting:TrustedProxies"] = "127.0.0.0/8,192.0.2.10",
            ["Voting:ForwardedHops"] = "2",
            ["Voting:RateLimits:PerAddressPerSecond"] = "1",
            ["Voting:RateLimits:NewVotersPerAddressPerMinute"] = "0",
        });
        await using var _ = app;
        // What the balancer and Traefik produce: "client, balancer".
        for (var i = 1; i <= 15; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await VoteAsync(app, poll, $"203.0.113.{i}, 192.0.2.10")).Status);
        }
        // A client who writes addresses of its own before its real one is still one client.
        var forged = new List<HttpStatusCode>();
        for (var i = 1; i <= 15; i++)
        {
            forged.Add((await VoteAsync(app, poll, $"198.51.100.{i}, 203.0.113.77, 192.0.2.10")).Status);
        }
        Assert.Equal(10, forged.Count(s => s == HttpStatusCode.Accepted));
        // A hop that is not a trusted proxy ends the walk: everyone behind it is that hop's address.
        var untrusted = new List<HttpStatusCode>();
        for (var i = 1; i <= 15; i++)
        {
            untrusted.Add((await VoteAsync(app, poll, $"203.0.113.{100 + i}, 192.0.2.99")).Status);
        }
        Assert.Equal(10, untrusted.Count(s => s == HttpStatusCode.Accepted));
    }

    [Theory]
    [InlineData("Voting__RateLimits__NewVotersPerAddressPerMinute", "-1")]
    [InlineData("Voting__RateLimits__PerVoterPerMinute", "-5")]
    [InlineData("Voting__ForwardedHops", "0")]
    public async Task A_bad_limit_or_hop_setting_stops_the_poll_role_with_one_line_naming_it(string name, string value)
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        env[name] = value;
        var (code, output) = await AppProcess.RunAsync(["--role", "poll"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        Assert.Contains(output.Split('\n', StringSplitOptions.TrimEntries),
            line => line.StartsWith("voting: invalid setting", StringComparison.Ordinal) && line.Contains(name, StringComparison.Ordinal));
    }
}
