-- report.lua — wrk script for bench/load.sh and bench/scale/scale.sh: no per-response callback (that would slow wrk down);
-- at the end prints one machine-readable line with the request count, the count of non-2xx/3xx
-- answers and of socket errors, and the latency percentiles in microseconds (p99.9 included,
-- which wrk's --latency table lacks).
--   wrk ... -s report.lua URL [-- TOKEN_FILE [SEED]]
-- With a TOKEN_FILE (one token per line) every request carries the next token of the file, each
-- wrk thread starting at its own offset, so no token repeats until the file has gone round once
-- (bench/load.sh). With a SEED as well, each request picks a token at random instead, seeded
-- (bench/scale/scale.sh's distinct-token curve).
local tokens, n, next_index, random = {}, 0, 1, false
local thread_count = 0

function setup(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local path = args[1]
  if path == nil then return end
  for line in io.lines(path) do
    if #line > 0 then
      n = n + 1
      tokens[n] = "Bearer " .. line
    end
  end
  if n == 0 then error("no tokens in " .. tostring(path)) end
  if args[2] ~= nil then
    random = true
    math.randomseed(tonumber(args[2]))
  end
  -- threads start far apart: thread k begins k/8 of the way into the file
  next_index = ((tonumber(offset) or 0) * math.floor(n / 8)) % n + 1
end

function request()
  if n == 0 then return wrk.format() end
  if random then return wrk.format(nil, nil, { Authorization = tokens[math.random(n)] }) end
  local t = tokens[next_index]
  next_index = next_index % n + 1
  return wrk.format(nil, nil, { Authorization = t })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"err_socket":%d,"err_status":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
