using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Voting.Storage;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>The question type's fields on the new-poll form, as typed (text, so a bad number is shown back as it was).</summary>
internal sealed record QuestionFields(
    string? Type = null, string? MaxChoices = null, string? ScaleMin = null, string? ScaleMax = null,
    string? MinLabel = null, string? MaxLabel = null, string? MaxWords = null);

/// <summary>
/// The admin pages' parts for question types: the type choice with each type's fields (all shown, in
/// groups named by type, so the form needs no script), and a words poll's words with Hide and Unhide.
/// </summary>
internal static class AdminTypeViews
{
    private static readonly (string Value, string Text)[] Types =
    [
        ("single", "Single choice"),
        ("multiple", "Multiple choice"),
        ("rating", "Rating scale"),
        ("words", "Word cloud"),
    ];

    public static string TypeChoice(QuestionFields form, string? error)
    {
        var chosen = form.Type is { Length: > 0 } value ? value : "single";
        var body = new StringBuilder($"""<fieldset class="choices" data-type-choice{AdminViews.Invalid(error, "type")}><legend>Kind of question</legend>""");
        foreach (var (type, text) in Types)
        {
            body.Append($"""<label><input type="radio" name="type" value="{type}"{(type == chosen ? " checked" : "")}> {E(text)}</label>""");
        }
        if (error is not null)
        {
            body.Append($"""<p class="field-error" id="type-error">{E(error)}</p>""");
        }
        return body.Append("</fieldset>").ToString();
    }

    public static string TypeFields(QuestionFields form, Func<string, string?> error) => $"""
        <fieldset class="type-fields" data-fields-for="multiple"><legend>Multiple choice</legend>
        {AdminViews.Field(error("maxChoices"), "max-choices", """<label for="max-choices">Choose up to <span class="hint">empty: no limit</span></label>""",
            $"""<input id="max-choices" name="maxChoices" type="number" inputmode="numeric" min="1" max="{NewPoll.MaxOptions}" step="1" value="{E(form.MaxChoices)}"{AdminViews.Invalid(error("maxChoices"), "max-choices")}>""")}
        </fieldset>
        <fieldset class="type-fields" data-fields-for="rating"><legend>Rating scale</legend>
        {AdminViews.Field(error("scale"), "scale", """<label for="scale-min">From <span class="hint">0 or 1 (empty: 1)</span></label>""",
            $"""<input id="scale-min" name="scaleMin" type="number" inputmode="numeric" min="0" max="1" step="1" value="{E(form.ScaleMin)}"{AdminViews.Invalid(error("scale"), "scale")}>""")}
        <div class="field"><label for="scale-max">To <span class="hint">2 to 10 (empty: 5)</span></label>
        <input id="scale-max" name="scaleMax" type="number" inputmode="numeric" min="2" max="10" step="1" value="{E(form.ScaleMax)}"></div>
        <div class="field"><label for="min-label">Label of the low end <span class="hint">optional, up to 40 characters</span></label>
        <input id="min-label" name="minLabel" maxlength="40" placeholder="Not at all" value="{E(form.MinLabel)}"></div>
        <div class="field"><label for="max-label">Label of the high end <span class="hint">optional, up to 40 characters</span></label>
        <input id="max-label" name="maxLabel" maxlength="40" placeholder="Very much" value="{E(form.MaxLabel)}"></div>
        </fieldset>
        <fieldset class="type-fields" data-fields-for="words"><legend>Word cloud</legend>
        {AdminViews.Field(error("maxWords"), "max-words", """<label for="max-words">Words per person <span class="hint">1 to 5 (empty: 3)</span></label>""",
            $"""<input id="max-words" name="maxWords" type="number" inputmode="numeric" min="1" max="5" step="1" value="{E(form.MaxWords)}"{AdminViews.Invalid(error("maxWords"), "max-words")}>""")}
        </fieldset>
        """;

    /// <summary>Every word given in a words poll, most given first, each with a Hide or Unhide form.</summary>
    public static string Words(AntiforgeryTokenSet tokens, PollDefinition poll, SubmittedWords.List words)
    {
        var id = E(poll.Id);
        var body = new StringBuilder("""<section class="card moderation" aria-labelledby="words"><h2 id="words">Words</h2>""");
        if (words.Unavailable)
        {
            return body.Append("""<p class="notice" role="status">The words are unavailable right now (the database does not answer).</p></section>""").ToString();
        }
        if (words.Words.Count == 0)
        {
            return body.Append("""<p class="muted" data-no-words>No words yet.</p></section>""").ToString();
        }
        body.Append("""<ul class="word-list">""");
        foreach (var word in words.Words)
        {
            var action = word.Hidden ? "unhide" : "hide";
            body.Append($"""
                <li data-word="{E(word.Text)}" data-hidden="{(word.Hidden ? "true" : "false")}"><span class="word-text">{E(word.Text)}</span>
                <span class="muted">{word.Votes} {(word.Votes == 1 ? "vote" : "votes")}{(word.Blocked ? ", hidden (blocked word)" : word.Hidden ? ", hidden" : "")}</span>
                <form method="post" action="/admin/polls/{id}/words/{action}">{AdminViews.Hidden(tokens)}<input type="hidden" name="text" value="{E(word.Text)}">
                <button type="submit" class="plain" data-{action}-word>{(word.Hidden ? "Unhide" : "Hide")}<span class="sr-only"> {E(word.Text)}</span></button></form></li>
                """);
        }
        body.Append("</ul>");
        if (words.More)
        {
            body.Append($"""<p class="muted">Showing the {SubmittedWords.Limit} most given words.</p>""");
        }
        return body.Append("</section>").ToString();
    }
}
