using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Result;

/// <summary>The results API and the live results page.</summary>
internal static class ResultPages
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/results/{pollId}", Api);
        routes.MapGet("/results/{pollId}", Page);
    }

    private static async Task<Results<Ok<PollResults>, ProblemHttpResult>> Api(string pollId, ResultStore results, NpgsqlDataSource dataSource, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, dataSource, http.RequestAborted);
        return snapshot is null ? Problems.Of(StatusCodes.Status404NotFound, "There is no such poll.") : TypedResults.Ok(snapshot);
    }

    private static async Task<IResult> Page(string pollId, ResultStore results, NpgsqlDataSource dataSource, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, dataSource, http.RequestAborted);
        if (snapshot is null)
        {
            return Respond(Html.Page("No such poll", """<h1>No such poll</h1><p>This poll does not exist. <a href="/">See the open polls</a>.</p>"""), 404);
        }
        return Respond(Html.Page(snapshot.Question, Render(snapshot), "results.js"));
    }

    private static async Task<PollResults?> ReadAsync(string pollId, ResultStore results, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        Ids.IsValid(pollId) ? await Transient.RetryOnceAsync(dataSource, ct => results.ReadAsync(pollId, ct), cancellationToken) : null;

    /// <summary>Counts are in the HTML the server sends, so the page is right before any script runs.</summary>
    internal static string Render(PollResults snapshot)
    {
        var body = new StringBuilder();
        body.Append($"""
            <section class="results" data-poll-id="{E(snapshot.PollId)}" data-hub="/hubs/results">
            <h1 class="question">{E(snapshot.Question)}</h1>
            <p class="notice closed" data-closed {(snapshot.Closed ? "" : "hidden")}>This poll is closed.</p>
            <ol class="bars">
            """);
        foreach (var option in snapshot.Options)
        {
            var percent = Percent(option.Votes, snapshot.Total);
            body.Append($"""
                <li class="bar-row" data-option-id="{E(option.Id)}">
                <span class="label">{E(option.Label)}</span>
                <span class="figures"><span class="count" data-votes="{option.Votes}">{option.Votes}</span> · <span class="percent">{percent}%</span></span>
                <span class="bar" aria-hidden="true"><span class="fill" data-percent="{percent}"></span></span>
                </li>
                """);
        }
        body.Append($"""
            </ol>
            <p class="total">Total: <strong data-total="{snapshot.Total}">{snapshot.Total}</strong> votes</p>
            <p class="connection" data-connection role="status" aria-live="polite">Live</p>
            <p class="sr-only" aria-live="polite" data-announce></p>
            <p><a class="secondary" href="/polls/{E(snapshot.PollId)}">Vote</a></p>
            </section>
            """);
        return body.ToString();
    }

    internal static string Percent(long votes, long total) =>
        total == 0 ? "0" : Math.Round(100.0 * votes / total).ToString(CultureInfo.InvariantCulture);
}
