"""Stage 3, render: the model and its fragments to ``.tex`` through Jinja2 templates.

Delimiters are LaTeX-safe, so that a template reads as LaTeX and TeX's own
braces, ``%`` and ``#`` need no escaping (the convention of aclpub2 and
Indico)::

    \\VAR{expression}           a value
    \\BLOCK{statement}          if / for / set / include ...
    %# comment                  a template comment line (never reaches the .tex)

Every ``\\VAR`` is escaped as text unless it is LaTeX the pipeline made
(:class:`pylatex.utils.NoEscape`): forgetting a filter cannot let an author's
text reach TeX raw. Templates are looked up in the user's folder first, then
in the package's defaults, so restyling means copying one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from booklet.diagnostics import Diagnostics, Origin
from booklet.markup.escape import NoEscape, latex
from booklet.paths import default_templates


def environment(extra_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    search = [str(d) for d in extra_dirs if d.is_dir()] + [str(default_templates())]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        finalize=latex,
    )
    env.filters["latex"] = latex
    env.filters["raw"] = NoEscape  # for LaTeX written in the template itself
    env.filters["comment"] = comment
    return env


def html_environment(extra_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    """Templates for HTML pages: Jinja2's own delimiters, HTML-escaped values."""
    search = [str(d) for d in extra_dirs if d.is_dir()] + [str(default_templates())]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def comment(value: object) -> NoEscape:
    """Text for a ``%`` comment line: anything goes but a line break."""
    return NoEscape(" ".join(str(value).split()))


def render(
    env: jinja2.Environment, name: str, context: dict[str, Any], diags: Diagnostics
) -> str | None:
    """Render template ``name``; a template error becomes a diagnostic at its line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename or name)
        diags.error(Origin(path, exc.lineno or 1), f"template error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        diags.error(Origin(Path(name)), f"template not found: {exc.name}")
    except jinja2.TemplateError as exc:  # undefined variables and the like, at render time
        diags.error(_template_origin(exc, name), f"template error: {exc.message}")
    return None


def _template_origin(exc: BaseException, name: str) -> Origin:
    """The template line being rendered when ``exc`` was raised.

    Jinja2 rewrites tracebacks so that template code appears with the
    template's file name and line.
    """
    origin = Origin(Path(name))
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            origin = Origin(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return origin
