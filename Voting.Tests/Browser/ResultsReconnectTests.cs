using System.Net;
using Microsoft.Playwright;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

/// <summary>The result role as its own process, as in a cluster, stopped and started under an open page.</summary>
public sealed class ResultsReconnectTests(Chromium chromium, ITestOutputHelper output) : IClassFixture<Chromium>
{
    [Fact]
    public async Task The_results_page_shows_it_is_reconnecting_while_the_result_process_is_down_then_catches_up()
    {
        output.WriteLine(chromium.Versions);
        var settings = await Settings.CreateAsync();
        await using var poll = await RoleApp.StartAsync("poll,worker", settings);
        var port = AppProcess.FreePort();
        var result = AppProcess.Start(["--role", "result"], settings.ToEnvironment(), port);
        AppProcess? restarted = null;
        try
        {
            await result.WaitUntilReadyAsync();
            var created = await Api.CreatePollAsync(poll.Client, "Coffee or tea?", "Coffee", "Tea");
            await using var context = await chromium.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(result.Address, $"/results/{created.Id}").ToString());
            var connection = page.Locator("[data-connection]");
            await Expect(connection).ToHaveAttributeAsync("data-state", "live");
            Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(poll.Client, created.Id, "coffee")).StatusCode);
            await Expect(Count(page, "coffee")).ToHaveAttributeAsync("data-votes", "1");

            Assert.Equal(0, await result.TerminateAsync(TimeSpan.FromSeconds(30)));
            await Expect(connection).ToHaveAttributeAsync("data-state", "reconnecting");
            await Expect(connection).ToHaveTextAsync("Reconnecting…");

            // Votes cast while no result process runs.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.Accepted, (await Api.VoteAsync(poll.Client, created.Id, "tea")).StatusCode);
            }
            await Expect(connection).ToHaveAttributeAsync("data-state", "reconnecting");

            restarted = AppProcess.Start(["--role", "result"], settings.ToEnvironment(), port);
            await restarted.WaitUntilReadyAsync();
            var catchUp = new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 };
            await Expect(connection).ToHaveAttributeAsync("data-state", "live", catchUp);
            await Expect(Count(page, "tea")).ToHaveAttributeAsync("data-votes", "3", catchUp);
            await Expect(Count(page, "coffee")).ToHaveAttributeAsync("data-votes", "1");
            await Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", "4");
        }
        catch
        {
            output.WriteLine("First result process:\n" + result.Output);
            output.WriteLine("Second result process:\n" + restarted?.Output);
            throw;
        }
        finally
        {
            await result.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    private static ILocator Count(IPage page, string optionId) => page.Locator($"[data-option-id='{optionId}'] [data-votes]");
}
