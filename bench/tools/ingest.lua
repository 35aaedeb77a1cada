-- wrk script for ingest at saturation (closed loop): POSTs pre-signed webhook bodies, each once while they last.
-- usage: wrk -t T -c C -d D --latency -s ingest.lua URL -- BODIES_FILE THREADS PATH
-- BODIES_FILE has one "<x-contentstack-hmac-signature>\t<json body>" a line (bench/tools/Bench.java bodies).
-- Thread k takes lines k, k+T, k+2T, ...; when a thread runs out it starts again (those repeats are the router's
-- duplicates, answered 200, and are counted apart). Prints one "WRKROW key=value ..." line at the end.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, path = args[1], tonumber(args[2]), args[3]
  reqs = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == id then
      local tab = line:find("\t", 1, true)
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["User-Agent"] = "Contentstack",
        ["x-contentstack-hmac-signature"] = line:sub(1, tab - 1),
      }, line:sub(tab + 1))
    end
    i = i + 1
  end
  idx = 0
  wrapped = 0
  c202 = 0
  c200 = 0
  cother = 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wrapped = wrapped + 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  if status == 202 then
    c202 = c202 + 1
  elseif status == 200 then
    c200 = c200 + 1
  else
    cother = cother + 1
  end
end

function done(summary, latency, requests)
  local s202, s200, sother, wraps, bodies = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s202 = s202 + t:get("c202")
    s200 = s200 + t:get("c200")
    sother = sother + t:get("cother")
    wraps = wraps + t:get("wrapped")
  end
  local e = summary.errors
  io.write(string.format(
    "WRKROW completed=%d duration_us=%d s202=%d s200=%d other_status=%d errors=%d connect=%d read=%d write=%d timeout=%d wraps=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, s202, s200, sother, e.connect + e.read + e.write + e.timeout,
    e.connect, e.read, e.write, e.timeout, wraps,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
