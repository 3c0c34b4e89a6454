-- wrk script: POST /v1/auth/login, cycling over the bench tenant's users (user0..userN-1).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local users = tonumber(os.getenv("BENCH_USERS") or "32")
local password = os.getenv("BENCH_PASSWORD")
local tenant = os.getenv("BENCH_TENANT")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"tenant":"%s","email":"user%d@%s.test","password":"%s"}',
                             tenant, counter % users, tenant, password)
  return wrk.format(nil, "/v1/auth/login", nil, body)
end
