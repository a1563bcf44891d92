using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Result;

/// <summary>The results API, the live results page and the presenter view (their HTML is <see cref="ResultViews"/>).</summary>
internal static class ResultEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/results/{pollId}", Api);
        routes.MapGet("/results/{pollId}", Page);
        routes.MapGet("/results/{pollId}/present", Present);
    }

    private static async Task<Results<Ok<PollResults>, ProblemHttpResult>> Api(string pollId, ResultStore results, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, http);
        return snapshot is null ? Problems.Of(StatusCodes.Status404NotFound, "There is no such poll.") : TypedResults.Ok(snapshot);
    }

    private static async Task<IResult> Page(string pollId, ResultStore results, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, http);
        return snapshot is null ? NotFound() : Respond(ResultViews.Results(snapshot));
    }

    /// <summary>
    /// Full screen for a projector: the live chart and a QR code of the vote page. The vote page
    /// belongs to the poll role, which may live on another host: <c>Voting:PublicUrl</c> says where.
    /// </summary>
    private static async Task<IResult> Present(string pollId, ResultStore results, IOptions<WebSettings> web, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, http);
        if (snapshot is null)
        {
            return NotFound();
        }
        var voteUrl = ShareLink.VoteUrl(web.Value.PublicUrl, http.Request, snapshot.PollId);
        return Respond(ResultViews.Presenter(snapshot, voteUrl));
    }

    /// <summary>A poll's results; an unknown poll is answered from memory (<see cref="KnownPolls"/>), without a query.</summary>
    private static async Task<PollResults?> ReadAsync(string pollId, ResultStore results, HttpContext http)
    {
        var known = http.RequestServices.GetRequiredService<KnownPolls>();
        return await known.ExistsAsync(pollId, http.RequestAborted)
            ? await results.ReadAsync(pollId, http.RequestAborted)
            : null;
    }

    private static IResult NotFound() =>
        Respond(Html.NoSuchPoll(), 404);
}
