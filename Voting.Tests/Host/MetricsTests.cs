using System.Text.RegularExpressions;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Host;

/// <summary>Every pinned metric of a role is on its /metrics from start, at zero: a dashboard sees 0, not a missing series.</summary>
public sealed partial class MetricsTests
{
    public static TheoryData<string, string[]> Owned => new()
    {
        { "poll", ["voting_votes_accepted_total", "voting_votes_rejected_total{reason=\"unknown_poll\"", "voting_votes_rejected_total{reason=\"unknown_option\"",
            "voting_votes_rejected_total{reason=\"closed\"", "voting_votes_rejected_total{reason=\"not_confirmed\"",
            "voting_votes_rejected_total{reason=\"rate_limited\""] },
        { "worker", ["voting_votes_written_total", "voting_dead_letters_total", "voting_stream_length", "voting_consumer_lag", "voting_stream_pending",
            "voting_batch_size_bucket{le=\"+Inf\"}", "voting_batch_size_count", "voting_batch_duration_seconds_bucket{le=\"+Inf\"}", "voting_batch_duration_seconds_sum"] },
        { "result", ["voting_result_pushes_total", "voting_viewers"] },
    };

    [Theory]
    [MemberData(nameof(Owned))]
    public async Task A_fresh_role_shows_each_of_its_metrics_at_zero(string role, string[] series)
    {
        var settings = await Settings.CreateAsync();
        await using var app = AppProcess.Start(["--role", role], settings.ToEnvironment());
        await app.WaitUntilReadyAsync();
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { BaseAddress = app.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What Prometheus asks for: OpenMetrics first, gzip welcome.
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var name in series)
        {
            // "name{label=\"x\"": the exporter may add labels of its own (otel_scope_name) beside ours.
            var (metric, label) = name.IndexOf('{', StringComparison.Ordinal) is var brace and > 0 ? (name[..brace], name[(brace + 1)..]) : (name, "");
            var line = text.Split('\n').FirstOrDefault(l => (l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
                && l.Contains(label, StringComparison.Ordinal));
            Assert.True(line is not null, $"{role}: no {name} in\n{text}");
            Assert.Matches(Zero(), line);
        }
        Assert.DoesNotContain("# EOF\nvoting_", text, StringComparison.Ordinal);
        // Every line is text a Prometheus parser takes: a comment, or a name, optional labels and a value.
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(SampleOrComment(), line));
    }

    [GeneratedRegex(@"^(# .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEInfNa]+( \d+)?)$")]
    private static partial Regex SampleOrComment();

    [GeneratedRegex(@" 0(\.0)?( \d+)?$")]
    private static partial Regex Zero();
}
