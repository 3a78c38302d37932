-- HTML abstracts to Markdown, many per process (`pandoc lua html_batch.lua READER`).
--
-- stdin: a JSON list of HTML strings. stdout: a JSON list, one {ok = markdown}
-- or {error = message} per input. Only what booklet prints survives: images
-- become their description, raw HTML (scripts, styles, comments) is dropped,
-- <div> and <span> wrappers are removed with their attributes, headings
-- become bold paragraphs.
--
-- raw_tex stays on in the writer: without it pandoc 3.9 writes the text \(x\)
-- as \x, losing the parentheses. The filter leaves no raw TeX to write.
local reader = arg[1]
local writer = 'markdown-raw_html-raw_attribute-native_divs-native_spans'
  .. '-fenced_divs-bracketed_spans-link_attributes-header_attributes-inline_code_attributes'
  .. '-fenced_code_attributes-smart'

local filter = {
  Image = function(el) return el.caption end,
  RawInline = function() return {} end,
  RawBlock = function() return {} end,
  Span = function(el) return el.content end,
  Div = function(el) return el.content end,
  Figure = function(el) return el.content end,
  Header = function(el) return pandoc.Para({pandoc.Strong(el.content)}) end,
  Link = function(el) el.attr = pandoc.Attr() return el end,
  Code = function(el) el.attr = pandoc.Attr() return el end,
  CodeBlock = function(el) el.attr = pandoc.Attr() return el end,
}

local inputs = pandoc.json.decode(io.read('a'), false)
local results = {}
for i, text in ipairs(inputs) do
  local ok, value = pcall(function()
    local doc = pandoc.read(text, reader):walk(filter)
    return pandoc.write(doc, writer, {wrap_text = 'none'})
  end)
  if ok then results[i] = {ok = value} else results[i] = {error = tostring(value)} end
end
io.write(pandoc.json.encode(results))
