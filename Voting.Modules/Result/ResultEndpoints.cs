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

    /// <summary>
    /// The results; while they are hidden, only the question and the number of votes, unless the
    /// request carries the admin Bearer token (then everything, still marked hidden). A wrong token
    /// is refused as on every admin route, so this is no way round the guess limit.
    /// </summary>
    private static async Task<IResult> Api(string pollId, ResultStore results, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, http);
        if (snapshot is null)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "There is no such poll.");
        }
        if (!snapshot.Hidden)
        {
            return TypedResults.Ok(snapshot);
        }
        // Hidden results vary with the caller: no shared cache may keep one caller's answer for another.
        http.Response.Headers.CacheControl = "no-store";
        if (http.Request.Headers.Authorization.Count == 0)
        {
            return TypedResults.Ok(snapshot.WithoutCounts());
        }
        return AdminToken.Check(http) ?? TypedResults.Ok(snapshot);
    }

    private static async Task<IResult> Page(string pollId, ResultStore results, HttpContext http)
    {
        var snapshot = await ReadAsync(pollId, results, http);
        return snapshot is null ? NotFound() : Respond(ResultViews.Results(Public(snapshot)));
    }

    /// <summary>What a page for the audience may carry: while hidden, no count at all.</summary>
    private static PollResults Public(PollResults snapshot) => snapshot.Hidden ? snapshot.Redacted() : snapshot;

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
        return Respond(ResultViews.Presenter(Public(snapshot), voteUrl));
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
