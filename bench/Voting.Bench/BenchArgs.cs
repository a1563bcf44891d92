using System.Globalization;

namespace Voting.Bench;

/// <summary>"--name value" pairs.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var parsed = new BenchArgs();
        string? name = null;
        foreach (var arg in args)
        {
            if (name is null && arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
            }
            else if (name is not null)
            {
                parsed._values[name] = arg;
                name = null;
            }
        }
        return parsed;
    }

    public string this[string name] =>
        _values.TryGetValue(name, out var value) ? value : throw new MissingArgumentException($"--{name} is required");

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    internal sealed class MissingArgumentException(string message) : Exception(message);
}

/// <summary>The one line bench/run.sh reads: "RESULT key=value …", invariant culture.</summary>
internal static class Report
{
    public static void Result(params (string Key, object Value)[] values) =>
        Console.WriteLine("RESULT " + string.Join(' ', values.Select(v => v.Key + "=" + Format(v.Value))));

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
