// The Redis side of the rate limiter: one Lua script that checks and updates
// every window of a workspace atomically (R9.3), on the Redis server's clock
// so that all app instances count against one time line. The arithmetic is
// lib/rate-limit/gcra.ts line for line (integers in units of 1/limit ms, all
// below 2^53, so Lua's doubles are exact); the Redis tests check both agree.
//
// KEYS[i]   the TAT of window i, stored as "<ms>:<rem>:<limit>"
// ARGV      window i's length in ms and limit: ARGV[2i-1], ARGV[2i]
// Returns   {1} when every window admits the request, after storing each new
//           TAT with a PX expiry at that TAT (past it the key holds nothing);
//           {0, i, retryAfterMs} naming the window with the longest wait when
//           any refuses — and then nothing is written, so a refused request
//           counts against no window.
export const CHECK_RATE_LIMITS_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local nextTats = {}
local refused, longest = 0, -1
for i = 1, #KEYS do
  local windowMs = tonumber(ARGV[2 * i - 1])
  local limit = tonumber(ARGV[2 * i])
  local ms, rem = now, 0
  local stored = redis.call('GET', KEYS[i])
  if stored then
    local sMs, sRem, sLimit = string.match(stored, '^(%d+):(%d+):(%d+)$')
    if sMs then
      sMs, sRem, sLimit = tonumber(sMs), tonumber(sRem), tonumber(sLimit)
      if sLimit ~= limit and sRem > 0 then sMs, sRem = sMs + 1, 0 end
      if sMs > now or (sMs == now and sRem > 0) then ms, rem = sMs, sRem end
    end
  end
  local total = rem + windowMs
  local nextRem = total % limit
  local nextMs = ms + (total - nextRem) / limit
  local ahead = (nextMs - now) * limit + nextRem
  local tolerance = windowMs * limit
  if ahead <= tolerance then
    nextTats[i] = { nextMs, nextRem, limit }
  else
    local excess = ahead - tolerance
    local rest = excess % limit
    local retry = (excess - rest) / limit
    if rest > 0 then retry = retry + 1 end
    if retry > longest then refused, longest = i, retry end
  end
end
if refused > 0 then return { 0, refused, longest } end
for i = 1, #KEYS do
  local tat = nextTats[i]
  local ttl = tat[1] - now
  if tat[2] > 0 then ttl = ttl + 1 end
  redis.call('SET', KEYS[i], string.format('%d:%d:%d', tat[1], tat[2], tat[3]), 'PX', ttl)
end
return { 1 }
`;

/** Redis key of one window's TAT. The braces are a hash tag: a cluster keeps a workspace's windows on one slot. */
export function rateLimitKey(prefix: string, workspaceId: string, window: "SECOND" | "HOUR"): string {
  return `${prefix}{${workspaceId}}:${window === "SECOND" ? "s" : "h"}`;
}
