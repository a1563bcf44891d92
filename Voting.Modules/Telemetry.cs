using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Voting;

/// <summary>A role whose pinned metrics this process publishes, each from start, at zero.</summary>
internal sealed record MetricsOwner(string Role)
{
    public static readonly MetricsOwner Poll = new("poll");
    public static readonly MetricsOwner Worker = new("worker");
    public static readonly MetricsOwner Result = new("result");
}

/// <summary>
/// Every metric the roles publish, under the names docs/architecture.md lists once the Prometheus
/// exporter has turned dots into underscores and added its suffixes (<c>_total</c>, <c>_seconds</c>).
/// Each role's metrics are there from its start, at zero, so a dashboard or a <c>rate()</c> sees 0
/// rather than a missing series: OpenTelemetry only exports an instrument after a measurement, so
/// counters get one of 0 here, and the two histograms are kept here and written beside its output.
/// </summary>
internal sealed class Telemetry : IDisposable
{
    public const string MeterName = "Voting";

    /// <summary>Why a vote was refused: the values of <c>voting_votes_rejected_total{reason}</c>.</summary>
    public static class Reasons
    {
        public const string UnknownPoll = "unknown_poll";
        public const string UnknownOption = "unknown_option";
        public const string Closed = "closed";
        public const string NotConfirmed = "not_confirmed";

        /// <summary>Refused by a vote rate limit (answered 429).</summary>
        public const string RateLimited = "rate_limited";

        public static readonly string[] All = [UnknownPoll, UnknownOption, Closed, NotConfirmed, RateLimited];
    }

    private readonly Meter _meter = new(MeterName);
    private readonly ZeroedHistogram[] _histograms;
    private long _streamLength;
    private long _consumerLag;
    private long _streamPending;
    private long _viewers;

    public Telemetry(IEnumerable<MetricsOwner> owners)
    {
        var roles = owners.ToHashSet();
        VotesAccepted = _meter.CreateCounter<long>("voting.votes.accepted", description: "Votes answered 202 by the poll role.");
        VotesRejected = _meter.CreateCounter<long>("voting.votes.rejected", description: "Votes refused, by reason.");
        VotesWritten = _meter.CreateCounter<long>("voting.votes.written", description: "Votes the worker stored (new or changed).");
        DeadLetters = _meter.CreateCounter<long>("voting.dead.letters", description: "Stream entries moved to the dead-letter stream.");
        ResultPushes = _meter.CreateCounter<long>("voting.result.pushes", description: "Result snapshots pushed to a poll's viewers.");
        BatchSize = new ZeroedHistogram("voting_batch_size", "Entries per worker batch.", [1, 10, 50, 100, 250, 500, 1000, 2000]);
        BatchDuration = new ZeroedHistogram("voting_batch_duration_seconds", "Time to store and acknowledge one batch.",
            [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
        _histograms = [];
        if (roles.Contains(MetricsOwner.Poll))
        {
            VotesAccepted.Add(0);
            foreach (var reason in Reasons.All)
            {
                Rejected(reason, 0);
            }
        }
        if (roles.Contains(MetricsOwner.Worker))
        {
            VotesWritten.Add(0);
            DeadLetters.Add(0);
            _histograms = [BatchSize, BatchDuration];
            _meter.CreateObservableGauge("voting.stream.length", () => Interlocked.Read(ref _streamLength), description: "Entries in the vote stream.");
            _meter.CreateObservableGauge("voting.consumer.lag", () => Interlocked.Read(ref _consumerLag), description: "Entries not yet delivered to the worker group.");
            _meter.CreateObservableGauge("voting.stream.pending", () => Interlocked.Read(ref _streamPending), description: "Entries delivered but not acknowledged.");
        }
        if (roles.Contains(MetricsOwner.Result))
        {
            ResultPushes.Add(0);
            _meter.CreateObservableGauge("voting.viewers", () => Interlocked.Read(ref _viewers), description: "Results subscriptions open on this process.");
        }
    }

    public Counter<long> VotesAccepted { get; }
    public Counter<long> VotesRejected { get; }
    public Counter<long> VotesWritten { get; }
    public Counter<long> DeadLetters { get; }
    public Counter<long> ResultPushes { get; }
    public ZeroedHistogram BatchSize { get; }
    public ZeroedHistogram BatchDuration { get; }

    public void RecordStream(long length, long pending, long lag)
    {
        Interlocked.Exchange(ref _streamLength, length);
        Interlocked.Exchange(ref _streamPending, pending);
        Interlocked.Exchange(ref _consumerLag, lag);
    }

    public void AddViewers(long delta) => Interlocked.Add(ref _viewers, delta);

    public void Rejected(string reason, long count = 1) => VotesRejected.Add(count, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>This process's histograms in the Prometheus text format.</summary>
    public void WriteHistograms(StringBuilder text)
    {
        foreach (var histogram in _histograms)
        {
            histogram.WriteTo(text);
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>A cumulative Prometheus histogram that exists, at zero, before its first observation.</summary>
internal sealed class ZeroedHistogram(string name, string help, double[] bounds)
{
    private readonly long[] _buckets = new long[bounds.Length + 1];
    private long _count;
    private long _sumBits;

    public void Record(double value)
    {
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }
        Interlocked.Increment(ref _buckets[bucket]);
        double seen, sum;
        do
        {
            seen = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));
            sum = seen + value;
        }
        while (Interlocked.CompareExchange(ref _sumBits, BitConverter.DoubleToInt64Bits(sum), BitConverter.DoubleToInt64Bits(seen)) != BitConverter.DoubleToInt64Bits(seen));
        Interlocked.Increment(ref _count);
    }

    public void WriteTo(StringBuilder text)
    {
        var culture = CultureInfo.InvariantCulture;
        text.Append(culture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _buckets[i]);
            text.Append(culture, $"{name}_bucket{{le=\"{bounds[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _buckets[^1]);
        text.Append(culture, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(culture, $"{name}_sum {BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits))}\n");
        text.Append(culture, $"{name}_count {cumulative}\n");
    }
}
