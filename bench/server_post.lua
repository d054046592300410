-- server_post.lua: wrk script for bench/server_load.sh. POSTs one distinct
-- signed report per request to /v1/reports, from the file in REPORTS; each
-- wrk thread takes every n-th line, so no report is sent twice.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  lines, next_line = {}, 1
  local i = 0
  for line in io.lines(os.getenv("REPORTS")) do
    if i % tonumber(os.getenv("WRK_THREADS")) == id then lines[#lines + 1] = line end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local line = lines[next_line]
  next_line = next_line % #lines + 1
  return wrk.format(nil, "/v1/reports", nil, line)
end

