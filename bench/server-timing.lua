-- wrk script: collects the server's own time per response (the Server-Timing header's
-- app;dur) and prints its median and 99th percentile next to wrk's client-side figures.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    samples = {}
end

function response(status, headers, body)
    local value = headers["server-timing"] or headers["Server-Timing"]
    if value then
        local ms = value:match("dur=([%d%.]+)")
        if ms then
            samples[#samples + 1] = tonumber(ms)
        end
    end
end

function done(summary, latency, requests)
    local all = {}
    for _, thread in ipairs(threads) do
        for _, ms in ipairs(thread:get("samples")) do
            all[#all + 1] = ms
        end
    end
    table.sort(all)
    if #all == 0 then
        io.write("server-timing none\n")
        return
    end
    local function at(p)
        return all[math.max(1, math.ceil(#all * p))]
    end
    io.write(string.format("server-timing %d %.2f %.2f\n", #all, at(0.5), at(0.99)))
end
