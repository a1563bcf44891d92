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

    /// <summary>What a ballot holds: one option, several, a scale value or words.</summary>
    public PollType Type { get; init; } = PollType.Single;

    /// <summary>For <see cref="PollType.Multiple"/>: how many options a ballot may hold (1 to the number of options).</summary>
    public int? MaxChoices { get; init; }

    /// <summary>For <see cref="PollType.Rating"/>: the scale, whose values are the options (ids "1", "2", …).</summary>
    public RatingScale? Scale { get; init; }

    /// <summary>For <see cref="PollType.Words"/>: how many words a ballot may hold (1 to 5).</summary>
    public int? MaxWords { get; init; }

    /// <summary>The event this poll belongs to, if any (it then keeps its place in the event's order).</summary>
    public string? EventId { get; init; }

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

/// <summary>The kinds of question: one option, up to N options, a value on a scale, or open words.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PollType>))]
internal enum PollType
{
    [JsonStringEnumMemberName("single")]
    Single,

    [JsonStringEnumMemberName("multiple")]
    Multiple,

    [JsonStringEnumMemberName("rating")]
    Rating,

    [JsonStringEnumMemberName("words")]
    Words,
}

internal static class PollTypes
{
    /// <summary>The words the API and the database use for each type.</summary>
    public static string Name(PollType type) => type switch
    {
        PollType.Multiple => "multiple",
        PollType.Rating => "rating",
        PollType.Words => "words",
        _ => "single",
    };

    public static bool TryParse(string? text, out PollType type)
    {
        type = text switch
        {
            "single" => PollType.Single,
            "multiple" => PollType.Multiple,
            "rating" => PollType.Rating,
            "words" => PollType.Words,
            _ => (PollType)(-1),
        };
        return Enum.IsDefined(type);
    }
}

/// <summary>A rating poll's scale: its values from <paramref name="Min"/> to <paramref name="Max"/> are its options' ids.</summary>
internal sealed record RatingScale(int Min, int Max)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MinLabel { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MaxLabel { get; init; }
}

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
    // A single-choice poll is shown exactly as before question types existed: no type, no settings.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PollType? Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxChoices { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RatingScale? Scale { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxWords { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EventId { get; init; }

    public static PollView Of(PollDefinition poll, DateTimeOffset now) =>
        new(poll.Id, poll.Question, poll.Options, poll.IsClosedAt(now), poll.CreatedAt, poll.ResultsVisibility, poll.ResultsVisibleAt(now), poll.ClosesAt)
        {
            Type = poll.Type == PollType.Single ? null : poll.Type,
            MaxChoices = poll.MaxChoices,
            Scale = poll.Scale,
            MaxWords = poll.MaxWords,
            EventId = poll.EventId,
        };
}

/// <summary>One option's count in a results snapshot.</summary>
internal sealed record OptionResult(string Id, string Label, long Votes);

/// <summary>One word's count in a words poll's results.</summary>
internal sealed record WordResult(string Text, long Votes);

/// <summary>
/// A rating poll's average: absent from other polls' results (<c>default</c>), <c>null</c> while a
/// rating poll has no ballot, else the mean rounded to two decimals.
/// </summary>
[JsonConverter(typeof(RatingAverageConverter))]
internal readonly record struct RatingAverage(bool Present, decimal? Value)
{
    public static RatingAverage Of(IReadOnlyList<OptionResult> scale, long total)
    {
        if (total == 0)
        {
            return new(true, null);
        }
        decimal sum = 0;
        foreach (var value in scale)
        {
            sum += int.Parse(value.Id, System.Globalization.CultureInfo.InvariantCulture) * (decimal)value.Votes;
        }
        return new(true, Math.Round(sum / total, 2, MidpointRounding.AwayFromZero));
    }
}

internal sealed class RatingAverageConverter : JsonConverter<RatingAverage>
{
    public override bool HandleNull => true;

    public override RatingAverage Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType == System.Text.Json.JsonTokenType.Null ? new(true, null) : new(true, reader.GetDecimal());

    public override void Write(System.Text.Json.Utf8JsonWriter writer, RatingAverage value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value.Value is { } average)
        {
            writer.WriteNumberValue(average);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// What the results API answers and the hub pushes when the results are visible (or to the
/// organiser). <see cref="Closed"/> counts a timer that has run out.
/// </summary>
internal sealed record PollResults(string PollId, string Question, IReadOnlyList<OptionResult> Options, long Total, bool Closed, DateTimeOffset AsOf)
{
    public PollType Type { get; init; } = PollType.Single;

    /// <summary>Rating polls only: the mean of the ballots' values (see <see cref="RatingAverage"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RatingAverage Average { get; init; }

    /// <summary>Words polls only: the most voted words shown, most votes first, ties by text.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WordResult>? Words { get; init; }

    public bool Hidden { get; init; }

    public DateTimeOffset? ClosesAt { get; init; }

    public ResultsVisibility ResultsVisibility { get; init; } = ResultsVisibility.Always;

    /// <summary>The organiser's reveal or hide, if any (a hidden poll that waits for its close says so only while this is null).</summary>
    public bool? ResultsRevealed { get; init; }

    /// <summary>
    /// For a page drawn while the results are hidden: the options' labels without their counts
    /// (every count 0 and <see cref="Hidden"/> set), so no view can show what it was not given. A
    /// words poll's words are left out altogether: which words were given is itself a result.
    /// </summary>
    public PollResults Redacted() => this with
    {
        Options = Options.Select(o => o with { Votes = 0 }).ToArray(),
        Average = Average.Present ? new RatingAverage(true, null) : default,
        Words = Words is null ? null : [],
        Hidden = true,
    };

    /// <summary>What anyone may see while the results are hidden: no figure per option, no average, no word.</summary>
    public HiddenResults WithoutCounts() =>
        new(PollId, Question, Total, AsOf) { Type = Type, Closed = Closed, ClosesAt = ClosesAt, ResultsVisibility = ResultsVisibility, ResultsRevealed = ResultsRevealed };
}

/// <summary>A poll's results while hidden from the audience: the question and the number of votes, nothing per option.</summary>
internal sealed record HiddenResults(string PollId, string Question, long Total, DateTimeOffset AsOf)
{
    public bool Hidden { get; } = true;

    public PollType Type { get; init; } = PollType.Single;

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

/// <summary>
/// A ballot on its way into the votes table. Version orders the ballots of one voter. Exactly one of
/// <see cref="OptionId"/> (single choice and rating), <see cref="Choices"/> (multiple choice: distinct
/// option ids) and <see cref="Words"/> (distinct normalised words) is set; the poll's type decides.
/// </summary>
internal readonly record struct VoteRow(string PollId, Guid VoterId, string? OptionId, DateTimeOffset CastAt, long Version)
{
    public IReadOnlyList<string>? Choices { get; init; }

    public IReadOnlyList<string>? Words { get; init; }
}

/// <summary>A poll's close as the worker meets it in the stream: no vote from <paramref name="Version"/> on counts.</summary>
internal readonly record struct CloseRow(string PollId, long Version, DateTimeOffset ClosedAt);
