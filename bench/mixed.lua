-- wrk script: a mixed load on one large organisation. Of every 100 requests 80 read (lists,
-- a search, a record page of the breach register) and 20 write (10 new services, 10 new
-- breach records, each with a unique name). Environment: TOKEN (write scope), ORG, PROJECT.
local token = os.getenv("TOKEN")
local org = os.getenv("ORG") or "bench"
local project = os.getenv("PROJECT")
local base = "/api/v1/orgs/" .. org
local p = base .. "/projects/" .. project
local threads = {}
local counter = 0
local id = 0

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
    math.randomseed(os.time() + id)
end

local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

function request()
    counter = counter + 1
    local r = math.random(100)
    if r <= 10 then
        local body = string.format('{"name": "load service %d-%d-%d"}', id, counter, math.random(1000000000))
        return wrk.format("POST", p .. "/services", headers, body)
    elseif r <= 20 then
        local body = string.format(
            '{"title": "load breach %d-%d-%d", "aware_at": "2026-11-20T10:00:00Z", "nature": ["confidentiality"], "description": "Mixed load test.", "risk": "risk"}',
            id, counter, math.random(1000000000))
        return wrk.format("POST", base .. "/breaches", headers, body)
    elseif r <= 40 then
        return wrk.format("GET", p .. "/services?offset=" .. math.random(0, 450), headers)
    elseif r <= 60 then
        return wrk.format("GET", p .. "/data-items?offset=" .. math.random(0, 9950), headers)
    elseif r <= 70 then
        return wrk.format("GET", p .. "/data-items?q=field%20" .. string.format("%04d", math.random(0, 9999)), headers)
    elseif r <= 80 then
        return wrk.format("GET", base .. "/breaches?limit=25", headers)
    elseif r <= 90 then
        return wrk.format("GET", p .. "/processing-activities?offset=" .. math.random(0, 1950), headers)
    else
        return wrk.format("GET", base .. "/gaps", headers)
    end
end

function response(status, hdrs, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local all = {}
    for _, thread in ipairs(threads) do
        local s = thread:get("statuses")
        for code, n in pairs(s) do
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
