package.path = (os.getenv("BENCH_WRK_DIR") or ".") .. "/?.lua;" .. package.path
require("report")

function done(summary, latency, requests)
  report(summary, latency)
end
