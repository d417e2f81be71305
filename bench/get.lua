-- GET BENCH_PATH as BENCH_TOKEN; with BENCH_WORDS (comma-separated) each request adds
-- &q=<next word>, so a search run rotates through rare and common words.
-- env: BENCH_TOKEN, BENCH_PATH, BENCH_WORDS (optional), BENCH_DIR
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local path = os.getenv("BENCH_PATH")
local words = {}
for w in string.gmatch(os.getenv("BENCH_WORDS") or "", "[^,]+") do
  words[#words + 1] = string.gsub(w, " ", "+")
end
local n = 0

wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

function setup(thread)
  thread:set("offset", math.random(0, 1000))
end

function request()
  n = n + 1
  if #words == 0 then
    return wrk.format("GET", path)
  end
  local word = words[(n + (offset or 0)) % #words + 1]
  return wrk.format("GET", path .. "&q=" .. word)
end
