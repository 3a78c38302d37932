-- One pandoc process for many documents (run as `pandoc lua pandoc_batch.lua MODE ARG`).
--
-- stdin: a JSON list of inputs. stdout: a JSON list of results, one per
-- input, each {ok = text} or {error = message}.
--   read   Markdown -> pandoc's JSON AST, each input (a string) parsed on its
--          own, with the reader given as ARG
--   write  pandoc AST -> the format ARG: latex, html (mathematics as MathML)
--          or plain. Each input is a JSON AST (a document, or a list of
--          blocks), or for html a pair [id prefix, AST], so that footnote
--          anchors of documents shown on one page never clash.
-- Each document is parsed and written separately, so an unclosed construct in
-- one abstract can never swallow the next one.
local mode, arg2 = arg[1], arg[2]
local inputs = pandoc.json.decode(io.read('a'), false)

local function document(ast)
  -- a whole document goes through pandoc's JSON reader, twice as quick as decoding
  -- it into Lua values; a list of blocks has no reader
  if ast:match('^%s*{') then return pandoc.read(ast, 'json') end
  return pandoc.Pandoc(pandoc.json.decode(ast))
end

local function write(input)
  local prefix = ''
  if type(input) == 'table' then prefix, input = input[1], input[2] end
  local doc = document(input)
  if arg2 == 'latex' then
    return pandoc.write(doc, 'latex', {wrap_text = 'wrap-preserve'})
  elseif arg2 == 'html' then
    return pandoc.write(doc, 'html', {html_math_method = 'mathml', wrap_text = 'none',
                                      identifier_prefix = prefix})
  elseif arg2 == 'plain' then
    return pandoc.write(doc, 'plain', {wrap_text = 'none'})
  end
  error('unknown output format ' .. tostring(arg2))
end

local results = {}
for i, input in ipairs(inputs) do
  local ok, value = pcall(function()
    if mode == 'read' then
      return pandoc.write(pandoc.read(input, arg2), 'json')
    elseif mode == 'write' then
      return write(input)
    end
    error('unknown mode ' .. tostring(mode))
  end)
  if ok then results[i] = {ok = value} else results[i] = {error = tostring(value)} end
end
io.write(pandoc.json.encode(results))
