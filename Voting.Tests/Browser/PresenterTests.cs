using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

public sealed class PresenterTests(Site site, ITestOutputHelper output) : IClassFixture<Site>
{
    [Fact]
    public async Task The_presenter_view_shows_a_QR_code_that_decodes_to_the_vote_page_URL()
    {
        output.WriteLine(site.Versions);
        var poll = await Api.CreatePollAsync(site.Client, "Which talk next?", "Kubernetes", "Postgres", "Redis");
        await using var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 720 } });
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);
        await page.GotoAsync(site.Url($"/results/{poll.Id}/present"));

        // Voting:PublicUrl names the vote pages, not the address this page was reached by.
        var expected = $"{site.PublicUrl}/polls/{poll.Id}";
        var qr = page.Locator("img[data-qr]");
        await Expect(qr).ToBeVisibleAsync();
        Assert.Equal(expected, await QrImage.ReadAsync(qr));
        await Expect(page.Locator("[data-vote-url]")).ToHaveTextAsync(expected);
        var box = await qr.BoundingBoxAsync();
        Assert.True(box is { Width: >= 200 }, $"the QR code is {box?.Width} px wide: too small to scan from a room");

        // The chart on the presenter view is live as well.
        await Expect(page.Locator("[data-connection]")).ToHaveAttributeAsync("data-state", "live");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await Api.VoteAsync(site.Client, poll.Id, "redis")).StatusCode);
        await Expect(page.Locator("[data-option-id='redis'] [data-votes]")).ToHaveAttributeAsync("data-votes", "1");

        // And the link in the code leads to the vote page.
        var phone = await context.NewPageAsync();
        await phone.GotoAsync(expected);
        await Expect(phone.Locator("h1.question")).ToHaveTextAsync("Which talk next?");
        await Expect(phone.Locator("button[data-option-id]")).ToHaveCountAsync(3);
        watch.AssertClean();
    }
}
