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
        <section class="results {PollTypes.Name(snapshot.Type)}" {Data(snapshot)}>
        <h1 class="question">{E(snapshot.Question)}</h1>
        {Countdown(snapshot)}
        {Chart(snapshot)}
        <p class="links"><a class="button" href="/polls/{E(snapshot.PollId)}">Vote</a>
        <a class="secondary" href="/results/{E(snapshot.PollId)}/present">Presenter view</a></p>
        </section>
        """;

    internal static string RenderPresenter(PollResults snapshot, string voteUrl) => $"""
        <section class="results presenter {PollTypes.Name(snapshot.Type)}" {Data(snapshot)}>
        <div class="stage">
        <h1 class="question">{E(snapshot.Question)}</h1>
        {Countdown(snapshot)}
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

    /// <summary>
    /// What the script needs: the poll, the hub, the server's clock (a countdown must not trust the
    /// device's), and whether the counts are hidden. A hidden page is drawn without figures at all.
    /// </summary>
    private static string Data(PollResults snapshot) =>
        $"""data-poll-id="{E(snapshot.PollId)}" data-hub="/hubs/results" data-server-now="{snapshot.AsOf.ToUnixTimeMilliseconds()}" data-closes-at="{TimeText.Millis(snapshot.ClosesAt)}" data-type="{PollTypes.Name(snapshot.Type)}"{(snapshot.Hidden ? " data-hidden" : "")}""";

    /// <summary>The closing time in words for a page without JavaScript; the script turns it into a countdown.</summary>
    private static string Countdown(PollResults snapshot) => snapshot.ClosesAt is { } at && !snapshot.Closed
        ? $"""<p class="countdown" data-countdown>Voting closes at {TimeText.Utc(at)}.</p>"""
        : """<p class="countdown" data-countdown hidden></p>""";

    /// <summary>
    /// While hidden, the audience learns when the counts will show: at the close for a poll that
    /// waits for it, otherwise when the presenter decides (the mode says so, or the organiser hid them).
    /// </summary>
    internal static string WaitingFor(PollResults snapshot) =>
        snapshot.ResultsVisibility == ResultsVisibility.Closed && !snapshot.Closed && snapshot.ResultsRevealed is null
            ? "Results appear when the poll closes."
            : "Results appear when the presenter reveals them.";

    private static string Chart(PollResults snapshot)
    {
        var body = new StringBuilder();
        body.Append($"""
            <p class="notice closed" data-closed {(snapshot.Closed ? "" : "hidden")}>This poll is closed.</p>
            <p class="notice waiting" data-waiting role="status" {(snapshot.Hidden ? "" : "hidden")}>{(snapshot.Hidden ? WaitingFor(snapshot) : "")}</p>
            """);
        if (snapshot.Type == PollType.Words)
        {
            body.Append(WordCloud.Render(snapshot));
        }
        else
        {
            body.Append(Average(snapshot));
            body.Append(Bars(snapshot));
        }
        body.Append($"""
            <p class="summary"><span class="total"><strong data-total="{snapshot.Total}">{snapshot.Total}</strong> <span data-total-unit>{(snapshot.Total == 1 ? "vote" : "votes")}</span></span>
            <span class="connection" data-connection data-state="connecting" role="status" hidden>Connecting…</span></p>
            <p class="sr-only" aria-live="polite" data-announce></p>
            """);
        return body.ToString();
    }

    /// <summary>A rating poll's average, large on the presenter view; empty while hidden or before the first ballot.</summary>
    private static string Average(PollResults snapshot)
    {
        if (snapshot.Type != PollType.Rating)
        {
            return "";
        }
        var value = snapshot.Hidden ? null : snapshot.Average.Value;
        var text = value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "";
        return $"""<p class="average" data-average-box{(value is null ? " hidden" : "")}>Average <strong data-average="{text}">{text}</strong></p>""";
    }

    private static string Bars(PollResults snapshot)
    {
        var body = new StringBuilder("""<ol class="bars">""");
        foreach (var option in snapshot.Options)
        {
            body.Append($"""
                <li class="bar-row" data-option-id="{E(option.Id)}">
                <span class="label">{E(option.Label)}</span>
                {Figures(snapshot, option)}
                </li>
                """);
        }
        return body.Append("</ol>").ToString();
    }

    /// <summary>A hidden poll's rows carry no figure at all (not even a zero): the script adds them on the reveal.</summary>
    private static string Figures(PollResults snapshot, OptionResult option)
    {
        if (snapshot.Hidden)
        {
            return """<span class="figures" data-figures></span><span class="bar" aria-hidden="true"><span class="fill"></span></span>""";
        }
        var percent = Percent(option.Votes, snapshot.Total);
        return $"""
            <span class="figures" data-figures><span class="count" data-votes="{option.Votes}">{option.Votes}</span> <span class="percent">{percent}%</span></span>
            <span class="bar" aria-hidden="true"><span class="fill" data-percent="{percent}"></span></span>
            """;
    }

    internal static string Percent(long votes, long total) =>
        total == 0 ? "0" : Math.Round(100.0 * votes / total).ToString(CultureInfo.InvariantCulture);
}
