-- wrk script: GET /v1/orders/{id} of one order.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.path = "/v1/orders/" .. os.getenv("BENCH_ORDER")
