using System.Text.RegularExpressions;

namespace Voting.Tests.Monitoring;

/// <summary>Just enough PromQL reading to list the metric names an expression selects.</summary>
internal static partial class PromQL
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    };

    /// <summary>The metric names in an expression: identifiers that are not functions, keywords, labels or numbers.</summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Strings().Replace(expr, "\"\"");
        text = Grouping().Replace(text, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            var after = text[(m.Index + m.Length)..].TrimStart();
            if (!after.StartsWith('(') && !Keywords.Contains(m.Value) && m.Value is not ("Inf" or "NaN" or "inf" or "nan"))
            {
                names.Add(m.Value);
            }
        }
        return names;
    }

    /// <summary>The names a histogram or counter series can take on /metrics.</summary>
    public static IEnumerable<string> ExposedNames(string name, bool histogram) =>
        histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name];

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
