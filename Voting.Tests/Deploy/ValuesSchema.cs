using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Voting.Tests.Deploy;

/// <summary>
/// The part of JSON Schema that Helm applies to a chart's values and that deploy/ needs: object
/// properties, closed objects (additionalProperties: false) or a schema for every extra key,
/// scalar types and enumerations. Values are read with YAML's own typing of plain scalars (as
/// Helm's YAML reader does: true/false/yes/no/on/off are booleans, digits are integers).
/// </summary>
internal abstract record ValuesSchema
{
    /// <summary>A mapping. Keys not in <paramref name="Properties"/> are checked against <paramref name="Extra"/>, or refused when it is null.</summary>
    internal sealed record Map(IReadOnlyDictionary<string, ValuesSchema> Properties, ValuesSchema? Extra) : ValuesSchema;

    /// <summary>A scalar, a list or a free-form value, of one of these JSON types.</summary>
    internal sealed record Value(IReadOnlyList<string> Types, IReadOnlyList<string>? Enum = null) : ValuesSchema;

    public static Map Closed(params (string Key, ValuesSchema Schema)[] properties) =>
        new(properties.ToDictionary(p => p.Key, p => p.Schema, StringComparer.Ordinal), null);

    /// <summary>An object the chart leaves open: any other key passes, typed as given.</summary>
    public static Map Open(params (string Key, ValuesSchema Schema)[] properties) =>
        new(properties.ToDictionary(p => p.Key, p => p.Schema, StringComparer.Ordinal), Any);

    public static Value Of(params string[] types) => new(types);

    public static Value OneOf(params string?[] values) =>
        new(values.Contains(null) ? ["string", "null"] : ["string"], [.. values.Select(v => v ?? "null")]);

    public static readonly Value Any = new(["object", "array", "string", "integer", "number", "boolean", "null"]);
    public static readonly Value Bool = new(["boolean"]);
    public static readonly Value Int = new(["integer"]);
    public static readonly Value Str = new(["string"]);
    public static readonly Value List = new(["array"]);
    public static readonly Value FreeMap = new(["object"]);

    /// <summary>Every place the values break the schema, one line each ("ports.web.redirections: not allowed").</summary>
    public IReadOnlyList<string> Validate(YamlNode? node, string path = "")
    {
        var errors = new List<string>();
        Check(this, node, path, errors);
        return errors;
    }

    private static void Check(ValuesSchema schema, YamlNode? node, string path, List<string> errors)
    {
        var type = TypeOf(node);
        switch (schema)
        {
            case Map map when node is YamlMappingNode mapping:
                foreach (var (keyNode, child) in mapping.Children)
                {
                    var key = ((YamlScalarNode)keyNode).Value ?? "";
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (map.Properties.TryGetValue(key, out var known))
                    {
                        Check(known, child, childPath, errors);
                    }
                    else if (map.Extra is { } extra)
                    {
                        Check(extra, child, childPath, errors);
                    }
                    else
                    {
                        errors.Add($"{childPath}: not allowed (additionalProperties: false)");
                    }
                }

                break;
            case Map when type == "null":
                break; // Helm's null removes a default: allowed anywhere
            case Map:
                errors.Add($"{path}: is {type}, wants object");
                break;
            case Value value:
                var accepted = value.Types.Contains(type) || (type == "integer" && value.Types.Contains("number"));
                if (!accepted)
                {
                    errors.Add($"{path}: is {type}, wants {string.Join(" or ", value.Types)}");
                }
                else if (value.Enum is { } allowed && node is YamlScalarNode s && !allowed.Contains(type == "null" ? "null" : s.Value ?? ""))
                {
                    errors.Add($"{path}: '{s.Value}' is not one of {string.Join(", ", allowed)}");
                }

                break;
        }
    }

    /// <summary>The JSON type Helm sees for a YAML node.</summary>
    public static string TypeOf(YamlNode? node) => node switch
    {
        null => "null",
        YamlMappingNode => "object",
        YamlSequenceNode => "array",
        YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } => "string",
        YamlScalarNode s => PlainType(s.Value ?? ""),
        _ => "unknown",
    };

    private static string PlainType(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return "null";
        }

        if (Regex.IsMatch(text, "^(true|false|yes|no|on|off|y|n)$", RegexOptions.IgnoreCase))
        {
            return "boolean";
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return "integer";
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "number" : "string";
    }

    /// <summary>Helm's merge of several values files: maps merge key by key, anything else is replaced.</summary>
    public static YamlNode? Merge(YamlNode? under, YamlNode? over)
    {
        if (under is not YamlMappingNode a || over is not YamlMappingNode b)
        {
            return over;
        }

        var merged = new YamlMappingNode();
        foreach (var (k, v) in a.Children)
        {
            merged.Children[k] = v;
        }

        foreach (var (k, v) in b.Children)
        {
            merged.Children[k] = merged.Children.TryGetValue(k, out var existing) ? Merge(existing, v)! : v;
        }

        return merged;
    }

    public static YamlNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
    }
}
