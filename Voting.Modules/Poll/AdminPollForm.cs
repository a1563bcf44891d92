using System.Globalization;
using Voting.Web;

namespace Voting.Poll;

/// <summary>
/// Turns the new-poll form into the API's request, so both are checked by the same rules
/// (<see cref="PollCreation"/>). Only the chosen type's fields are sent: the form shows every type's
/// fields at once (no script needed), and what was typed under another type is left out.
/// </summary>
internal static class AdminPollForm
{
    public static CreatePollRequest Request(string? question, string? options, QuestionFields kind)
    {
        var type = string.IsNullOrEmpty(kind.Type) ? "single" : kind.Type;
        var choice = type is "single" or "multiple";
        var request = new CreatePollRequest(null, question, choice ? AdminEndpoints.SplitLines(options) : null) { Type = type };
        return type switch
        {
            "multiple" => request with { MaxChoices = Number(kind.MaxChoices) },
            "rating" => request with
            {
                Scale = new ScaleRequest
                {
                    Min = Number(kind.ScaleMin) ?? 1,
                    Max = Number(kind.ScaleMax) ?? 5,
                    MinLabel = Blank(kind.MinLabel),
                    MaxLabel = Blank(kind.MaxLabel),
                },
            },
            "words" => request with { MaxWords = Number(kind.MaxWords) },
            _ => request,
        };
    }

    /// <summary>Empty is "not given"; text that is no whole number is as out of range as -1.</summary>
    private static int? Number(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
