-- wrk script: POST /v1/orders with 3 items (one of several product triples, so orders spread
-- over the catalog like real traffic) and a unique Idempotency-Key per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local bodies = {}
for triple in string.gmatch(os.getenv("BENCH_TRIPLES"), "[^;]+") do
  local p = {}
  for id in string.gmatch(triple, "[^,]+") do p[#p + 1] = id end
  bodies[#bodies + 1] = string.format(
    '{"items":[{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1}]}',
    p[1], p[2], p[3])
end
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d", tid, counter)
  return wrk.format(nil, "/v1/orders", nil, bodies[math.random(#bodies)])
end
