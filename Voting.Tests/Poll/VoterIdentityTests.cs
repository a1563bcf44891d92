using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>Voter ids are minted and signed by the server; Data Protection keys rest encrypted in Redis.</summary>
public sealed partial class VoterIdentityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_voter_cookie_is_written_as_aspnet_cores_cookie_options_would_write_it(bool https)
    {
        using var signer = new Voting.Poll.VoterSigner(Microsoft.Extensions.Options.Options.Create(
            new Voting.Poll.DataProtectionSettings { DataProtectionKey = TestEnvironment.DataProtectionKey }));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(signer).BuildServiceProvider(),
        };
        context.Request.IsHttps = https;

        var voter = Voting.Poll.VoterCookie.GetOrIssue(context);

        var expected = new Microsoft.AspNetCore.Http.CookieOptions
        {
            HttpOnly = true,
            SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
            Secure = https,
            Path = "/",
            MaxAge = Voting.Poll.VoterCookie.MaxAge,
        }.CreateCookieHeader(Voting.Poll.VoterCookie.Name, signer.Format(voter)).ToString();
        Assert.Equal(expected, Assert.Single(context.Response.Headers.SetCookie));
        Assert.NotEqual(Guid.Empty, voter);
        // The cookie reads back as the same voter.
        context.Request.Headers.Cookie = expected.Split(';')[0];
        Assert.True(Voting.Poll.VoterCookie.TryRead(context, out var read));
        Assert.Equal(voter, read);
    }

    [Fact]
    public void A_cookies_tag_is_the_hmac_of_the_id_under_the_derived_key_on_every_thread_that_signs()
    {
        var settings = new Voting.Poll.DataProtectionSettings { DataProtectionKey = TestEnvironment.DataProtectionKey };
        using var signer = new Voting.Poll.VoterSigner(Microsoft.Extensions.Options.Options.Create(settings));
        var key = settings.Derive(Voting.Poll.VoterSigner.Purpose);
        var voters = Enumerable.Range(0, 2_000).Select(_ => Guid.NewGuid()).ToArray();

        // Four threads at once, each signing every voter: the signer keeps one HMAC state a thread and
        // resets it after each tag, so a state left half-used would show as a wrong tag here.
        var formatted = new string[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t => formatted[t] = voters.Select(signer.Format).ToArray());

        for (var i = 0; i < voters.Length; i++)
        {
            var tag = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(key, voters[i].ToByteArray()).AsSpan(0, 16));
            var expected = $"{voters[i]:N}.{tag}";
            for (var t = 0; t < 4; t++)
            {
                Assert.Equal(expected, formatted[t][i]);
            }
            Assert.True(signer.TryVerify(expected, out var read));
            Assert.Equal(voters[i], read);
        }
    }

    [Fact]
    public void New_voter_ids_stay_distinct_and_never_empty_across_the_random_buffers_refills_and_threads()
    {
        // 4,096 random bytes a thread make 256 ids: 3,000 ids a thread cross eleven refills.
        var ids = new Guid[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t => ids[t] = Enumerable.Range(0, 3_000).Select(_ => Voting.Poll.VoterCookie.NewVoterId()).ToArray());

        var all = ids.SelectMany(i => i).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, all);
        // Random bits, not a counter: about half of the 128 bits differ between neighbours.
        var differing = all.Zip(all.Skip(1), (a, b) => (double)(UInt128.PopCount(ToUInt128(a) ^ ToUInt128(b)))).Average();
        Assert.InRange(differing, 60, 68);
    }

    private static UInt128 ToUInt128(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    [Fact]
    public async Task A_made_up_or_altered_voter_id_is_replaced_by_a_fresh_signed_one_and_never_reaches_the_stream()
    {
        var settings = await Settings.CreateAsync();
        await using var app = await RoleApp.StartAsync("poll", settings);
        await app.WaitUntilReadyAsync();
        var poll = await Api.CreatePollAsync(app.Client, "Q?", "A", "B");

        using var first = await Api.VoteAsync(app.Client, poll.Id, "a");
        var issued = Api.IssuedVoter(first)!;
        Assert.Matches(SignedId(), issued);
        // The server's own id is honoured: no new cookie, the same voter changes their mind.
        using var again = await Api.VoteAsync(app.Client, poll.Id, "b", issued);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Null(Api.IssuedVoter(again));

        var madeUp = Guid.NewGuid().ToString("N");
        var flipped = (issued[0] == '0' ? "1" : "0") + issued[1..];
        var badTag = issued[..33] + new string('A', 22);
        using var otherSigner = new Voting.Poll.VoterSigner(Microsoft.Extensions.Options.Options.Create(
            new Voting.Poll.DataProtectionSettings { DataProtectionKey = "another-deployment-key-0123456789abcdefghij" }));
        var otherDeployment = otherSigner.Format(Guid.NewGuid());
        var replacements = new List<string>();
        foreach (var forged in new[] { madeUp, flipped, badTag, otherDeployment, madeUp + "." + issued[33..] })
        {
            using var response = await Api.VoteAsync(app.Client, poll.Id, "a", forged);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var replacement = Api.IssuedVoter(response);
            Assert.NotNull(replacement);
            Assert.Matches(SignedId(), replacement);
            Assert.NotEqual(forged[..32], replacement[..32]);
            replacements.Add(replacement);
        }

        // The stream holds only ids the server minted.
        var redis = app.Service<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        var voters = (await redis.StreamRangeAsync(settings.StreamKey)).Select(e => e.Values.Single(v => v.Name == "v").Value.ToString()).ToHashSet();
        var minted = replacements.Append(issued).Select(id => id[..32]).ToHashSet();
        Assert.Equal(minted, voters);
    }

    [Fact]
    public async Task In_production_the_poll_role_refuses_to_start_without_a_data_protection_key()
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Voting__DataProtectionKey"] = "";
        var (code, output) = await AppProcess.RunAsync(["--role", "poll"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        Assert.Contains("Voting__DataProtectionKey", output);

        env["Voting__DataProtectionKey"] = "too-short";
        (code, output) = await AppProcess.RunAsync(["--role", "poll"], env, TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        Assert.Contains("Voting__DataProtectionKey must be at least 32 characters", output);
    }

    [Fact]
    public async Task The_key_ring_rests_encrypted_in_redis_and_only_a_process_given_the_same_key_can_use_it()
    {
        await using var redis = await LocalRedis.StartAsync();
        var settings = await Settings.CreateAsync();
        var env = settings.ToEnvironment();
        env["ConnectionStrings__Redis"] = redis.ConnectionString;
        await using var first = AppProcess.Start(["--role", "poll"], env);
        await first.WaitUntilReadyAsync();
        using var one = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = first.Address };
        var poll = await Api.CreatePollAsync(one, "Q?", "Yes", "No");
        var (antiforgeryCookie, token) = await FormAsync(one, poll.Id);

        // What Redis holds is ciphertext: no key material in the clear.
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var stored = await connection.GetDatabase().ListRangeAsync("voting:data-protection-keys");
        Assert.NotEmpty(stored);
        Assert.All(stored, element =>
        {
            Assert.Contains("votingEncryptedKey", element.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", element.ToString(), StringComparison.Ordinal);
        });

        // A second replica with the same key verifies the first one's form…
        await using var same = AppProcess.Start(["--role", "poll"], env);
        await same.WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.OK, await PostFormAsync(same.Address, poll.Id, antiforgeryCookie, token));

        // …a process given another key cannot read the ring, so the form is refused there.
        env["Voting__DataProtectionKey"] = "a-different-data-protection-key-0123456789";
        await using var other = AppProcess.Start(["--role", "poll"], env);
        await other.WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.BadRequest, await PostFormAsync(other.Address, poll.Id, antiforgeryCookie, token));
    }

    private static async Task<(string Cookie, string Token)> FormAsync(HttpClient client, string pollId)
    {
        await Eventually.WaitAsync(async () => (await client.GetAsync($"/api/polls/{pollId}")).IsSuccessStatusCode, TimeSpan.FromSeconds(5), "the poll");
        using var page = await client.GetAsync($"/polls/{pollId}");
        var html = await page.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(FormToken().Match(html).Groups[1].Value);
        var cookie = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("voting-af=", StringComparison.Ordinal));
        Assert.NotEmpty(token);
        return (cookie, token);
    }

    private static async Task<HttpStatusCode> PostFormAsync(Uri address, string pollId, string cookie, string token)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };
        await Eventually.WaitAsync(async () => (await client.GetAsync($"/api/polls/{pollId}")).IsSuccessStatusCode, TimeSpan.FromSeconds(5), "the poll");
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/polls/{pollId}")
        {
            Content = new FormUrlEncodedContent([new("__vt", token), new("optionId", "yes")]),
        };
        post.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(post);
        return response.StatusCode;
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.[A-Za-z0-9_-]{22}$")]
    private static partial Regex SignedId();

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
