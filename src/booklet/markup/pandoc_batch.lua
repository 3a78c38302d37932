-- One pandoc process for many documents (run as `pandoc lua pandoc_batch.lua MODE`).
--
-- stdin: a JSON list of strings. stdout: a JSON list of results, one per
-- input, each {ok = text} or {error = message}.
--   read   Markdown -> pandoc's JSON AST, each input parsed on its own, with
--          the reader given as the second argument
--   write  JSON AST -> LaTeX
-- Each document is parsed and written separately, so an unclosed construct in
-- one abstract can never swallow the next one.
local mode, reader = arg[1], arg[2]
local inputs = pandoc.json.decode(io.read('a'), false)
local results = {}
for i, text in ipairs(inputs) do
  local ok, value = pcall(function()
    if mode == 'read' then
      return pandoc.write(pandoc.read(text, reader), 'json')
    elseif mode == 'write' then
      return pandoc.write(pandoc.read(text, 'json'), 'latex', {wrap_text = 'wrap-preserve'})
    end
    error('unknown mode ' .. tostring(mode))
  end)
  if ok then results[i] = {ok = value} else results[i] = {error = tostring(value)} end
end
io.write(pandoc.json.encode(results))
