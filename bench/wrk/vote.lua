-- POST a vote with no cookie: the server takes every request for a new voter.
-- BENCH_OPTION names the option; the URL names the poll.
package.path = (os.getenv("BENCH_WRK_DIR") or ".") .. "/?.lua;" .. package.path
require("report")

wrk.method = "POST"
wrk.body = '{"optionId":"' .. (os.getenv("BENCH_OPTION") or "alpha") .. '"}'
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  report(summary, latency)
end
