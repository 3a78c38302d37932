"""booklet: a scientific meeting's programme, kept as plain files, typeset with LaTeX.

The pipeline reads as stages, one package or module each:

load      content/ -> validated, frozen model           (booklet.load)
mark up   Markdown and math -> safe LaTeX fragments     (booklet.markup)
render    model + fragments -> .tex through templates   (booklet.render)
compile   sandboxed latexmk                             (booklet.compile)
finish    cut, stamp, impose, preflight                 (booklet.finish)

Products (booklet, handouts, proofs, ...) are recipes over these stages
(booklet.products).
"""

__version__ = "0.1.0"
