-- POST a words ballot with no cookie: a new voter each request, two words to normalise
-- (full-width letters and a run of spaces), as a phone would send them to a words poll.
package.path = (os.getenv("BENCH_WRK_DIR") or ".") .. "/?.lua;" .. package.path
require("report")

wrk.method = "POST"
wrk.body = '{"words":["Ｆａｓｔ","simple   API"]}'
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  report(summary, latency)
end
