-- One fact, one atomic commit: idempotency record + XADD + projections + indexes.
-- KEYS[1] idempotency key (ignored when ARGV[4] == '0'), KEYS[2] stream, KEYS[3..] others.
-- ARGV: hash, status, body, ttl, nonce, n_absent, index prefix, {key_i}..., n_events, {n_fields, f, v...}..., n_guards, {key_i, field, expected}...,
--       n_ops, {n_args, op, key_i, args...}..., n_audit, [log key_i, head key_i, {entry}...]
local use_idem = ARGV[4] ~= '0'
if use_idem then
  local rec = redis.call('HMGET', KEYS[1], 'h', 's', 'b', 'e')
  if rec[1] then
    return {'replay', rec[1], rec[2], rec[3], rec[4]}
  end
end
local nonce = ARGV[5]
local n_absent = tonumber(ARGV[6])
local pos = 8
for i = 1, n_absent do
  local key = KEYS[tonumber(ARGV[pos])]
  if redis.call('EXISTS', key) == 1 then return {'exists', key} end
  pos = pos + 1
end
local n_events = tonumber(ARGV[pos]); pos = pos + 1
local entries = {}
for i = 1, n_events do
  local n = tonumber(ARGV[pos]); pos = pos + 1
  local fields = {}
  for j = 1, n do fields[j] = ARGV[pos + j - 1] end
  pos = pos + n
  entries[i] = fields
end
local n_guards = tonumber(ARGV[pos]); pos = pos + 1
for i = 1, n_guards do
  local key = KEYS[tonumber(ARGV[pos])]
  local current = redis.call('HGET', key, ARGV[pos + 1])
  if not current then current = '' end
  if current ~= ARGV[pos + 2] then
    return {'conflict', key, ARGV[pos + 1]}
  end
  pos = pos + 3
end
local ids = {}
for i = 1, n_events do
  ids[i] = redis.call('XADD', KEYS[2], '*', unpack(entries[i]))
end
-- Timeline indexes by type, actor and location, derived from the entry itself: small streams
-- whose entries carry the event's own id (a few bytes each; ids only grow, as XADD needs).
-- The index keys share the {venue} hash tag with the stream, so on a Cluster they are in its slot.
local index_prefix = ARGV[7]
for i = 1, n_events do
  local f = {}
  for j = 1, #entries[i], 2 do f[entries[i][j]] = entries[i][j + 1] end
  redis.call('XADD', index_prefix .. 'type:' .. f['t'], ids[i], 'x', '')
  redis.call('XADD', index_prefix .. 'actor:' .. string.match(f['a'], '^([^|]*)'), ids[i], 'x', '')
  if f['l'] then
    for loc in string.gmatch(f['l'], '[^,]+') do
      redis.call('XADD', index_prefix .. 'loc:' .. loc, ids[i], 'x', '')
    end
  end
  -- delivered long after it happened (commit.py delivered_late): reports find it without reading days
  if f['lt'] then
    redis.call('XADD', index_prefix .. 'late:delivered', ids[i], 'x', '')
  end
end
local function fill(s)
  for i = 1, n_events do
    s = string.gsub(s, '@@' .. nonce .. ':' .. (i - 1) .. '@@', ids[i])
  end
  return s
end
local n_ops = tonumber(ARGV[pos]); pos = pos + 1
for i = 1, n_ops do
  local n = tonumber(ARGV[pos]); pos = pos + 1
  local op = ARGV[pos]
  local key = KEYS[tonumber(ARGV[pos + 1])]
  if op == 'HSET_NEWER' then
    -- keep the stored entry when its order key (an ISO UTC time) is newer than the new one
    local field, value, k = fill(ARGV[pos + 2]), fill(ARGV[pos + 3]), ARGV[pos + 4]
    local current = redis.call('HGET', key, field)
    local keep = false
    if current then
      local old, new = cjson.decode(current)[k], cjson.decode(value)[k]
      keep = type(old) == 'string' and type(new) == 'string' and old > new
    end
    if not keep then redis.call('HSET', key, field, value) end
  else
    local args = {}
    for j = 3, n do args[#args + 1] = fill(ARGV[pos + j - 1]) end
    redis.call(op, key, unpack(args))
  end
  pos = pos + n
end
-- Audit entries of privileged facts (server/audit/), chained in this same atomic commit.
local n_audit = tonumber(ARGV[pos]); pos = pos + 1
if n_audit > 0 then
  local log_key, head_key = KEYS[tonumber(ARGV[pos])], KEYS[tonumber(ARGV[pos + 1])]
  pos = pos + 2
  for i = 1, n_audit do
    audit_append(log_key, head_key, nonce, fill(ARGV[pos]))
    pos = pos + 1
  end
end
if use_idem then
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 's', ARGV[2], 'b', fill(ARGV[3]), 'e', table.concat(ids, ','))
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
end
local out = {'new'}
for i = 1, n_events do out[#out + 1] = ids[i] end
return out
