using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Voting.Poll;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>
/// The session check sits on the <c>/admin</c> group, not in each handler. The routes are read from
/// the app's own endpoint table, so a route added later is checked without anyone listing it here.
/// </summary>
public sealed partial class AdminRouteTests : IAsyncLifetime
{
    private RoleApp _poll = null!;

    public async Task InitializeAsync()
    {
        _poll = await RoleApp.StartAsync("poll", await Settings.CreateAsync());
        await _poll.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _poll.DisposeAsync();

    [Fact]
    public async Task Every_admin_route_but_signing_in_and_out_answers_the_sign_in_page_or_a_way_to_it_without_a_session()
    {
        var poll = await Api.CreatePollAsync(_poll.Client, "Tea or coffee?", "Tea", "Coffee");
        var catalog = _poll.Service<PollCatalog>();
        var pollsBefore = catalog.Page(null, 200)!.Polls.Count;
        var anEvent = (await _poll.Service<EventManagement>().CreateAsync("Guarded", CancellationToken.None)).Event!;
        var routes = _poll.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/admin", StringComparison.Ordinal))
            .ToArray();

        // Only these two run without a session; any other exception has to be added here on purpose.
        Assert.Equal(["POST /admin/sign-in", "POST /admin/sign-out"],
            routes.Where(e => e.Metadata.GetMetadata<AdminAccess>()?.WhenSignedOut == SignedOut.Allowed).Select(Name).Order(StringComparer.Ordinal));

        // A real form token and antiforgery cookie, so a post reaches the session check rather than being refused as forged.
        var (antiforgeryCookie, formToken) = await AntiforgeryAsync();
        var guarded = routes.Where(e => e.Metadata.GetMetadata<AdminAccess>()?.WhenSignedOut != SignedOut.Allowed).ToArray();
        Assert.True(guarded.Length >= 5, $"only {guarded.Length} guarded admin routes found");
        foreach (var route in guarded)
        {
            var method = route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var path = route.RoutePattern.RawText!.Replace("{pollId}", poll.Id, StringComparison.Ordinal).Replace("{eventId}", anEvent.Id, StringComparison.Ordinal);
            Assert.DoesNotContain("{", path, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add("Cookie", antiforgeryCookie);
            if (method == "POST")
            {
                // Fields that would create a poll if the handler ran.
                request.Content = new FormUrlEncodedContent([new("__vt", formToken), new("question", "Sneaked in?"), new("options", "Yes\nNo")]);
            }
            using var response = await _poll.Client.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            var answer = route.Metadata.GetMetadata<AdminAccess>()?.WhenSignedOut ?? SignedOut.SignInRequired;
            var name = Name(route);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            switch (answer)
            {
                case SignedOut.SignInRequired:
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {response.StatusCode}");
                    Assert.Contains("Admin token", html, StringComparison.Ordinal);
                    Assert.Contains("Sign in to manage polls.", html, StringComparison.Ordinal);
                    break;
                case SignedOut.SignInPage:
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {response.StatusCode}");
                    Assert.Contains("Admin token", html, StringComparison.Ordinal);
                    Assert.DoesNotContain("data-create-poll", html, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Equal(SignedOut.BackToAdmin, answer);
                    Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{name}: {response.StatusCode}");
                    Assert.Equal("/admin", response.Headers.Location?.ToString());
                    break;
            }
        }

        // No handler ran: nothing was created or closed.
        Assert.Equal(pollsBefore, catalog.Page(null, 200)!.Polls.Count);
        Assert.False(catalog.Find(poll.Id)!.Closed);
        var events = _poll.Service<Voting.Storage.EventStore>();
        Assert.False((await events.FindAsync(anEvent.Id, CancellationToken.None))!.Closed);
        Assert.Empty(await events.PollsAsync(anEvent.Id, CancellationToken.None));
        Assert.Single(await events.ListAsync(10, CancellationToken.None));
    }

    private static string Name(RouteEndpoint route) =>
        $"{route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()} {route.RoutePattern.RawText!.TrimEnd('/')}";

    private async Task<(string Cookie, string FormToken)> AntiforgeryAsync()
    {
        using var response = await _poll.Client.GetAsync("/admin");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("voting-af=", StringComparison.Ordinal)).Split(';')[0];
        var token = WebUtility.HtmlDecode(FormToken().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value);
        Assert.NotEmpty(token);
        return (cookie, token);
    }

    [GeneratedRegex("name=\"__vt\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
