-- wrk script of the peer benchmark: POSTs the JSON bodies of the file WRK_BODIES (one a line) in turn,
-- counts answers that are not 200 or carry GraphQL errors, and prints one machine-read line:
-- BENCH <requests> <bad answers> <p50 µs> <p99 µs> <duration µs>
local bodies = {}
for line in io.lines(os.getenv("WRK_BODIES")) do
  bodies[#bodies + 1] = line
end
local next_body = 0
bad = 0

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  io.write(string.format("BENCH %d %d %d %d %d\n", summary.requests, total_bad,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
