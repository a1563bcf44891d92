-- Shared by the wrk scripts: one "RESULT key=value …" line that bench/run.sh reads.
function report(summary, latency)
  local e = summary.errors
  local ok = summary.requests - e.status - e.connect - e.read - e.write - e.timeout
  io.write(string.format(
    "RESULT requests=%d ok=%d seconds=%.3f per_second=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f status_errors=%d socket_errors=%d\n",
    summary.requests, ok, summary.duration / 1e6, ok / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
