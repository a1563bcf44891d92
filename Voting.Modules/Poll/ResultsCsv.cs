using System.Globalization;
using System.Text;
using Voting.Storage;

namespace Voting.Poll;

/// <summary>
/// A poll's results as CSV (RFC 4180: comma separated, CRLF line ends, fields with a comma, quote or
/// line break in double quotes, quotes doubled), one row per option (or scale value, or visible word
/// of a words poll, the word as both id and label) after a header row. A cell that
/// a spreadsheet would read as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab
/// or carriage return) gets a leading apostrophe, as OWASP's CSV injection advice says, so a label
/// like <c>=HYPERLINK("…")</c> arrives as text.
/// </summary>
internal static class ResultsCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public const string Header = "poll_id,question,option_id,label,votes,share";

    public static string Write(PollResults results)
    {
        var csv = new StringBuilder(Header.Length + 2 + results.Options.Count * 64);
        csv.Append(Header).Append("\r\n");
        var rows = results.Words is { } words ? words.Select(w => new OptionResult(w.Text, w.Text, w.Votes)) : results.Options;
        foreach (var option in rows)
        {
            // The share of voters who chose the option, 0 to 1 (a spreadsheet formats it as a percentage).
            var share = results.Total == 0 ? 0m : Math.Round((decimal)option.Votes / results.Total, 4);
            Cell(csv, results.PollId).Append(',');
            Cell(csv, results.Question).Append(',');
            Cell(csv, option.Id).Append(',');
            Cell(csv, option.Label).Append(',');
            csv.Append(option.Votes.ToString(CultureInfo.InvariantCulture)).Append(',');
            csv.Append(share.ToString("0.####", CultureInfo.InvariantCulture)).Append("\r\n");
        }
        return csv.ToString();
    }

    public static string FileName(string pollId) => $"poll-{pollId}-results.csv";

    private static StringBuilder Cell(StringBuilder csv, string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return csv.Append(value);
        }
        return csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
