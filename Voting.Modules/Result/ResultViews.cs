using System.Globalization;
using System.Text;
using Voting.Storage;
using Voting.Web;
using static Voting.Web.Html;

namespace Voting.Result;

/// <summary>The HTML of the live results page and the presenter view; their script keeps the counts live.</summary>
internal static class ResultViews
{
    /// <summary>The page's script needs the SignalR client loaded before it.</summary>
    private static readonly string[] Scripts = ["signalr.min.js", "results.js"];

    public static string Results(PollResults snapshot) => Page(snapshot.Question, Render(snapshot), Scripts);

    public static string Presenter(PollResults snapshot, string voteUrl) =>
        Page(snapshot.Question, RenderPresenter(snapshot, voteUrl), Scripts, bodyClass: "present");

    /// <summary>Counts are in the HTML the server sends, so the page is right before any script runs.</summary>
    internal static string Render(PollResults snapshot) => $"""
        <section class="results" data-poll-id="{E(snapshot.PollId)}" data-hub="/hubs/results">
        <h1 class="question">{E(snapshot.Question)}</h1>
        {Chart(snapshot)}
        <p class="links"><a class="button" href="/polls/{E(snapshot.PollId)}">Vote</a>
        <a class="secondary" href="/results/{E(snapshot.PollId)}/present">Presenter view</a></p>
        </section>
        """;

    internal static string RenderPresenter(PollResults snapshot, string voteUrl) => $"""
        <section class="results presenter" data-poll-id="{E(snapshot.PollId)}" data-hub="/hubs/results">
        <div class="stage">
        <h1 class="question">{E(snapshot.Question)}</h1>
        {Chart(snapshot)}
        </div>
        <aside class="join" aria-label="How to vote">
        <p class="join-title">Vote on your phone</p>
        <img class="qr" data-qr src="{ShareLink.QrDataUri(voteUrl)}" alt="QR code of {E(voteUrl)}" width="280" height="280">
        <p class="vote-url" data-vote-url>{BreakablePath(voteUrl)}</p>
        <button type="button" class="fullscreen" data-fullscreen hidden>Full screen</button>
        </aside>
        </section>
        """;

    /// <summary>A long address wraps before its path rather than in the middle of a word.</summary>
    private static string BreakablePath(string url) => E(url).Replace("/polls/", "/<wbr>polls/<wbr>", StringComparison.Ordinal);

    private static string Chart(PollResults snapshot)
    {
        var body = new StringBuilder();
        body.Append($"""
            <p class="notice closed" data-closed {(snapshot.Closed ? "" : "hidden")}>This poll is closed.</p>
            <ol class="bars">
            """);
        foreach (var option in snapshot.Options)
        {
            var percent = Percent(option.Votes, snapshot.Total);
            body.Append($"""
                <li class="bar-row" data-option-id="{E(option.Id)}">
                <span class="label">{E(option.Label)}</span>
                <span class="figures"><span class="count" data-votes="{option.Votes}">{option.Votes}</span> <span class="percent">{percent}%</span></span>
                <span class="bar" aria-hidden="true"><span class="fill" data-percent="{percent}"></span></span>
                </li>
                """);
        }
        body.Append($"""
            </ol>
            <p class="summary"><span class="total"><strong data-total="{snapshot.Total}">{snapshot.Total}</strong> <span data-total-unit>{(snapshot.Total == 1 ? "vote" : "votes")}</span></span>
            <span class="connection" data-connection data-state="connecting" role="status" hidden>Connecting…</span></p>
            <p class="sr-only" aria-live="polite" data-announce></p>
            """);
        return body.ToString();
    }

    internal static string Percent(long votes, long total) =>
        total == 0 ? "0" : Math.Round(100.0 * votes / total).ToString(CultureInfo.InvariantCulture);
}
