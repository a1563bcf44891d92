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

    /// <summary>Everything wrong with a request for a new poll, by field (empty when it is valid).</summary>
    public static Dictionary<string, string[]> Validate(CreatePollRequest request)
    {
        var errors = Validate(request.Id, request.Question, request.Options);
        if (request.ResultsVisibility is not null && !Visibility.TryParse(request.ResultsVisibility, out _))
        {
            errors["resultsVisibility"] = ["resultsVisibility is \"always\", \"revealed\" or \"closed\"."];
        }
        if (request.DurationSeconds is < PollTimer.MinSeconds or > PollTimer.MaxSeconds)
        {
            errors["durationSeconds"] = [$"durationSeconds is a whole number of seconds from {PollTimer.MinSeconds} to {PollTimer.MaxSeconds}."];
        }
        return errors;
    }

    /// <summary>Builds the poll; call <see cref="Validate(CreatePollRequest)"/> first.</summary>
    public static PollDefinition Create(CreatePollRequest request, DateTimeOffset now) =>
        Create(request.Id, request.Question!, request.Options!, now) with
        {
            ResultsVisibility = Visibility.TryParse(request.ResultsVisibility, out var mode) ? mode : ResultsVisibility.Always,
            ClosesAt = request.DurationSeconds is { } seconds ? PollTimer.ClosingTime(now, seconds) : null,
        };

    public static Dictionary<string, string[]> Validate(string? id, string? question, IReadOnlyList<string?>? labels)
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
        return errors;
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
