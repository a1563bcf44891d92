using System.Net;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>Admin sessions can be ended on the server, on every replica, before their cookies expire.</summary>
public sealed class AdminSessionTests
{
    [Fact]
    public async Task Sign_out_everywhere_ends_every_admin_session_on_every_poll_process()
    {
        var env = (await Settings.CreateAsync()).ToEnvironment();
        await using var first = AppProcess.Start(["--role", "poll"], env);
        await using var second = AppProcess.Start(["--role", "poll"], env);
        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());
        using var laptop = new FormBrowser(first.Address);
        using var lostPhone = new FormBrowser(second.Address);
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
        using var organiser = new FormBrowser(app.Address);
        await organiser.SignInAsync();

        // Someone else's browser: a form token of its own, but no session.
        using var stranger = new FormBrowser(app.Address);
        var (status, _) = await stranger.PostAsync("/admin", "/admin/sign-out-everywhere");
        Assert.Equal(HttpStatusCode.SeeOther, status);
        // A cross-site post without the token is refused outright.
        using var client = new HttpClient { BaseAddress = app.Address };
        using var forged = await client.PostAsync("/admin/sign-out-everywhere", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        Assert.True(await organiser.IsSignedInAsync());
    }

}
