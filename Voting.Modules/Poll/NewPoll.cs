using System.Security.Cryptography;
using System.Text;
using Voting.Storage;
using Voting.Web;

namespace Voting.Poll;

/// <summary>Turns a request for a new poll into a valid definition, or says what is wrong with it.</summary>
internal static class NewPoll
{
    public const int MinOptions = 2;
    public const int MaxOptions = 10;
    public const int MaxQuestionLength = 300;
    public const int MaxLabelLength = 100;
    private const string IdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public const int MinScaleMax = 2;
    public const int MaxScaleMax = 10;
    public const int MaxScaleLabelLength = 40;
    public const int MaxWordsLimit = 5;
    public const int DefaultMaxWords = 3;

    /// <summary>Everything wrong with a request for a new poll, by field (empty when it is valid).</summary>
    public static Dictionary<string, string[]> Validate(CreatePollRequest request)
    {
        var known = PollTypes.TryParse(request.Type ?? "single", out var type);
        // Rating and words polls make their own options (or have none): the request must not bring any.
        var takesOptions = !known || type is PollType.Single or PollType.Multiple;
        var errors = takesOptions ? Validate(request.Id, request.Question, request.Options) : ValidateIdAndQuestion(request.Id, request.Question);
        if (!known)
        {
            errors["type"] = ["type is \"single\", \"multiple\", \"rating\" or \"words\"."];
        }
        else if (!takesOptions && request.Options is not null)
        {
            errors["options"] = [type == PollType.Rating
                ? "A rating poll takes no options: its options are the values of its scale."
                : "A words poll takes no options: voters give their own words."];
        }
        if (request.ResultsVisibility is not null && !Visibility.TryParse(request.ResultsVisibility, out _))
        {
            errors["resultsVisibility"] = ["resultsVisibility is \"always\", \"revealed\" or \"closed\"."];
        }
        if (request.EventId is not null && !Ids.IsValid(request.EventId))
        {
            errors["eventId"] = ["eventId names no event."];
        }
        if (request.DurationSeconds is < PollTimer.MinSeconds or > PollTimer.MaxSeconds)
        {
            errors["durationSeconds"] = [$"durationSeconds is a whole number of seconds from {PollTimer.MinSeconds} to {PollTimer.MaxSeconds}."];
        }
        if (request.MaxChoices is { } maxChoices)
        {
            if (known && type != PollType.Multiple)
            {
                errors["maxChoices"] = ["maxChoices is only for a poll of type \"multiple\"."];
            }
            else if (maxChoices < 1 || request.Options is { } options && maxChoices > options.Count)
            {
                errors["maxChoices"] = ["maxChoices is a whole number from 1 to the number of options."];
            }
        }
        if (request.Scale is { } scale)
        {
            if (known && type != PollType.Rating)
            {
                errors["scale"] = ["scale is only for a poll of type \"rating\"."];
            }
            else if (ScaleProblem(scale) is { } problem)
            {
                errors["scale"] = [problem];
            }
        }
        if (request.MaxWords is { } maxWords)
        {
            if (known && type != PollType.Words)
            {
                errors["maxWords"] = ["maxWords is only for a poll of type \"words\"."];
            }
            else if (maxWords is < 1 or > MaxWordsLimit)
            {
                errors["maxWords"] = [$"maxWords is a whole number from 1 to {MaxWordsLimit}."];
            }
        }
        return errors;
    }

    private static string? ScaleProblem(ScaleRequest scale)
    {
        if (scale.Min is not (null or 0 or 1))
        {
            return "scale.min is 0 or 1.";
        }
        if (scale.Max is < MinScaleMax or > MaxScaleMax)
        {
            return $"scale.max is a whole number from {MinScaleMax} to {MaxScaleMax}.";
        }
        foreach (var (name, label) in new[] { ("minLabel", scale.MinLabel), ("maxLabel", scale.MaxLabel) })
        {
            var trimmed = label?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                continue;
            }
            if (trimmed.Length > MaxScaleLabelLength)
            {
                return $"scale.{name} is at most {MaxScaleLabelLength} characters.";
            }
            if (PollText.Problem(trimmed) is { } problem)
            {
                return $"scale.{name} {problem}.";
            }
        }
        return null;
    }

    /// <summary>Builds the poll; call <see cref="Validate(CreatePollRequest)"/> first.</summary>
    public static PollDefinition Create(CreatePollRequest request, DateTimeOffset now)
    {
        var type = PollTypes.TryParse(request.Type, out var given) ? given : PollType.Single;
        var poll = type switch
        {
            PollType.Rating => Rating(request, now),
            PollType.Words => new PollDefinition(request.Id ?? RandomId(), request.Question!.Trim(), [], Closed: false, now) { MaxWords = request.MaxWords ?? DefaultMaxWords },
            _ => Create(request.Id, request.Question!, request.Options!, now),
        };
        return poll with
        {
            Type = type,
            MaxChoices = type == PollType.Multiple ? request.MaxChoices ?? poll.Options.Count : null,
            ResultsVisibility = Visibility.TryParse(request.ResultsVisibility, out var mode) ? mode : ResultsVisibility.Always,
            ClosesAt = request.DurationSeconds is { } seconds ? PollTimer.ClosingTime(now, seconds) : null,
            EventId = request.EventId,
        };
    }

    /// <summary>A rating poll: one option per value of its scale, the value as both id and label.</summary>
    private static PollDefinition Rating(CreatePollRequest request, DateTimeOffset now)
    {
        var scale = new RatingScale(request.Scale?.Min ?? 1, request.Scale?.Max ?? 5)
        {
            MinLabel = NullIfEmpty(request.Scale?.MinLabel),
            MaxLabel = NullIfEmpty(request.Scale?.MaxLabel),
        };
        var values = Enumerable.Range(scale.Min, scale.Max - scale.Min + 1)
            .Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(v => new PollOption(v, v))
            .ToArray();
        return new PollDefinition(request.Id ?? RandomId(), request.Question!.Trim(), values, Closed: false, now) { Scale = scale };
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static Dictionary<string, string[]> Validate(string? id, string? question, IReadOnlyList<string?>? labels)
    {
        var errors = ValidateIdAndQuestion(id, question);
        ValidateOptions(labels, errors);
        return errors;
    }

    private static Dictionary<string, string[]> ValidateIdAndQuestion(string? id, string? question)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (id is not null && !Ids.IsValid(id))
        {
            errors["id"] = [$"An id is 1 to {Ids.MaxLength} letters, digits, '-' or '_'."];
        }
        var q = question?.Trim();
        if (string.IsNullOrEmpty(q) || q.Length > MaxQuestionLength)
        {
            errors["question"] = [$"The question is 1 to {MaxQuestionLength} characters of text."];
        }
        else if (PollText.Problem(q) is { } problem)
        {
            errors["question"] = [$"The question {problem}."];
        }
        return errors;
    }

    private static void ValidateOptions(IReadOnlyList<string?>? labels, Dictionary<string, string[]> errors)
    {
        if (labels is null || labels.Count < MinOptions || labels.Count > MaxOptions)
        {
            errors["options"] = [$"A poll has {MinOptions} to {MaxOptions} options."];
        }
        else
        {
            var trimmed = labels.Select(l => l?.Trim()).ToArray();
            if (trimmed.Any(l => string.IsNullOrEmpty(l) || l.Length > MaxLabelLength))
            {
                errors["options"] = [$"Each option is 1 to {MaxLabelLength} characters of text."];
            }
            else if (trimmed.Select((l, i) => (Problem: PollText.Problem(l!), Position: i + 1)).FirstOrDefault(p => p.Problem is not null) is { Problem: { } problem } bad)
            {
                errors["options"] = [$"Option {bad.Position} {problem}."];
            }
            else if (trimmed.Select(l => PollText.Skeleton(l!)).Distinct(StringComparer.Ordinal).Count() != trimmed.Length)
            {
                errors["options"] = ["Options must differ from each other in what people see."];
            }
        }
    }

    /// <summary>Builds the poll; call <see cref="Validate"/> first.</summary>
    public static PollDefinition Create(string? id, string question, IReadOnlyList<string?> labels, DateTimeOffset now)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var options = new List<PollOption>(labels.Count);
        foreach (var raw in labels)
        {
            var label = raw!.Trim();
            options.Add(new PollOption(UniqueSlug(label, options.Count + 1, used), label));
        }
        return new PollDefinition(id ?? RandomId(), question.Trim(), options, Closed: false, now);
    }

    /// <summary>Eight characters without look-alikes (no l, o, 0, 1): about 40 bits.</summary>
    public static string RandomId() => RandomNumberGenerator.GetString(IdAlphabet, 8);

    /// <summary>An option id from its label: lower-case ASCII letters and digits joined by dashes.</summary>
    public static string Slug(string label)
    {
        var normalized = label.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(Math.Min(normalized.Length, 40));
        var dash = false;
        foreach (var c in normalized)
        {
            if (builder.Length >= 40)
            {
                break;
            }
            // "C#" and "C++" deserve ids of their own.
            var word = c switch { '#' => "sharp", '+' => "plus", _ => null };
            if (char.IsAsciiLetterOrDigit(c) || word is not null)
            {
                if (dash && builder.Length > 0)
                {
                    builder.Append('-');
                }
                builder.Append(word ?? char.ToLowerInvariant(c).ToString());
                dash = false;
            }
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                dash = true;
            }
        }
        return builder.ToString().TrimEnd('-');
    }

    private static string UniqueSlug(string label, int position, HashSet<string> used)
    {
        var slug = Slug(label);
        if (slug.Length == 0)
        {
            slug = $"option-{position}";
        }
        var candidate = slug;
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{slug}-{n}";
        }
        return candidate;
    }
}
