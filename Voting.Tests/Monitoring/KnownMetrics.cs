namespace Voting.Tests.Monitoring;

/// <summary>The metric names the scrape jobs deliver, each checked where it comes from.</summary>
internal static class KnownMetrics
{
    /// <summary>
    /// The app's pinned metrics (docs/architecture.md, Voting.Modules/Telemetry.cs) as the OpenTelemetry
    /// Prometheus exporter names them; the end-to-end test reads every one back from a real scrape.
    /// </summary>
    public static readonly IReadOnlyList<string> App =
    [
        "voting_votes_accepted_total", "voting_votes_rejected_total", "voting_votes_written_total",
        "voting_dead_letters_total", "voting_result_pushes_total",
        "voting_stream_length", "voting_consumer_lag", "voting_stream_pending", "voting_viewers",
        .. PromQL.ExposedNames("voting_batch_size", histogram: true),
        .. PromQL.ExposedNames("voting_batch_duration_seconds", histogram: true),
    ];

    /// <summary>
    /// cAdvisor v0.52.1 (deploy/cadvisor's image), metrics/prometheus.go at that tag; the only ones
    /// the cadvisor job keeps (prometheus.yml, metric_relabel_configs).
    /// </summary>
    public static readonly IReadOnlyList<string> Cadvisor =
    [
        "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_spec_memory_limit_bytes",
        "container_cpu_cfs_throttled_periods_total", "container_cpu_cfs_periods_total", "cadvisor_version_info",
    ];

    /// <summary>Made by Prometheus itself for every target.</summary>
    public static readonly IReadOnlyList<string> Synthetic = ["up", "ALERTS"];
}
