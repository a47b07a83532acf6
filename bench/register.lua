-- wrk script: POST /register with an address no other request uses.
--
-- The address is "<label>-<thread>-<n>-<sent>@example.com": the label tells
-- one run's events from another's, and <sent> is the wall-clock time, in
-- microseconds, at which the request was built, just before wrk writes it,
-- so that the event consumer can time the whole path from the request.
--
-- Arguments after "--": the label, and optionally how many answers each
-- thread waits for before it stops (0: until -d ends). done() prints one
-- line, "BENCH_RESULT <json>", which bench/load.py reads.

local ffi = require("ffi")
ffi.cdef([[
   typedef struct { long tv_sec; long tv_usec; } bench_timeval;
   int gettimeofday(bench_timeval *tv, void *tz);
]])
local timeval = ffi.new("bench_timeval")

local function now_us()
   ffi.C.gettimeofday(timeval, nil)
   return tonumber(timeval.tv_sec) * 1000000 + tonumber(timeval.tv_usec)
end

local threads = {}
local next_id = 1

function setup(thread)
   thread:set("thread_id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   label = args[1] or "bench"
   quota = tonumber(args[2] or "0")
   sent = 0
   answered = 0
   statuses = {}
   headers = { ["Content-Type"] = "application/json" }
end

function request()
   sent = sent + 1
   local body = string.format(
      '{"email": "%s-%d-%d-%.0f@example.com"}', label, thread_id, sent, now_us()
   )
   return wrk.format("POST", "/register", headers, body)
end

function response(status, _headers, _body)
   answered = answered + 1
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if quota > 0 and answered >= quota then
      wrk.thread:stop()
   end
end

local function json_object(fields)
   local parts = {}
   for key, value in pairs(fields) do
      table.insert(parts, string.format('"%s": %s', key, tostring(value)))
   end
   return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, _requests)
   local statuses_total = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         statuses_total[status] = (statuses_total[status] or 0) + count
      end
   end
   local errors = summary.errors
   io.write("BENCH_RESULT ", json_object({
      duration_us = summary.duration,
      requests = summary.requests,
      statuses = json_object(statuses_total),
      connect_errors = errors.connect,
      read_errors = errors.read,
      write_errors = errors.write,
      timeouts = errors.timeout,
      latency_p50_us = latency:percentile(50),
      latency_p95_us = latency:percentile(95),
      latency_p99_us = latency:percentile(99),
      latency_max_us = latency.max,
   }), "\n")
end
