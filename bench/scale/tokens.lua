-- tokens.lua — wrk script for bench/scale/scale.sh: every request carries a bearer token picked
-- uniformly at random from a file of tokens (one per line).
--   wrk ... -s tokens.lua URL -- TOKEN_FILE [SEED]
local tokens, n = {}, 0

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if #line > 0 then
      n = n + 1
      tokens[n] = "Bearer " .. line
    end
  end
  if n == 0 then error("no tokens in " .. tostring(path)) end
  math.randomseed(tonumber(args[2]) or 1)
end

function request()
  return wrk.format(nil, nil, { Authorization = tokens[math.random(n)] })
end
