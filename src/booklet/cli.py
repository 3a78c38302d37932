"""The command line: ``booklet check``, ``build``, ``preflight`` and ``import``.

Exit status: 0 success, 1 content or compile errors, 2 usage errors.
Problems are printed one a line, ``path:line: error|warning: message``, on
stderr; bad input never shows a Python traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from booklet import __version__
from booklet.diagnostics import Diagnostics, display_path
from booklet.options import BuildOptions
from booklet.paper import PAPER_MM
from booklet.state import BuildState, fingerprint, forget_state, save_state, up_to_date

# The stages are imported when needed: an up-to-date build answers before
# loading them (see booklet.state).
TARGETS = ("booklet", "proofs", "handouts", "slides", "ics", "frab", "html", "print")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
IMPORT_FORMATS = ("indico", "frab", "csv")  # booklet.importers.FORMATS


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="booklet",
        description="Typeset a meeting's programme booklet from content/ (event.yaml and "
        "contributions/*.md).",
    )
    parser.add_argument("--version", action="version", version=f"booklet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    check = commands.add_parser("check", help="validate the content and report problems")
    check.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                       help="the content folder: event.yaml, contributions/*.md (default: content)")

    build = commands.add_parser("build", help="typeset documents into OUT")
    build.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help=f"what to build: {', '.join(TARGETS)} (default: booklet)",
    )
    build.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                       help="the content folder: event.yaml, contributions/*.md (default: content)")
    build.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help="where the documents go; DIR/src holds their LaTeX, DIR/.work "
                       "what the next build reuses (default: build)")
    build.add_argument(
        "--templates", type=Path, default=None, metavar="DIR",
        help="a folder of templates that override the defaults (default: DIR/templates "
        "of the content, when it exists)",
    )  # fmt: skip
    build.add_argument(
        "-k", "--keep-going", action="store_true",
        help="typeset everything that can be: a contribution with errors is replaced by a "
        "marked placeholder (and reported) instead of stopping the build",
    )  # fmt: skip
    build.add_argument("-v", "--verbose", action="store_true",
                       help="say how long each stage took and what was up to date")
    build.add_argument(
        "-j", "--jobs", type=positive, default=min(4, os.cpu_count() or 1), metavar="N",
        help="compile up to N documents at once (default: the number of cores, at most 4)",
    )  # fmt: skip

    preflight = commands.add_parser(
        "preflight", help="check a PDF as a print shop would (sizes, fonts, images, boxes)"
    )
    preflight.add_argument("file", type=Path, metavar="FILE.pdf")
    preflight.add_argument("--paper", choices=tuple(PAPER_MM), default=None,
                           help="the trim size ordered (default: any, the same on every page)")
    preflight.add_argument("--imposed", action="store_true",
                           help="FILE holds imposed sheets: landscape pages of PAPER, printed "
                           "front and back")  # fmt: skip
    preflight.add_argument("--grayscale", action="store_true",
                           help="warn about colour: the file will be printed in gray")

    imports = commands.add_parser(
        "import", help="write content/ from an Indico export, a frab/pretalx schedule or a CSV "
        "sheet (again: merged with local edits)",
    )  # fmt: skip
    imports.add_argument("format", choices=IMPORT_FORMATS, metavar="FORMAT",
                         help=f"the source's format: {', '.join(IMPORT_FORMATS)}")
    imports.add_argument("source", type=Path, metavar="SOURCE")
    imports.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                         help="the content folder to write (default: content)")
    imports.add_argument("--mapping", type=Path, default=None, metavar="FILE",
                         help="csv: which column holds what (default: SOURCE's name with "
                         ".mapping.yaml, when it exists)")  # fmt: skip
    imports.add_argument("--sessions", choices=("room-day", "track", "none"), default=None,
                         help="frab: make sessions of each room's day (the default), of tracks "
                         "(the default for a schedule booklet wrote), or none")  # fmt: skip
    imports.add_argument("--dollars", choices=("math", "text"), default=None,
                         help="what $ means in titles and abstracts (default: math for indico "
                         "and csv, text for frab, where $12 is a price)")  # fmt: skip
    imports.add_argument("-n", "--dry-run", action="store_true",
                         help="say what would change, write nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("say what to do: booklet check, or booklet build")
        if args.command == "build":
            unknown = [t for t in args.targets if t not in TARGETS]
            if unknown:
                raise UsageError(
                    f"unknown target {', '.join(unknown)}; targets are {', '.join(TARGETS)}"
                )
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"booklet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "preflight":
        return preflight(args.file, args.paper, args.imposed, args.grayscale)
    if args.command == "import":
        return import_(args)
    if not args.content.is_dir():
        what = "is not a folder" if args.content.exists() else "not found"
        print(f"booklet: error: content folder '{args.content}' {what}", file=sys.stderr)
        return EXIT_USAGE
    out = getattr(args, "out", None)
    if out is not None and out.exists() and not out.is_dir():
        print(f"booklet: error: output folder '{out}' is a file", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "check":
            return check(args.content)
        options = BuildOptions(
            content=args.content,
            out=args.out,
            targets=args.targets or ["booklet"],
            templates=args.templates,
            keep_going=args.keep_going,
            jobs=args.jobs,
        )
        return build(options, verbose=args.verbose)
    except KeyboardInterrupt:
        print("booklet: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a folder we cannot write, a full disk: say so, no traceback
        print(f"booklet: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_ERRORS


def report(diags: Diagnostics) -> None:
    for d in diags:
        print(d, file=sys.stderr)


def summary(diags: Diagnostics) -> str:
    errors, warnings = diags.count("error"), diags.count("warning")
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def check(content: Path) -> int:
    """Load and mark up everything (no TeX run), report every problem."""
    from booklet.load import load_programme
    from booklet.markup import mark_up
    from booklet.markup.pandoc import PandocError

    diags = Diagnostics()
    programme = load_programme(content, diags)
    if programme is not None:
        try:
            mark_up(programme, diags, jobs=min(4, os.cpu_count() or 1))
        except PandocError as exc:
            print(f"booklet: error: {exc}", file=sys.stderr)
            return EXIT_ERRORS
    report(diags)
    count = len(programme.contributions) if programme else 0
    print(f"booklet: checked {count} contributions: {summary(diags)}", file=sys.stderr)
    return EXIT_ERRORS if diags.has_errors else EXIT_OK


def import_(args: argparse.Namespace) -> int:
    """``booklet import``: write the content from a source, then check it as ``booklet check``."""
    from booklet.importers import ImportOptions, import_source
    from booklet.importers.html import HtmlError

    if args.content.exists() and not args.content.is_dir():
        print(f"booklet: error: content folder '{args.content}' is a file", file=sys.stderr)
        return EXIT_USAGE
    options = ImportOptions(content=args.content, dollars=args.dollars, sessions=args.sessions,
                            mapping=args.mapping, dry_run=args.dry_run)  # fmt: skip
    diags = Diagnostics()
    try:
        result = import_source(args.format, args.source, options, diags)
    except HtmlError as exc:
        report(diags)
        print(f"booklet: error: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        report(diags)
        print(f"booklet: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_ERRORS
    report(diags)
    if result is None:
        print(f"booklet: nothing imported: {summary(diags)}", file=sys.stderr)
        return EXIT_ERRORS
    done = "would be" if args.dry_run else "were"
    if args.dry_run:
        outcome = result.outcome
        for what, files in (("new", outcome.new), ("updated", outcome.updated),
                            ("removed", outcome.removed)):  # fmt: skip
            for rel in files:
                print(f"booklet: {what}: {display_path(args.content / rel)}", file=sys.stderr)
    print(f"booklet: import {args.format}: {result.contributions} contributions read from "
          f"{display_path(args.source)}; files {done}: {result.outcome.summary()}",
          file=sys.stderr)  # fmt: skip
    if args.dry_run:
        return EXIT_ERRORS if diags.has_errors else EXIT_OK
    status = check(args.content)
    return EXIT_ERRORS if diags.has_errors else status


def build(options: BuildOptions, verbose: bool = False) -> int:
    started = time.monotonic()
    key = fingerprint(options.content, options.templates, {
        "targets": sorted(set(options.targets)), "keep_going": options.keep_going,
        "templates": str(options.templates), "out": str(options.out.resolve()),
    })  # fmt: skip
    state = up_to_date(options.out, key)
    if state is not None:
        for message in state.messages:
            print(message, file=sys.stderr)
        print(f"booklet: up to date, nothing to do ({state.summary}; "
              f"{time.monotonic() - started:.2f} s)", file=sys.stderr)  # fmt: skip
        return EXIT_OK
    forget_state(options.out)  # until this build succeeds

    from booklet.pipeline import BuildError
    from booklet.pipeline import build as run_build

    diags = Diagnostics()
    try:
        result = run_build(options, diags)
    except BuildError as exc:
        report(diags)
        print(f"booklet: error: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    report(diags)
    for name, paths in result.outputs.items():
        shown = ", ".join(display_path(p) for p in paths[:3])
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        print(f"booklet: {name}: {shown}{more}", file=sys.stderr)
    for note in result.notes:
        print(f"booklet: {note}", file=sys.stderr)
    if result.unread and result.ok:
        files = ", ".join(p.name for p in result.unread)
        print(
            f"booklet: {len(result.unread)} contribution file(s) left out, their fields could "
            f"not be read (--keep-going): {files}",
            file=sys.stderr,
        )
    if result.left_out and result.ok:
        ids = ", ".join(sorted(result.left_out))
        print(
            f"booklet: {len(result.left_out)} contribution(s) replaced by a marked placeholder "
            f"(--keep-going): {ids}",
            file=sys.stderr,
        )
    if diags.has_errors or not result.ok:
        print(f"booklet: build failed: {summary(diags)}", file=sys.stderr)
        return EXIT_ERRORS
    if verbose:
        for stage, seconds in result.timings.items():
            print(f"booklet: {seconds:7.2f} s  {stage}", file=sys.stderr)
    print(
        f"booklet: built {', '.join(result.outputs)} in "
        f"{time.monotonic() - started:.1f} s: {summary(diags)}",
        file=sys.stderr,
    )
    outputs = [p for paths in result.outputs.values() for p in paths]
    outputs += [c.tex for c in result.compiled.values()]
    save_state(options.out, BuildState(key, [str(p) for p in outputs],
                                       [str(d) for d in diags]
                                       + [f"booklet: {n}" for n in result.notes],
                                       summary(diags)))  # fmt: skip
    return EXIT_OK


def preflight(path: Path, paper: str | None, imposed: bool, grayscale: bool) -> int:
    """``booklet preflight FILE``: the report on stdout; 1 when a check fails."""
    if not path.is_file():
        what = "is not a file" if path.exists() else "not found"
        print(f"booklet: error: '{path}' {what}", file=sys.stderr)
        return EXIT_USAGE
    from booklet.preflight import Expectations, NotAPdf, Unreadable, print_report
    from booklet.preflight import preflight as check_pdf

    try:
        report = check_pdf(path, Expectations(paper, imposed, grayscale))
    except Unreadable as exc:  # not a PDF: a usage error; a damaged PDF: it fails
        print(f"booklet: error: {display_path(path)}: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, NotAPdf) else EXIT_ERRORS
    print_report(report, sys.stdout)
    return EXIT_ERRORS if report.failures else EXIT_OK
