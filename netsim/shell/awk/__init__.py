"""awk, the pattern-action language, as mawk and gawk run it (a faithful POSIX subset).

An awk program is a list of rules ``pattern { action }``; awk reads its input one
*record* (line) at a time, splits it into *fields* ``$1``, ``$2``... and runs the
action of every rule whose pattern matches. This package runs such programs in three
stages, each a module (:mod:`.lexer`, :mod:`.parser`, :mod:`.interp`):

1. **Lexing** (:func:`_tokenize`) cuts the text into tokens. Two things make awk's
   lexer unusual. A newline ends a statement, except after ``{ , && || do else``
   where a statement cannot end. And ``/`` is division after an operand (``a / 2``)
   but opens a regex literal anywhere else (``$0 ~ /x/``, ``split(s, a, /,/)``).
2. **Parsing** (:class:`_Parser`) is recursive descent with one method per precedence
   level, from assignment and ``?:`` (loosest) down to ``$`` and ``( )`` (tightest).
   It builds a tree of small dataclasses (``_Num``, ``_Field``, ``_Print``...).
   Mistakes are reported as mawk does: ``awk: line 1: syntax error at or near ;``,
   exit status 2.
3. **Running** (:class:`_Runner`) walks the tree: ``_e_*`` methods evaluate
   expressions, ``_x_*`` methods execute statements. ``break``, ``next``, ``exit``
   and ``return`` are Python exceptions, because they leave any number of nested
   calls at once.

Around them: :mod:`.values` (numbers, strings, strnums), :mod:`.errors` (exceptions
and jumps), :mod:`.ast` (the tree's node types), :mod:`.regex` (EREs to Python's
``re``), :mod:`.records` (``RS``/``FS`` splitting, ``sub``/``gsub``), :mod:`.printf`
and :mod:`.builtins` (the built-in functions). This file is the command itself:
option parsing, then parse and run.

Values are Python ``float`` (numbers) and ``str``. awk also needs a third kind:
text read from input (a field, ``getline var``, ``split``, ``-v``) that *looks* like
a number compares as a number -- ``$1 > 9`` is true for the field ``10`` although
``"10" > "9"`` between string constants is false. Such text is a :class:`_Strnum`, a
``str`` subclass; a never-assigned variable is the singleton :data:`_UNINIT`, both
``""`` and ``0``.

Supported: BEGIN/END, ``/re/`` and expression patterns, ranges ``/a/,/b/``; all
statements (``if while do for``, ``for (k in a)``, ``break continue next nextfile
exit return delete``, ``print``/``printf`` with ``> >> |``); every operator with awk's
precedence; associative arrays (``a[i,j]`` joins with ``SUBSEP``); fields with ``$0``
rebuilt from ``OFS``; ``NF NR FNR FS OFS ORS RS`` (one character, regex or ``""``
for paragraphs), ``FILENAME SUBSEP CONVFMT OFMT RSTART RLENGTH ENVIRON ARGV ARGC``;
the POSIX built-ins plus ``fflush``; ``getline`` in all its forms; user functions
(arrays by reference, scalars by value); ``-F -v -f``, and ``var=value`` operands.

Where mawk and gawk disagree this follows one of them and says so in a comment
(division by zero is an error, as in gawk; unknown escapes such as ``"\\."`` keep
their backslash, as in mawk). Not supported: POSIX leftmost-*longest* alternation
(Python's ``re`` takes the first alternative that matches, so ``match("ab", /a|ab/)``
finds ``a``), locales and byte semantics (strings are Unicode, as in gawk), and gawk's
extensions (``gensub``, ``asort``, ``strftime``...). Loops and calls count against the
shell's step limit, so an endless loop stops the script as an endless shell loop does.
"""

from __future__ import annotations

import re

from netsim.shell.awk.errors import _AwkRuntimeError, _AwkSyntaxError
from netsim.shell.awk.interp import _Runner
from netsim.shell.awk.lexer import _unescape
from netsim.shell.awk.parser import _Parser
from netsim.shell.awk.values import _Strnum
from netsim.shell.errors import _Usage
from netsim.shell.plumbing import _Ctx, _utility
from netsim.user.getopt import Getopt, GetoptError

_USAGE = "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]"


@_utility("awk", "gawk", "mawk", usage_status=2)
def _awk(ctx: _Ctx, argv: list[str]) -> int:
    """``awk [-F fs] [-v var=value] [-f progfile | 'program'] [file ...]``."""
    prog = argv[0].rsplit("/", 1)[-1] or "awk"
    args = argv[1:]
    assignments: list[tuple[str, str]] = []
    fs: str | None = None
    sources: list[str] = []
    # mawk reads its options up to the first operand: -F fs, -v var=value, -f progfile,
    # each value glued or the next word; its own messages, naming the word
    scan = Getopt(prog, args, "+F:v:f:V", {"version": "V"}, exact=True)
    try:
        for name, arg in scan:
            if name == "-V":
                ctx.out(f"{prog} (netsim): a POSIX awk subset, after mawk 1.3.4 and gawk 5\n")
                return 0
            value = arg or ""  # -F, -v and -f all require one
            if name == "-F":
                fs = _unescape(value)  # `-Ft` is a "t", not a tab, in mawk and gawk alike
            elif name == "-v":
                var, equals, text = value.partition("=")
                if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
                    return ctx.fail(f"{prog}: improper assignment: -v {value}", 2)
                assignments.append((var, text))
            else:
                text = ctx.read_input(value, prog, style="open")
                if text is None:
                    return 2
                sources.append(text)
    except GetoptError as err:
        if err.kind == GetoptError.MISSING:
            raise _Usage(f"{prog}: option requires an argument -- {err.option}\n{_USAGE}",
                         hint=False) from None
        raise _Usage(f"{prog}: not an option: {err.word}\n{_USAGE}", hint=False) from None
    args = scan.operands
    if not sources:
        if not args:
            raise _Usage(_USAGE, hint=False)
        sources.append(args.pop(0))
    try:
        program = _Parser("\n".join(sources)).program()
    except _AwkSyntaxError as e:
        return ctx.fail(f"{prog}: line {e.line}: {e.message}", 2)
    except RecursionError:
        return ctx.fail(f"{prog}: program nested too deeply", 2)
    runner = _Runner(ctx, program, prog, args)
    if fs is not None:
        runner.globals["FS"] = fs
    for name, text in assignments:
        try:
            runner.assign_var(name, _Strnum(_unescape(text)))
        except _AwkRuntimeError as e:
            return ctx.fail(f"{prog}: {e}", 2)
    return runner.run()
