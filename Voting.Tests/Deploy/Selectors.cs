using k8s.Models;

namespace Voting.Tests.Deploy;

internal static class Selectors
{
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false; // a missing selector selects nothing
        }

        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var actual);
            var ok = e.OperatorProperty switch
            {
                "In" => has && e.Values.Contains(actual!),
                "NotIn" => !has || !e.Values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => throw new Xunit.Sdk.XunitException($"unknown selector operator {e.OperatorProperty}"),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && Matches(new V1LabelSelector { MatchLabels = selector }, labels);
}
