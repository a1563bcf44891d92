using System.Net;
using System.Text.RegularExpressions;

namespace Voting.Tests.Infrastructure;

/// <summary>An organiser's browser without JavaScript: its own cookies, forms posted by hand.</summary>
internal sealed partial class FormBrowser(Uri address) : IDisposable
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

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
