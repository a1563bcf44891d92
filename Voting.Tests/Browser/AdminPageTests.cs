using System.Net;
using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

public sealed class AdminPageTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    [Fact]
    public async Task The_organiser_signs_in_creates_a_poll_votes_on_it_and_closes_it_and_the_vote_page_then_refuses_votes()
    {
        output.WriteLine(site.Versions);
        await using var admin = await site.Browser.NewContextAsync();
        await admin.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = site.Address.GetLeftPart(UriPartial.Authority) });
        var page = await admin.NewPageAsync();
        var watch = PageWatch.On(page, dialogsAllowed: true);
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();

        // A wrong token is refused and sets no cookie.
        await page.GotoAsync(site.Url("/admin"));
        await page.GetByLabel("Admin token").FillAsync("not-the-token-at-all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That token is not right.");
        Assert.DoesNotContain(await admin.CookiesAsync(), c => c.Name == "voting-admin");

        await page.GetByLabel("Admin token").FillAsync(TestEnvironment.AdminToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New poll" })).ToBeVisibleAsync();
        // One session cookie for the admin pages, the same for the API routes they link to (the CSV), nowhere else.
        var cookies = (await admin.CookiesAsync()).Where(c => c.Name == "voting-admin").ToList();
        Assert.Equal(["/admin", "/api/polls"], cookies.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.Single(cookies.Select(c => c.Value).Distinct());
        foreach (var cookie in cookies)
        {
            Assert.True(cookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
            Assert.DoesNotContain(TestEnvironment.AdminToken, cookie.Value, StringComparison.Ordinal);
        }

        // The same rules as the API: one option is too few, and what was typed stays in the form.
        await page.GetByLabel("Question").FillAsync("Which colour for the stickers?");
        await page.GetByLabel("Options").FillAsync("Red");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator(".field-error")).ToHaveTextAsync("A poll has 2 to 10 options.");
        await Expect(page.GetByLabel("Question")).ToHaveValueAsync("Which colour for the stickers?");

        await page.GetByLabel("Options").FillAsync("Red\nGreen\n\n  Blue  \n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create poll" }).ClickAsync();
        await Expect(page.Locator("h1.question")).ToHaveTextAsync("Which colour for the stickers?");
        var pollId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        Assert.Equal(["Red", "Green", "Blue"], await page.Locator(".option-list li").AllTextContentsAsync());

        // Share link and QR code name the public address; the copy button puts the link on the clipboard.
        var voteUrl = $"{site.PublicUrl}/polls/{pollId}";
        await Expect(page.GetByLabel("Vote link")).ToHaveValueAsync(voteUrl);
        Assert.Equal(voteUrl, await QrImage.ReadAsync(page.Locator("img[data-qr]")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(page.Locator("[data-copy-status]")).ToHaveTextAsync("Link copied.");
        Assert.Equal(voteUrl, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // Someone votes; the poll list shows the count.
        await using var audience = await site.Browser.NewContextAsync();
        var voter = await audience.NewPageAsync();
        await voter.GotoAsync(voteUrl);
        await voter.Locator("button[data-option-id='green']").ClickAsync();
        await Expect(voter.Locator("[data-vote-status]")).ToHaveTextAsync("You voted Green — you can change it any time.");
        await Eventually.WaitAsync(async () => (await Api.ResultsAsync(site.Client, pollId)).Total == 1, TimeSpan.FromSeconds(10), "the vote to be counted");
        await page.GotoAsync(site.Url("/admin"));
        var listed = page.Locator($".admin-polls li[data-poll-id='{pollId}']");
        await Expect(listed.Locator("[data-poll-votes]")).ToHaveAttributeAsync("data-poll-votes", "1");
        await Expect(listed.Locator("[data-poll-state]")).ToHaveTextAsync("Open");

        // Close it from its page (after a confirmation).
        await listed.Locator(".poll-link").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Close this poll" }).ClickAsync();
        await Expect(page.Locator("[data-poll-closed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-poll-state]")).ToHaveTextAsync("Closed");

        // The vote page still open in the audience's browser is refused; reloaded, it says the poll is closed.
        await voter.Locator("button[data-option-id='red']").ClickAsync();
        await Expect(voter.Locator("[data-vote-status]")).ToHaveTextAsync("This poll is closed: it takes no more votes.");
        await Expect(voter.Locator("button[data-option-id='red']")).ToBeDisabledAsync();
        await voter.ReloadAsync();
        await Expect(voter.Locator(".notice.closed")).ToHaveTextAsync("This poll is closed.");
        await Expect(voter.Locator("button[data-option-id]")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.VoteAsync(site.Client, pollId, "red")).StatusCode);
        Assert.Equal(1, (await Api.ResultsAsync(site.Client, pollId)).Total);

        await page.GotoAsync(site.Url("/admin"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Admin token")).ToBeVisibleAsync();
        Assert.DoesNotContain(await admin.CookiesAsync(), c => c.Name == "voting-admin");
        watch.AssertClean();
    }

    [Fact]
    public async Task Admin_pages_need_a_session_cookie_and_admin_forms_need_the_antiforgery_token()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = site.Address };

        // Without a session: the sign-in form, never the polls.
        var home = await client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Admin token", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-store", home.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.SeeOther, (await client.GetAsync("/admin/polls/anything")).StatusCode);

        // A forged or tampered cookie is no session.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/admin");
        forged.Headers.Add("Cookie", "voting-admin=CfDJ8forgedvalue");
        Assert.DoesNotContain("New poll", await (await client.SendAsync(forged)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The right token, but no antiforgery token: refused, and no session cookie.
        var signIn = await client.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = TestEnvironment.AdminToken }));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(signIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("voting-admin=", StringComparison.Ordinal)));
        var create = await client.PostAsync("/admin/polls", new FormUrlEncodedContent(new Dictionary<string, string> { ["question"] = "Q?", ["options"] = "A\nB" }));
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
    }
}
