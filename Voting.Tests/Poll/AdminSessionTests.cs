using System.Net;
using System.Text.RegularExpressions;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>Admin sessions can be ended on the server, on every replica, before their cookies expire.</summary>
public sealed partial class AdminSessionTests
{
    /// <summary>An organiser's browser without JavaScript: its own cookies, forms posted by hand.</summary>
    private sealed class Browser(Uri address) : IDisposable
    {
        private readonly HttpClient _client = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
        private readonly Dictionary<string, string> _cookies = [];

        public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            return await SendAsync(request);
        }

        /// <summary>Posts a form with the antiforgery token of the page last seen at <paramref name="pagePath"/>.</summary>
        public async Task<(HttpStatusCode Status, string Html)> PostAsync(string pagePath, string action, params KeyValuePair<string, string>[] fields)
        {
            var (_, page) = await GetAsync(pagePath);
            var token = WebUtility.HtmlDecode(FormToken().Match(page).Groups[1].Value);
            Assert.NotEmpty(token);
            using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent([new("__vt", token), .. fields]) };
            return await SendAsync(request);
        }

        private async Task<(HttpStatusCode Status, string Html)> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            using var response = await _client.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var pair in set.Select(c => c.Split(';')[0].Split('=', 2)))
                {
                    if (pair[1].Length == 0)
                    {
                        _cookies.Remove(pair[0]);
                    }
                    else
                    {
                        _cookies[pair[0]] = pair[1];
                    }
                }
            }
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async Task SignInAsync()
        {
            var (status, _) = await PostAsync("/admin", "/admin/sign-in", new KeyValuePair<string, string>("token", TestEnvironment.AdminToken));
            Assert.Equal(HttpStatusCode.SeeOther, status);
            Assert.True(await IsSignedInAsync());
        }

        public async Task<bool> IsSignedInAsync()
        {
            var (status, html) = await GetAsync("/admin");
            Assert.Equal(HttpStatusCode.OK, status);
            return html.Contains("data-create-poll", StringComparison.Ordinal);
        }

        public void Dispose() => _client.Dispose();
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_admin_session_on_every_poll_process()
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        await using var first = AppProcess.Start(["--role", "poll"], env);
        await using var second = AppProcess.Start(["--role", "poll"], env);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());
        using var laptop = new Browser(first.Address);
        using var lostPhone = new Browser(second.Address);
        await laptop.SignInAsync();
        await lostPhone.SignInAsync();

        var (status, _) = await laptop.PostAsync("/admin", "/admin/sign-out-everywhere");
        Assert.Equal(HttpStatusCode.SeeOther, status);

        // Both sessions are over, on both processes, though neither cookie has expired.
        Assert.False(await lostPhone.IsSignedInAsync());
        Assert.False(await laptop.IsSignedInAsync());
        // Signing in again works as before.
        await lostPhone.SignInAsync();
    }

    [Fact]
    public async Task Sign_out_everywhere_without_a_session_or_antiforgery_token_changes_nothing()
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        await using var app = AppProcess.Start(["--role", "poll"], env);
        await app.WaitUntilReadyAsync();
        using var organiser = new Browser(app.Address);
        await organiser.SignInAsync();

        // Someone else's browser: a form token of its own, but no session.
        using var stranger = new Browser(app.Address);
        var (status, _) = await stranger.PostAsync("/admin", "/admin/sign-out-everywhere");
        Assert.Equal(HttpStatusCode.SeeOther, status);
        // A cross-site post without the token is refused outright.
        using var client = new HttpClient { BaseAddress = app.Address };
        using var forged = await client.PostAsync("/admin/sign-out-everywhere", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        Assert.True(await organiser.IsSignedInAsync());
    }

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
