-- wrk script: a password-guessing flood on the sign-in route from one address.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"login": "flood.target", "password": "guess guess guess"}'

function response(status, hdrs, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local all = {}
    for _, thread in ipairs(threads) do
        for code, n in pairs(thread:get("statuses")) do
            all[code] = (all[code] or 0) + n
        end
    end
    local parts = {}
    for code, n in pairs(all) do
        parts[#parts + 1] = code .. ":" .. n
    end
    table.sort(parts)
    io.write("statuses " .. table.concat(parts, " ") .. "\n")
end
