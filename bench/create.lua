-- POST /api/v1/tickets as a customer with a varied JSON body.
-- env: BENCH_TOKEN (bearer token), BENCH_DIR (this folder, for report.lua)
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local subjects = {"Refund for order", "Cannot log in", "Export to CSV fails",
  "Android app crashes", "Webhook deliveries failing", "Parcel damaged",
  "Invoice is wrong", "Printer prints blank pages"}
local bodies = {"I was charged twice this month and would like a refund.",
  "The password reset link says it has expired. Please advise.",
  "The CSV export stops at ten thousand rows. Thanks in advance.",
  "Since the last update the app crashes right after the splash screen.",
  "Our webhook endpoint receives duplicate deliveries since Monday.",
  "The box arrived crushed and the screen is cracked."}
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

function setup(thread)
  thread:set("offset", math.random(1, 1000000))
end

function request()
  n = n + 1
  local i = n + (offset or 0)
  local body = string.format('{"subject":"%s %d","body":"%s"}',
    subjects[i % #subjects + 1], i, bodies[i % #bodies + 1])
  return wrk.format("POST", "/api/v1/tickets", nil, body)
end
