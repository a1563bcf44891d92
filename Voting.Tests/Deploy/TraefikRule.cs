using System.Text.RegularExpressions;

namespace Voting.Tests.Deploy;

/// <summary>
/// Traefik v3's rule language, as far as deploy/ uses it: Host, Path, PathPrefix and PathRegexp
/// matchers joined by &amp;&amp;, || and !, with parentheses. Evaluates a rule for a host and a path.
/// </summary>
internal sealed class TraefikRule
{
    private readonly Func<string, string, bool> _matches;

    private TraefikRule(Func<string, string, bool> matches) => _matches = matches;

    public bool Matches(string host, string path) => _matches(host, path);

    public static TraefikRule Parse(string rule)
    {
        var parser = new Parser(rule);
        var result = parser.Or();
        parser.End();
        return new TraefikRule(result);
    }

    /// <summary>The service of the route Traefik picks for a request (highest priority first), or null: 404.</summary>
    public static string? Route(IEnumerable<(string Rule, int Priority, string Service)> routes, string host, string path) =>
        routes.OrderByDescending(r => r.Priority).FirstOrDefault(r => Parse(r.Rule).Matches(host, path)).Service;

    private sealed class Parser(string text)
    {
        private int _at;

        public Func<string, string, bool> Or()
        {
            var left = And();
            while (Take("||"))
            {
                var l = left;
                var r = And();
                left = (h, p) => l(h, p) || r(h, p);
            }

            return left;
        }

        private Func<string, string, bool> And()
        {
            var left = Unary();
            while (Take("&&"))
            {
                var l = left;
                var r = Unary();
                left = (h, p) => l(h, p) && r(h, p);
            }

            return left;
        }

        private Func<string, string, bool> Unary()
        {
            if (Take("!"))
            {
                var inner = Unary();
                return (h, p) => !inner(h, p);
            }

            if (Take("("))
            {
                var inner = Or();
                Expect(")");
                return inner;
            }

            var name = Regex.Match(text[_at..], @"^\s*([A-Za-z]+)");
            if (!name.Success)
            {
                throw new FormatException($"a matcher expected at {_at} in {text}");
            }

            _at += name.Length;
            Expect("(");
            var args = new List<string>();
            do
            {
                SkipSpaces();
                Expect("`");
                var end = text.IndexOf('`', _at);
                args.Add(text[_at..end]);
                _at = end + 1;
            }
            while (Take(","));
            Expect(")");
            var arg = Assert.Single(args);
            return name.Groups[1].Value switch
            {
                "Host" => (h, _) => string.Equals(h, arg, StringComparison.OrdinalIgnoreCase),
                "Path" => (_, p) => p == arg,
                "PathPrefix" => (_, p) => p.StartsWith(arg, StringComparison.Ordinal),
                // Go's regexp and .NET's agree on what deploy/ uses: anchors, groups, alternation, (?i).
                "PathRegexp" => (_, p) => Regex.IsMatch(p, arg),
                var other => throw new FormatException($"matcher {other} is not modelled"),
            };
        }

        public void End()
        {
            SkipSpaces();
            if (_at != text.Length)
            {
                throw new FormatException($"unexpected '{text[_at..]}' in {text}");
            }
        }

        private bool Take(string token)
        {
            SkipSpaces();
            if (string.CompareOrdinal(text, _at, token, 0, token.Length) != 0)
            {
                return false;
            }

            _at += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Take(token))
            {
                throw new FormatException($"'{token}' expected at {_at} in {text}");
            }
        }

        private void SkipSpaces()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }
    }
}
