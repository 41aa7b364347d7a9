// The Redis side of the rate limiter: one Lua script that decides and records
// every window of a workspace atomically (R9.3). It is lib/rate-limit/windows.ts
// step for step (integers below 2^53, so Lua's doubles are exact); the Redis
// tests replay the same calls through both and compare every decision.
//
// One time line for every app instance: the script reads the Redis server's
// clock (TIME) and takes the request's arrival as TIME − the time since it
// arrived, which the instance measured on its own monotonic clock (ARGV[1], in
// µs, clamped to 0 … LATE_ARRIVAL_MS). So a call is decided as of when it
// reached its instance, before its key lookup or anything else slow, and no
// two instances' wall clocks are ever compared. The estimate errs late by the
// one-way trip to Redis; arrivals that come out of order are handled as in
// windows.ts.
//
// KEYS[i]   window i's state: a LIST of stamps (the per-second log) or a HASH of
//           10-second buckets with l (newest stamp), o (oldest bucket), c (total)
// ARGV[1]   µs since the request arrived, on the instance's monotonic clock
// ARGV[2]   the arrival in ms on the caller's own clock instead ("" in production;
//           tests use it to replay exact instants)
// ARGV[3 + 4(i−1) …]  window i: kind ("log" | "buckets"), window ms, bucket ms, limit
// Returns   {1} when every window admits the request, after recording it in each
//           (with an expiry past which nothing in it can count);
//           {0, i, retryAfterMs} naming the window with the longest wait when any
//           refuses — and then nothing is written, so a refused request counts
//           against no window.
import { LATE_ARRIVAL_MS } from "./windows";

export const CHECK_RATE_LIMITS_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local late = ${LATE_ARRIVAL_MS}
local t, clock
if ARGV[2] ~= '' then
  t = tonumber(ARGV[2])
  clock = t
else
  local time = redis.call('TIME')
  local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local elapsed = tonumber(ARGV[1]) or 0
  if elapsed ~= elapsed or elapsed < 0 then elapsed = 0 end
  if elapsed > late * 1000 then elapsed = late * 1000 end
  t = math.floor((nowUs - elapsed) / 1000)
  clock = math.floor(nowUs / 1000)
end

local function int(n) return string.format('%d', n) end
-- windows.ts retryFrom: counted from the later of t and the newest call, at least 1.
local function retryFrom(freeAt, newest)
  local from = t
  if newest > from then from = newest end
  if freeAt - from < 1 then return 1 end
  return freeAt - from
end
local function at(key, field) return tonumber(redis.call('HGET', key, int(field))) or 0 end

-- SlidingLog.decide: refused when the N-th newest stamp is within (t - window, t].
local function logDecide(key, windowMs, limit)
  if redis.call('LLEN', key) < limit then return -1 end
  local nth = tonumber(redis.call('LINDEX', key, -limit))
  if nth <= t - windowMs then return -1 end
  return retryFrom(nth + windowMs, tonumber(redis.call('LINDEX', key, -1)))
end

local function logRecord(key, windowMs, limit)
  local stamp = t
  local newest = redis.call('LINDEX', key, -1)
  if newest and tonumber(newest) > stamp then stamp = tonumber(newest) end
  local size = redis.call('RPUSH', key, int(stamp))
  if size > limit then
    redis.call('LTRIM', key, -limit, -1)
    size = limit
  end
  local useless = stamp - windowMs - late
  while size > 1 and tonumber(redis.call('LINDEX', key, 0)) <= useless do
    redis.call('LPOP', key)
    size = size - 1
  end
  redis.call('PEXPIRE', key, math.max(1, stamp + windowMs + late - clock))
end

-- BucketCounts.decide
local function bucketDecide(key, windowMs, bucketMs, limit)
  local state = redis.call('HMGET', key, 'l', 'o', 'c')
  if not state[1] then return -1 end
  local latest, oldest, total = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
  if total == 0 then return -1 end
  local span = windowMs / bucketMs
  local newest = math.floor(latest / bucketMs)
  local low = math.floor((t - windowMs + 1) / bucketMs)
  if low < newest - span - 1 then low = newest - span - 1 end
  local count = total
  local bucket = oldest
  while bucket < low and bucket <= newest do
    count = count - at(key, bucket)
    bucket = bucket + 1
  end
  if count < limit then return -1 end
  local left = count
  for b = low, newest do
    left = left - at(key, b)
    if left < limit then return retryFrom((b + 1) * bucketMs + windowMs - 1, latest) end
  end
  return redis.error_reply('rate-limit buckets do not add up to their total')
end

local function bucketRecord(key, windowMs, bucketMs)
  local state = redis.call('HMGET', key, 'l', 'o', 'c')
  local latest, oldest, total = tonumber(state[1]), tonumber(state[2]), tonumber(state[3]) or 0
  local stamp = t
  if latest and latest > stamp then stamp = latest end
  local span = windowMs / bucketMs
  local bucket = math.floor(stamp / bucketMs)
  local keepFrom = bucket - span - 1
  if total > 0 then
    if math.floor(latest / bucketMs) < keepFrom then
      redis.call('DEL', key)
      total = 0
    else
      for old = oldest, keepFrom - 1 do
        total = total - at(key, old)
        redis.call('HDEL', key, int(old))
      end
    end
  end
  if total == 0 then oldest = bucket elseif oldest < keepFrom then oldest = keepFrom end
  redis.call('HINCRBY', key, int(bucket), 1)
  redis.call('HSET', key, 'l', int(stamp), 'o', int(oldest), 'c', int(total + 1))
  redis.call('PEXPIRE', key, math.max(1, (bucket + 1) * bucketMs + windowMs + late - clock))
end

local function window(i)
  local base = 2 + 4 * (i - 1)
  return ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
end

local refused, longest = 0, -1
for i = 1, #KEYS do
  local kind, windowMs, bucketMs, limit = window(i)
  local retry
  if kind == 'log' then retry = logDecide(KEYS[i], windowMs, limit) else retry = bucketDecide(KEYS[i], windowMs, bucketMs, limit) end
  if type(retry) == 'table' then return retry end
  if retry >= 0 and retry > longest then refused, longest = i, retry end
end
if refused > 0 then return { 0, refused, longest } end
for i = 1, #KEYS do
  local kind, windowMs, bucketMs, limit = window(i)
  if kind == 'log' then logRecord(KEYS[i], windowMs, limit) else bucketRecord(KEYS[i], windowMs, bucketMs) end
end
return { 1 }
`;

/**
 * Redis key of one window's state. The braces are a hash tag: a cluster keeps a
 * workspace's windows on one slot. (New names since the GCRA limiter, whose
 * string values must never be read as a log.)
 */
export function rateLimitKey(prefix: string, workspaceId: string, window: "SECOND" | "HOUR"): string {
  return `${prefix}{${workspaceId}}:${window === "SECOND" ? "log" : "hour"}`;
}
