-- POST a vote to poll "m" with the next cookie from a file (one a line): every request a different voter.
local cookies = {}
local n = 0
local i = 0
init = function(args)
  for line in io.lines(args[1]) do n = n + 1; cookies[n] = line end
  i = math.random(n)
end
request = function()
  i = i % n + 1
  return wrk.format("POST", "/api/polls/m/votes", {["Content-Type"] = "application/json", ["Cookie"] = "voter=" .. cookies[i]}, '{"optionId":"a"}')
end
