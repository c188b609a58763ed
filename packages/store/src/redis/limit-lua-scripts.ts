/**
 * Lua run inside Redis for the limit store. Every script reads the clock with `TIME`, so all
 * gateway processes agree on window edges however their own clocks drift. A counter is a hash
 * `{ s: window start ms, t: total }`; a hash holding an older start is a window that has ended and
 * counts as 0. Numbers are Lua doubles: exact for epoch milliseconds and totals below 2^53.
 */

/** Window arithmetic in Lua. The month uses Howard Hinnant's civil-from-days algorithm (UTC). */
export const luaWindowFunctions = `
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m
  if mp < 10 then m = mp + 3 else m = mp - 9 end
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- Start (inclusive) and end (exclusive) of the UTC window holding now_ms.
local function window_bounds(window, now_ms)
  if window == 'minute' then
    local s = now_ms - now_ms % 60000
    return s, s + 60000
  elseif window == 'day' then
    local s = now_ms - now_ms % 86400000
    return s, s + 86400000
  elseif window == 'month' then
    local days = math.floor(now_ms / 86400000)
    local y, m, d = civil_from_days(days)
    local next_y, next_m = y, m + 1
    if next_m == 13 then next_y, next_m = y + 1, 1 end
    return (days - d + 1) * 86400000, days_from_civil(next_y, next_m, 1) * 86400000
  end
  error('unknown limit window: ' .. tostring(window))
end

local function integer_string(n)
  return string.format('%.0f', n)
end
`;

const luaNow = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * KEYS: one hash per counter. ARGV: expiry margin ms, then window, limit, amount per counter.
 * Checks every counter first and writes only when all fit, so the reservation is all or nothing.
 * Answers {1, start_1, ..., start_n} or {0, index of the refusing counter, used, ms to window end}.
 */
export const reserveScript = `${luaWindowFunctions}${luaNow}
local margin = tonumber(ARGV[1])
local starts, ends, pending = {}, {}, {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local limit = tonumber(ARGV[3 * i])
  local amount = tonumber(ARGV[3 * i + 1])
  local s, e = window_bounds(ARGV[3 * i - 1], now)
  starts[i] = s
  ends[i] = e
  -- The same counter listed twice is checked against the sum of its amounts.
  local used = pending[key]
  if used == nil then
    local state = redis.call('HMGET', key, 's', 't')
    used = 0
    if state[1] and tonumber(state[1]) == s then used = tonumber(state[2]) or 0 end
  end
  if used + amount > limit then
    return {0, i, integer_string(used), e - now}
  end
  pending[key] = used + amount
end
local answer = {1}
for i = 1, #KEYS do
  local key = KEYS[i]
  local start = redis.call('HGET', key, 's')
  if start and tonumber(start) == starts[i] then
    redis.call('HINCRBY', key, 't', ARGV[3 * i + 1])
  else
    redis.call('HSET', key, 's', integer_string(starts[i]), 't', ARGV[3 * i + 1])
  end
  redis.call('PEXPIREAT', key, integer_string(ends[i] + margin))
  answer[i + 1] = starts[i]
end
return answer
`;

/**
 * KEYS: one hash per counter. ARGV: window, window start ms, delta per counter. Adjusts a counter
 * only while its window is still the current one by the Redis clock; a window that has ended, or a
 * hash that no longer exists, is left alone (never recreated without an expiry). Never below 0.
 */
export const settleScript = `${luaWindowFunctions}${luaNow}
for i = 1, #KEYS do
  local key = KEYS[i]
  local s = window_bounds(ARGV[3 * i - 2], now)
  if tonumber(ARGV[3 * i - 1]) == s then
    local start = redis.call('HGET', key, 's')
    if start and tonumber(start) == s then
      local total = redis.call('HINCRBY', key, 't', ARGV[3 * i])
      if total < 0 then redis.call('HSET', key, 't', '0') end
    end
  end
end
return 1
`;

/** KEYS: one hash per counter. ARGV: window per counter. Answers the totals of the current windows. */
export const readScript = `${luaWindowFunctions}${luaNow}
local answer = {}
for i = 1, #KEYS do
  local s = window_bounds(ARGV[i], now)
  local state = redis.call('HMGET', KEYS[i], 's', 't')
  if state[1] and tonumber(state[1]) == s then answer[i] = state[2] else answer[i] = '0' end
end
return answer
`;

/** ARGV: window, epoch ms. Answers {start, end} by the same Lua the scripts use; for tests. */
export const windowBoundsScript = `${luaWindowFunctions}
local s, e = window_bounds(ARGV[1], tonumber(ARGV[2]))
return {integer_string(s), integer_string(e)}
`;
