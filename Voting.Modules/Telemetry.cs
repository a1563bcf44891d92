using System.Diagnostics.Metrics;

namespace Voting;

/// <summary>
/// Every metric the roles publish, under the names DESIGN.md lists once the Prometheus exporter
/// has turned dots into underscores and added its suffixes (<c>_total</c>, <c>_seconds</c>).
/// </summary>
public sealed class Telemetry : IDisposable
{
    public const string MeterName = "Voting";

    private readonly Meter _meter = new(MeterName);
    private long _streamLength;
    private long _consumerLag;
    private long _streamPending;
    private long _viewers;

    public Telemetry()
    {
        VotesAccepted = _meter.CreateCounter<long>("voting.votes.accepted", description: "Votes answered 202 by the poll role.");
        VotesRejected = _meter.CreateCounter<long>("voting.votes.rejected", description: "Votes refused, by reason.");
        VotesWritten = _meter.CreateCounter<long>("voting.votes.written", description: "Votes the worker stored (new or changed).");
        DeadLetters = _meter.CreateCounter<long>("voting.dead.letters", description: "Stream entries moved to the dead-letter stream.");
        ResultPushes = _meter.CreateCounter<long>("voting.result.pushes", description: "Result snapshots pushed to a poll's viewers.");
        BatchSize = _meter.CreateHistogram<int>("voting.batch.size", description: "Entries per worker batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 2000] });
        BatchDuration = _meter.CreateHistogram<double>("voting.batch.duration", unit: "s", description: "Time to store and acknowledge one batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _meter.CreateObservableGauge("voting.stream.length", () => Interlocked.Read(ref _streamLength), description: "Entries in the vote stream.");
        _meter.CreateObservableGauge("voting.consumer.lag", () => Interlocked.Read(ref _consumerLag), description: "Entries not yet delivered to the worker group.");
        _meter.CreateObservableGauge("voting.stream.pending", () => Interlocked.Read(ref _streamPending), description: "Entries delivered but not acknowledged.");
        _meter.CreateObservableGauge("voting.viewers", () => Interlocked.Read(ref _viewers), description: "Results subscriptions open on this process.");
    }

    public Counter<long> VotesAccepted { get; }
    public Counter<long> VotesRejected { get; }
    public Counter<long> VotesWritten { get; }
    public Counter<long> DeadLetters { get; }
    public Counter<long> ResultPushes { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<double> BatchDuration { get; }

    public void RecordStream(long length, long pending, long lag)
    {
        Interlocked.Exchange(ref _streamLength, length);
        Interlocked.Exchange(ref _streamPending, pending);
        Interlocked.Exchange(ref _consumerLag, lag);
    }

    public void AddViewers(long delta) => Interlocked.Add(ref _viewers, delta);

    public void Rejected(string reason) => VotesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
