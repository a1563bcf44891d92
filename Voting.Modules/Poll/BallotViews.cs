using System.Text;
using Voting.Storage;
using static Voting.Web.Html;

namespace Voting.Poll;

/// <summary>
/// The part of the vote page that is the ballot, by the poll's type, and the ballot as the voter cast
/// it. Every shape is a plain form, so it votes without JavaScript; vote.js sends the same fields as JSON.
/// </summary>
internal static class BallotViews
{
    /// <summary>The ballot's fields, ticked and filled as <paramref name="typed"/> says (a form drawn again after a 422).</summary>
    public static string Fields(PollDefinition poll, TypedBallot? typed = null) => poll.Type switch
    {
        PollType.Multiple => Multiple(poll, typed ?? TypedBallot.None),
        PollType.Rating => Rating(poll),
        PollType.Words => Words(poll, typed ?? TypedBallot.None),
        _ => Single(poll),
    };

    private static string Single(PollDefinition poll)
    {
        var body = new StringBuilder($"""<fieldset><legend class="sr-only">{E(poll.Question)}</legend>""");
        foreach (var option in poll.Options)
        {
            body.Append($"""
                <button type="submit" name="optionId" value="{E(option.Id)}" data-option-id="{E(option.Id)}" class="option">{E(option.Label)}</button>
                """);
        }
        return body.Append("</fieldset>").ToString();
    }

    private static string Multiple(PollDefinition poll, TypedBallot typed)
    {
        var max = poll.MaxChoices ?? poll.Options.Count;
        var body = new StringBuilder($"""<fieldset class="checks" data-max-choices="{max}"><legend class="choose">{ChooseUpTo(max, poll.Options.Count)}</legend>""");
        foreach (var option in poll.Options)
        {
            var id = E(option.Id);
            body.Append($"""
                <label class="check"><input type="checkbox" name="optionIds" value="{id}" data-choice-id="{id}"{(typed.OptionIds.Contains(option.Id, StringComparer.Ordinal) ? " checked" : "")}> <span>{E(option.Label)}</span></label>
                """);
        }
        return body.Append("""</fieldset><button type="submit" class="primary send" data-send>Vote</button>""").ToString();
    }

    private static string ChooseUpTo(int max, int options) =>
        max >= options ? "Choose any number" : max == 1 ? "Choose one" : $"Choose up to {max}";

    /// <summary>One big button per scale value, as single choice; the end labels say which end is which.</summary>
    private static string Rating(PollDefinition poll)
    {
        var body = new StringBuilder($"""<fieldset class="rating"><legend class="sr-only">{E(poll.Question)}</legend><div class="scale-row">""");
        foreach (var value in poll.Options)
        {
            var label = value.Id == poll.Options[0].Id ? poll.Scale?.MinLabel : value.Id == poll.Options[^1].Id ? poll.Scale?.MaxLabel : null;
            var name = label is null ? "" : $""" aria-label="{E(value.Label)}, {E(label)}" """;
            body.Append($"""
                <button type="submit" name="optionId" value="{E(value.Id)}" data-option-id="{E(value.Id)}" class="option scale-value"{name}>{E(value.Label)}</button>
                """);
        }
        body.Append("</div>");
        if (poll.Scale is { MinLabel: var low, MaxLabel: var high } && (low is not null || high is not null))
        {
            body.Append($"""<p class="scale-ends" aria-hidden="true"><span data-min-label>{E(low)}</span><span data-max-label>{E(high)}</span></p>""");
        }
        return body.Append("</fieldset>").ToString();
    }

    private static string Words(PollDefinition poll, TypedBallot typed)
    {
        var max = poll.MaxWords ?? 1;
        var body = new StringBuilder($"""<fieldset class="word-inputs"><legend class="choose">{(max == 1 ? "Your word" : $"Up to {max} words")} <span class="hint">each 1 to {WordText.MaxLength} characters</span></legend>""");
        for (var i = 1; i <= max; i++)
        {
            body.Append($"""
                <label class="sr-only" for="word-{i}">Word {i}</label><input id="word-{i}" name="words" autocomplete="off" autocapitalize="off" spellcheck="false" data-word-input{(i <= typed.Words.Count ? $" value=\"{E(typed.Words[i - 1])}\"" : "")}>
                """);
        }
        return body.Append("""</fieldset><button type="submit" class="primary send" data-send>Send</button>""").ToString();
    }

    /// <summary>The ballot as counted: the option or value, the options, or the words after normalisation.</summary>
    public static string Chosen(PollDefinition poll, Ballot ballot)
    {
        if (ballot.OptionId is { } one && poll.FindOption(one) is { } option)
        {
            return $"""<p class="choice">You voted <strong data-voted-option-id="{E(option.Id)}">{E(option.Label)}</strong>. You can change it any time.</p>""";
        }
        var body = new StringBuilder();
        if (ballot.Choices is { } choices)
        {
            body.Append("""<p class="choice">You voted for:</p><ul class="chosen" data-voted-choices>""");
            foreach (var option2 in poll.Options.Where(o => choices.Contains(o.Id, StringComparer.Ordinal)))
            {
                body.Append($"""<li data-voted-option-id="{E(option2.Id)}">{E(option2.Label)}</li>""");
            }
        }
        else
        {
            body.Append("""<p class="choice">Your words:</p><ul class="chosen" data-voted-words>""");
            foreach (var word in ballot.Words ?? [])
            {
                body.Append($"""<li data-voted-word="{E(word)}">{E(word)}</li>""");
            }
        }
        return body.Append("""</ul><p>You can change your vote any time.</p>""").ToString();
    }
}
