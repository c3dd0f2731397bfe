-- The ids of a timeline page with two or more filters, intersected inside Redis: walk the
-- smallest index (KEYS[1]) within the page's bounds and keep the ids every other index
-- (KEYS[2..]) holds, each checked with an O(log n) XRANGE on that id. One round trip per page,
-- not one command per candidate id. At most ARGV[5] candidates are walked per call, so a call
-- holds Redis for a bounded time; the caller goes on from the last id walked.
-- ARGV: low, high (XRANGE bounds, '(' = exclusive), '1' = newest first, wanted, budget.
-- Returns {matching ids, last id walked or '', 1 when the bounds are exhausted}.
local lo, hi, desc = ARGV[1], ARGV[2], ARGV[3] == '1'
local want, budget = tonumber(ARGV[4]), tonumber(ARGV[5])
local got, last, walked, done = {}, '', 0, 0
while #got < want and walked < budget do
  local n = math.min(500, budget - walked)
  local batch
  if desc then batch = redis.call('XREVRANGE', KEYS[1], hi, lo, 'COUNT', n)
  else batch = redis.call('XRANGE', KEYS[1], lo, hi, 'COUNT', n) end
  for _, entry in ipairs(batch) do
    local id = entry[1]
    last = id
    local held = true
    for k = 2, #KEYS do
      if #redis.call('XRANGE', KEYS[k], id, id, 'COUNT', 1) == 0 then held = false; break end
    end
    if held then
      got[#got + 1] = id
      if #got >= want then break end
    end
  end
  walked = walked + #batch
  if #batch < n then done = 1; break end
  if desc then hi = '(' .. last else lo = '(' .. last end
end
return {got, last, done}
