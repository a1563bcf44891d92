using System.Net;
using Microsoft.Playwright;
using Voting.Storage;
using Voting.Tests.Events;
using Voting.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Voting.Tests.Browser;

/// <summary>An audience page whose result process goes away and comes back, while the presenter moves on.</summary>
public sealed class EventReconnectTests(Chromium chromium, ITestOutputHelper output) : IClassFixture<Chromium>
{
    /// <summary>
    /// The page and its hub share one origin, so the process restarted here runs the poll and result
    /// roles together (the worker runs apart, in the test). While it is down the presenter moves on
    /// through another poll process (here: the store, as that process would write it).
    /// </summary>
    [Fact]
    public async Task A_phone_that_reconnects_after_the_result_process_restarts_lands_on_the_current_question()
    {
        output.WriteLine(chromium.Versions);
        var settings = await Settings.CreateAsync();
        await using var worker = await RoleApp.StartAsync("worker", settings);
        var port = AppProcess.FreePort();
        var app = AppProcess.Start(["--role", "poll,result"], settings.ToEnvironment(), port);
        AppProcess? restarted = null;
        try
        {
            await app.WaitUntilReadyAsync();
            using var client = new HttpClient { BaseAddress = app.Address };
            var (eventId, code) = await EventClient.CreateAsync(client, "Restart");
            var first = await EventClient.AddPollAsync(client, eventId, """{"question":"First?","options":["Yes","No"]}""");
            var second = await EventClient.AddPollAsync(client, eventId, """{"question":"Second, a rating?","type":"rating","scale":{"min":1,"max":3}}""");
            Assert.Equal(HttpStatusCode.NoContent, await EventClient.SetLiveAsync(client, eventId, first));

            await using var context = await chromium.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(app.Address, $"/e/{code}").ToString());
            await Expect(page.Locator("section.vote .question")).ToHaveTextAsync("First?");
            var connection = page.Locator("[data-connection]");
            await Expect(connection).ToHaveAttributeAsync("data-state", "live");

            Assert.Equal(0, await app.TerminateAsync(TimeSpan.FromSeconds(30)));
            await Expect(connection).ToHaveAttributeAsync("data-state", "reconnecting");
            Assert.Equal(LiveOutcome.Set, await worker.Service<EventStore>().SetLiveAsync(eventId, second, CancellationToken.None));

            restarted = AppProcess.Start(["--role", "poll,result"], settings.ToEnvironment(), port);
            await restarted.WaitUntilReadyAsync();
            await Expect(page.Locator("section.vote .question")).ToHaveTextAsync("Second, a rating?", new() { Timeout = 15_000 });
            await Expect(connection).ToHaveAttributeAsync("data-state", "live");
            await page.Locator("button[data-option-id='3']").ClickAsync();
            await Eventually.WaitAsync(async () => (await Api.ResultsAsync(client, second)).Total == 1, TimeSpan.FromSeconds(15), "the vote after the restart counted");
        }
        catch
        {
            output.WriteLine("First process:\n" + app.Output);
            output.WriteLine("Restarted process:\n" + restarted?.Output);
            throw;
        }
        finally
        {
            await app.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }
}
