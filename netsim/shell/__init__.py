"""A small POSIX shell: what runs the text a student types into a simulated host.

``Shell(host, commands, fs).run("ip link add br0 type bridge && ip link set br0 up")``
reads the text the way bash does -- words, quotes, ``$VAR``, ``$(...)``, pipes, ``&&``,
``if``/``for``/``while``/``case``, functions, redirections, here-documents -- and calls
the programs it names. Programs come from three places, looked up in this order:

1. shell functions the script defined, then the shell's own builtins (``cd``, ``echo``,
   ``export``, ``test``/``[``, ``read``, ``source``...), which must live inside the
   shell because they change the shell itself;
2. the ``commands`` registry: ``ip``, ``bridge``, ``brctl``, ``ping``... written
   elsewhere in netsim, each ``fn(host, argv, io) -> status``;
3. small coreutils written here (``cat``, ``grep``, ``head``, ``wc``, ``ls``,
   ``chmod``...), then executable files in ``$PATH`` directories of the host's file
   system.

How one command line runs (the same order as bash):

    text --lexer--> tokens --parser--> tree of nodes --executor--> status
                                        expand words: $VAR, $(...), $((...)), split
                                        open redirections, then call the program

Pipes are not concurrent: ``a | b`` runs ``a`` to completion, then gives its output to
``b`` as standard input. That is invisible to these short-lived commands, and it keeps
the simulation deterministic. A program that would print without end (``seq 1 1e12``)
hands its output on lazily instead: ``b`` makes only what it reads (``| head -3``). For
the same reason ``cmd &`` simply runs ``cmd`` (in a subshell) before going on, status 0
(there is no job control), and ``wait`` returns at once; ``sleep inf`` there returns.

What it leaves out, on purpose: globbing (``*`` stays literal), arrays, ``trap``,
job control, aliases, the history, and prompts (``netsim shell``, in
:mod:`netsim.app.shell_cmd`, adds a prompt and a history at a real terminal). A
script runs to completion or to a limit: :data:`MAX_STEPS` commands and loop rounds
per :meth:`Shell.run` (exit status 124, as ``timeout`` uses), :data:`MAX_FUNC_DEPTH`
nested function calls, and :data:`MAX_TEXT` characters in one word or output stream
-- so an endless loop in a notebook stops with a message instead of hanging it. A
command that would never end at a real prompt (``sleep inf``) stops the line at once
with netsim's message and Ctrl-C's status, 130.

Any text is input: numbers of any length are read as the C programs read them (bash's
arithmetic wraps in 64 bits, ``printf`` saturates with its warning, coreutils say
"Value too large", never Python's 4,300-digit ``int()`` limit), NUL bytes are what
bash makes of them (skipped in input, the end of a ``$'...'``), and a byte that is
not UTF-8 is a surrogate escape (``\\udcff`` for 0xff, see :mod:`.encoding`), so what
``run`` returns always encodes with ``.encode("utf-8", "surrogateescape")``.

One ``Shell`` is one open terminal: variables, functions and the working directory
persist from one :meth:`Shell.run` to the next, and messages are worded as an
interactive bash words them (``bash: foo: command not found``, ``bash: syntax error
near unexpected token `fi'``). Script files get bash's script wording (``x.sh: line 3:
...``), ``bash -c`` its own (``bash: -c: line 1: ...``). The coreutils print what GNU
coreutils 9 print under a UTF-8 locale (``mkdir: cannot create directory ‘x’: File
exists``), since students compare with a real terminal. ``awk`` runs POSIX awk as
mawk and gawk do (see :mod:`.awk` for the few things it leaves out).

The package, in the order a command line flows through it:

- :mod:`.lexer` and :mod:`.parser` turn text into the tree of :mod:`.ast`;
- :mod:`.interpreter` holds :class:`Shell` and runs the tree, with three mixins:
  :mod:`.dispatch` (simple commands: which program a name means), :mod:`.redirect`
  (file descriptors and redirections) and :mod:`.expand` (word expansion), helped by
  :mod:`.arith` (``$(( ))``), :mod:`.patterns` (globs and regexes) and
  :mod:`.conditions` (``test``, ``[[ ]]``);
- :mod:`.plumbing` is what builtins and coreutils plug into; :mod:`.builtins` holds
  the shell's own commands, :mod:`.escapes` the backslash escapes (echo, printf,
  ``$'...'``), :mod:`.printf` printf's formats, and :mod:`.textutils`,
  :mod:`.fileutils`, :mod:`.shellutils`, :mod:`.seq` and :mod:`.awk` the programs
  written here;
- :mod:`.numbers` reads floating-point numbers as C does (integers are
  :mod:`netsim.user.strtol`'s), :mod:`.encoding` turns text into bytes and back, and
  :mod:`.errors` has the limits and the exceptions the others share.
"""

# Importing these modules registers their commands in the tables of .plumbing; the
# coreutils' modules (textutils, fileutils, shellutils, seq, awk) are imported on first use.
from netsim.shell import builtins, kill  # noqa: F401
from netsim.shell.errors import (
    MAX_FUNC_DEPTH,
    MAX_NESTING,
    MAX_PARSE_DEPTH,
    MAX_STEPS,
    MAX_TEXT,
    ShellSyntaxError,
)
from netsim.shell.interpreter import Shell


def incomplete(text: str) -> bool:
    """Whether ``text`` is a command still being typed -- a ``do`` without its ``done``,
    an open quote or ``$(``, a line ending in ``|``, ``&&`` or a backslash, a
    here-document without its end line -- for which an interactive bash prints its
    second prompt (``> ``) and reads another line."""
    from netsim.shell.lexer import _Lexer
    from netsim.shell.parser import _Parser

    lexer = _Lexer(text)
    parser = _Parser(lexer)
    try:
        while parser.parse_command_line() is not None:
            pass
    except ShellSyntaxError as error:
        return (error.message == "syntax error: unexpected end of file"
                or error.message.startswith("unexpected EOF while looking for matching"))
    except Exception:  # noqa: BLE001 - too deep to parse: the run will say so
        return False
    if any("here-document" in warning and "end-of-file" in warning
           for warning in lexer.warnings):
        return True
    backslashes = len(text) - len(text.rstrip("\\"))
    return backslashes % 2 == 1


__all__ = [
    "MAX_FUNC_DEPTH",
    "MAX_NESTING",
    "MAX_PARSE_DEPTH",
    "MAX_STEPS",
    "MAX_TEXT",
    "Shell",
    "ShellSyntaxError",
    "incomplete",
]
