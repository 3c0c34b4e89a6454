-- wrk script: POST /v1/orders with 3 items and a unique Idempotency-Key per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

-- One product from each of BENCH_P1, BENCH_P2 and BENCH_P3 (comma-separated ids), at random: the
-- reference's catalog spread. Lists of one product each make every order hit the same three rows
-- (a flash sale).
local function ids(var)
  local list = {}
  for id in string.gmatch(os.getenv(var), "[^,]+") do list[#list + 1] = id end
  return list
end
local p1, p2, p3 = ids("BENCH_P1"), ids("BENCH_P2"), ids("BENCH_P3")
local item = '{"product_id":"%s","quantity":1}'
local function body()
  return '{"items":[' .. string.format(item, p1[math.random(#p1)]) .. ',' ..
    string.format(item, p2[math.random(#p2)]) .. ',' .. string.format(item, p3[math.random(#p3)]) .. ']}'
end
local counter = 0
request = function()
  counter = counter + 1
  -- BENCH_RUN keeps keys of one workload from replaying another's.
  wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", os.getenv("BENCH_RUN"), tid, counter)
  return wrk.format(nil, "/v1/orders", nil, body())
end
