using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Voting.Storage;

/// <summary>What a words poll hides before anyone looks, under <c>Voting:Moderation</c>.</summary>
internal sealed class ModerationSettings : ISettings
{
    public static string SectionName => "Voting:Moderation";

    /// <summary>
    /// Words hidden by default in every words poll: a comma list (<c>idiot, spam</c>), or the path of a
    /// file (absolute, or starting with <c>./</c> or <c>../</c>) holding one per line or comma list.
    /// Entries are normalised as votes are; a submitted word is blocked when it equals an entry or one
    /// of its space-separated parts does ("big idiot" is blocked by "idiot").
    /// </summary>
    public string? BlockedWords { get; set; }

    /// <summary>Whether <see cref="BlockedWords"/> names a file rather than listing words.</summary>
    public bool NamesFile =>
        BlockedWords?.Trim() is { Length: > 0 } value
        && (Path.IsPathFullyQualified(value) || value.StartsWith("./", StringComparison.Ordinal) || value.StartsWith("../", StringComparison.Ordinal));
}

/// <summary>
/// The blocked words, normalised, read once at start. A word the organiser has neither hidden nor
/// shown is left out of results, pushes and the CSV when it matches; the organiser's Unhide shows it
/// anyway (the organiser's decision beats the list), Hide keeps it hidden if the list changes.
/// </summary>
internal sealed class BlockedWords
{
    /// <summary>The most entries kept: the list is sent with every top-words query.</summary>
    public const int MaxEntries = 10_000;

    public BlockedWords(IOptions<ModerationSettings> settings)
    {
        Entries = Parse(Read(settings.Value));
    }

    public BlockedWords(params string[] entries)
    {
        Entries = Parse(string.Join(',', entries));
    }

    /// <summary>For a terminal command, which has no host to validate at start.</summary>
    /// <exception cref="SettingException">The file cannot be read, or the list is too long.</exception>
    public static BlockedWords Of(ModerationSettings settings) =>
        new Validator().Validate(null, settings) is { Failed: true } result
            ? throw new SettingException("invalid setting: " + result.FailureMessage)
            : new BlockedWords(Options.Create(settings));

    /// <summary>Normalised, distinct, ordinal order (a query parameter).</summary>
    public string[] Entries { get; }

    /// <summary>Whether a stored (normalised) word is blocked: it or one of its parts is an entry.</summary>
    public bool Blocks(string word) =>
        Entries.Length > 0
        && (Array.BinarySearch(Entries, word, StringComparer.Ordinal) >= 0
            || word.Split(' ').Any(part => Array.BinarySearch(Entries, part, StringComparer.Ordinal) >= 0));

    /// <summary>
    /// The SQL condition, over <c>word</c> and <c>hidden</c> of <c>word_tallies</c>, for "shown":
    /// not hidden by the organiser, and either shown by the organiser or not blocked. Takes <c>@Blocked</c>.
    /// </summary>
    public const string ShownSql = "hidden IS NOT TRUE AND (hidden IS FALSE OR NOT (word = ANY(@Blocked) OR string_to_array(word, ' ') && @Blocked))";

    /// <summary>The SQL expression for "hidden" as the organiser's list shows it: the organiser's word, else the list's.</summary>
    public const string HiddenSql = "coalesce(hidden, word = ANY(@Blocked) OR string_to_array(word, ' ') && @Blocked)";

    private static string Read(ModerationSettings settings) =>
        settings.NamesFile ? File.ReadAllText(settings.BlockedWords!.Trim()) : settings.BlockedWords ?? string.Empty;

    private static string[] Parse(string text) =>
        text.Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(entry => !entry.StartsWith('#'))
            .Select(Normalized)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string? Normalized(string entry)
    {
        try
        {
            var word = WordText.Normalize(entry);
            return word.Length == 0 ? null : word;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A file that cannot be read, or a list too long, stops the start with the setting's name.</summary>
    internal sealed class Validator : IValidateOptions<ModerationSettings>
    {
        public ValidateOptionsResult Validate(string? name, ModerationSettings options)
        {
            string text;
            try
            {
                text = Read(options);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ValidateOptionsResult.Fail($"Voting__Moderation__BlockedWords: cannot read '{options.BlockedWords!.Trim()}': {e.Message}");
            }
            var count = Parse(text).Length;
            return count <= MaxEntries ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture, $"Voting__Moderation__BlockedWords: {count} entries, at most {MaxEntries}."));
        }
    }
}

internal static class ModerationRegistration
{
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        services.AddSettings<ModerationSettings>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModerationSettings>, BlockedWords.Validator>());
        services.TryAddSingleton<BlockedWords>();
        return services;
    }
}
