using System.Text.Json.Serialization;

namespace Voting.Storage;

/// <summary>
/// A poll as every role sees it. <see cref="Closed"/> is a close someone asked for; a poll with a
/// <see cref="ClosesAt"/> also closes by itself at that time (<see cref="IsClosedAt"/>).
/// </summary>
internal sealed record PollDefinition(string Id, string Question, IReadOnlyList<PollOption> Options, bool Closed, DateTimeOffset CreatedAt)
{
    public ResultsVisibility ResultsVisibility { get; init; } = ResultsVisibility.Always;

    /// <summary>The organiser's reveal (true) or hide (false), which wins over the mode; null lets the mode decide.</summary>
    public bool? ResultsRevealed { get; init; }

    /// <summary>When the poll closes by itself (its timer), or null.</summary>
    public DateTimeOffset? ClosesAt { get; init; }

    public bool IsClosedAt(DateTimeOffset now) => Closed || ClosesAt <= now;

    public bool ResultsVisibleAt(DateTimeOffset now) => Visibility.IsVisible(ResultsVisibility, ResultsRevealed, IsClosedAt(now));

    public PollOption? FindOption(string optionId)
    {
        foreach (var option in Options)
        {
            if (string.Equals(option.Id, optionId, StringComparison.Ordinal))
            {
                return option;
            }
        }
        return null;
    }
}

internal sealed record PollOption(string Id, string Label);

/// <summary>A poll as <c>GET /api/polls/{id}</c> shows it at a moment: closed and visible as of <c>now</c>.</summary>
internal sealed record PollView(
    string Id,
    string Question,
    IReadOnlyList<PollOption> Options,
    bool Closed,
    DateTimeOffset CreatedAt,
    ResultsVisibility ResultsVisibility,
    bool ResultsVisible,
    DateTimeOffset? ClosesAt)
{
    public static PollView Of(PollDefinition poll, DateTimeOffset now) =>
        new(poll.Id, poll.Question, poll.Options, poll.IsClosedAt(now), poll.CreatedAt, poll.ResultsVisibility, poll.ResultsVisibleAt(now), poll.ClosesAt);
}

/// <summary>One option's count in a results snapshot.</summary>
internal sealed record OptionResult(string Id, string Label, long Votes);

/// <summary>
/// What the results API answers and the hub pushes when the results are visible (or to the
/// organiser). <see cref="Closed"/> counts a timer that has run out.
/// </summary>
internal sealed record PollResults(string PollId, string Question, IReadOnlyList<OptionResult> Options, long Total, bool Closed, DateTimeOffset AsOf)
{
    public bool Hidden { get; init; }

    public DateTimeOffset? ClosesAt { get; init; }

    public ResultsVisibility ResultsVisibility { get; init; } = ResultsVisibility.Always;

    /// <summary>The organiser's reveal or hide, if any (a hidden poll that waits for its close says so only while this is null).</summary>
    public bool? ResultsRevealed { get; init; }

    /// <summary>
    /// For a page drawn while the results are hidden: the options' labels without their counts
    /// (every count 0 and <see cref="Hidden"/> set), so no view can show what it was not given.
    /// </summary>
    public PollResults Redacted() => this with { Options = Options.Select(o => o with { Votes = 0 }).ToArray(), Hidden = true };

    /// <summary>What anyone may see while the results are hidden: no figure per option.</summary>
    public HiddenResults WithoutCounts() =>
        new(PollId, Question, Total, AsOf) { Closed = Closed, ClosesAt = ClosesAt, ResultsVisibility = ResultsVisibility, ResultsRevealed = ResultsRevealed };
}

/// <summary>A poll's results while hidden from the audience: the question and the number of votes, nothing per option.</summary>
internal sealed record HiddenResults(string PollId, string Question, long Total, DateTimeOffset AsOf)
{
    public bool Hidden { get; } = true;

    public bool Closed { get; init; }

    public DateTimeOffset? ClosesAt { get; init; }

    public ResultsVisibility ResultsVisibility { get; init; }

    public bool? ResultsRevealed { get; init; }
}

/// <summary>When a poll's distribution shows: at once, once the organiser reveals it, or once the poll closes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultsVisibility>))]
internal enum ResultsVisibility
{
    [JsonStringEnumMemberName("always")]
    Always,

    [JsonStringEnumMemberName("revealed")]
    Revealed,

    [JsonStringEnumMemberName("closed")]
    Closed,
}

internal static class Visibility
{
    /// <summary>The words the API and the database use for each mode.</summary>
    public static string Name(ResultsVisibility mode) => mode switch
    {
        ResultsVisibility.Revealed => "revealed",
        ResultsVisibility.Closed => "closed",
        _ => "always",
    };

    public static bool TryParse(string? text, out ResultsVisibility mode)
    {
        mode = text switch
        {
            "always" => ResultsVisibility.Always,
            "revealed" => ResultsVisibility.Revealed,
            "closed" => ResultsVisibility.Closed,
            _ => (ResultsVisibility)(-1),
        };
        return Enum.IsDefined(mode);
    }

    /// <summary>The organiser's reveal or hide wins; otherwise the mode decides.</summary>
    public static bool IsVisible(ResultsVisibility mode, bool? revealed, bool closed) =>
        revealed ?? mode switch
        {
            ResultsVisibility.Always => true,
            ResultsVisibility.Closed => closed,
            _ => false,
        };
}

/// <summary>A vote on its way into the votes table. Version orders the votes of one voter.</summary>
internal readonly record struct VoteRow(string PollId, Guid VoterId, string OptionId, DateTimeOffset CastAt, long Version);

/// <summary>A poll's close as the worker meets it in the stream: no vote from <paramref name="Version"/> on counts.</summary>
internal readonly record struct CloseRow(string PollId, long Version, DateTimeOffset ClosedAt);
