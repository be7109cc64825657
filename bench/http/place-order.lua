-- One PlaceOrder per request, each for a new order id, so every request appends to a new stream.
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
end

local function uuid()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local product = "6a3c5c2e-8a1f-4c5e-9b6f-3f0c2b1a4d5e"

request = function()
  local body = '{"id":"' .. uuid() .. '","customerId":"load","customerName":"Load","lines":[{"productId":"' ..
    product .. '","productName":"Novel","quantity":1,"unitPrice":40}]}'
  return wrk.format("POST", "/commands/shop.place-order", nil, body)
end
