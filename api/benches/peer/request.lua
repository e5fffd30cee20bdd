-- wrk script of the peer benchmark: POSTs the JSON bodies of the file WRK_BODIES (one a line) in turn,
-- counts answers that are not 200 or carry GraphQL errors, and prints one machine-read line:
-- BENCH <requests> <bad answers> <p50 µs> <p99 µs> <duration µs>
--
-- A body holding @USCC@ (and @ID@) registers something: each request gets its own valid unified
-- social credit code (and UUID), made of the run number WRK_RUN, the wrk thread and a counter, so
-- that no two requests of any run collide. WRK_TOKEN, when set, is sent as the bearer token.
local bodies, fills = {}, {}
for line in io.lines(os.getenv("WRK_BODIES")) do
  bodies[#bodies + 1] = line
  fills[#bodies] = string.find(line, "@USCC@", 1, true) ~= nil
end
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("WRK_TOKEN") then
  headers["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN")
end
local run = tonumber(os.getenv("WRK_RUN") or "0")
local next_body = 0
local written = 0
bad = 0
-- Set for each thread by setup().
thread_number = 0

-- GB 32100-2015's alphabet; a code's check character weighs each character by 3^i mod 31.
local alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

local function base31(n, width)
  local out = ""
  for _ = 1, width do
    local digit = n % 31
    out = alphabet:sub(digit + 1, digit + 1) .. out
    n = (n - digit) / 31
  end
  return out
end

local function with_check_character(first17)
  local sum, weight = 0, 1
  for i = 1, 17 do
    sum = sum + (alphabet:find(first17:sub(i, i), 1, true) - 1) * weight
    weight = weight * 3 % 31
  end
  local check = (31 - sum % 31) % 31
  return first17 .. alphabet:sub(check + 1, check + 1)
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_number", #threads)
end

function request()
  next_body = next_body % #bodies + 1
  local body = bodies[next_body]
  if fills[next_body] then
    written = written + 1
    local uscc = with_check_character("91500112MC" .. base31(run, 2) .. base31(thread_number, 1) .. base31(written, 4))
    local id = string.format("00000000-0000-4000-8000-%04x%02x%06x", run, thread_number, written)
    body = body:gsub("@USCC@", uscc):gsub("@ID@", id)
  end
  return wrk.format("POST", nil, headers, body)
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
