"""glibc's getopt_long(): how a Linux program reads the options in its argv.

Most tools (coreutils, procps' sysctl, iputils' ping, tcpdump, busybox, dnsmasq,
conntrack...) do not parse their command line themselves: they call glibc's
``getopt_long(argc, argv, optstring, longopts, NULL)`` in a loop, get one option per
call, and read their operands from ``argv[optind]`` on once it returns -1. So they
all agree on the details, and print the same messages. This module is that loop
for the simulated tools.

**The option string.** ``"nqr:p::"`` names the short options: ``-n`` and ``-q`` are
flags, ``-r`` *requires* an argument, ``-p`` takes an *optional* one. Its first
character may set the ordering (below): ``+`` or ``-``.

**Scanning a word.** argv is read one word at a time:

* ``-nq`` is a *cluster*: ``-n`` then ``-q``, as if typed apart.
* ``-rX`` or ``-r X``: a required argument is the rest of the word, else the whole
  next word (even one that starts with ``-``). ``-nrX`` is ``-n -r X``.
* ``-pX``: an optional argument must be glued; ``-p X`` is ``-p`` and an operand X.
* ``--name=value``, ``--name value`` (required arguments only), ``--name``: long
  options. A long name may be shortened to any prefix that is unique (``--val`` for
  ``--values``), or shared only by names of the same option (``--prot`` when
  ``--proto`` and ``--protonum`` both mean ``-p``).
* ``--`` ends the options: every later word is an operand, even ``-x``.
* ``-`` alone is an operand (conventionally: standard input); so is any word not
  starting with ``-``.

**Ordering.** By default glibc *permutes*: operands may come before, between and
after options (``ls dir -l``); it moves them to the end of argv, so afterwards
``argv[optind:]`` holds the operands in their order. With ``+`` first
(REQUIRE_ORDER, POSIX's rule, as with ``POSIXLY_CORRECT``) the scan stops at the
first operand; the shell's builtins read their options this way too. With ``-``
first (RETURN_IN_ORDER) each operand comes back where it stands, as an "option"
named :data:`OPERAND`.

**Errors.** A bad option makes getopt print a line to stderr and return ``'?'``;
nearly every program then prints its usage and exits. Here :class:`GetoptError` is
raised instead; ``str(err)`` is the line glibc prints (with its newline)::

    ls: invalid option -- 'Z'
    ls: option requires an argument -- 'w'
    ls: unrecognized option '--foo=1'
    ls: option '--c' is ambiguous; possibilities: '--color' '--context'
    ls: option '--all' doesn't allow an argument
    ls: option '--width' requires an argument

A program that words its errors otherwise (``opterr = 0`` in C) reads
``err.kind``, ``err.option`` and ``err.word`` and says it its own way.

Two ways to call it: :func:`getopt_long` scans everything and returns
``(options, operands)``; :class:`Getopt` yields one option at a time, for programs
that act on an option before reading the next, or that move ``optind`` themselves
(conntrack takes ``-L``'s table name from the next word that way).

Not modelled: the ``POSIXLY_CORRECT`` variable, a leading ``:`` in the option
string, ``-W foo`` as ``--foo``, and getopt_long_only().
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

OPERAND = ""
"""The option name an operand comes back under, in RETURN_IN_ORDER mode (``-`` first)."""

PERMUTE, REQUIRE_ORDER, RETURN_IN_ORDER = "permute", "require_order", "return_in_order"

Option = tuple[str, str | None]
"""One option found: its name (``"-n"``, or ``"--name"`` for a long-only option)
and its argument (None when it took none)."""


class GetoptError(Exception):
    """getopt_long() returned ``'?'``; ``str(err)`` is the line glibc printed for it.

    ``kind`` is one of the constants below; ``option`` is what the message quotes
    (the letter, or the long option as typed or as found); ``word`` is the argv word
    the bad option was in -- what C programs print as ``argv[optind - 1]``, except that
    for a bad letter inside a cluster C's ``optind`` has not moved on yet.
    :func:`getopt_long` also leaves the options accepted before it in ``options``.
    """

    INVALID = "invalid"                # -Z: not in the option string
    MISSING = "missing"                # -r at the end: its required argument is missing
    UNRECOGNIZED = "unrecognized"      # --foo: no such long option
    AMBIGUOUS = "ambiguous"            # --v: the prefix of several long options
    NO_ARGUMENT = "no_argument"        # --help=3: the option takes no argument
    NEEDS_ARGUMENT = "needs_argument"  # --pattern at the end: its argument is missing

    def __init__(self, prog: str, kind: str, option: str, word: str,
                 possibilities: Sequence[str] = ()) -> None:
        self.prog, self.kind, self.option, self.word = prog, kind, option, word
        self.possibilities = list(possibilities)
        self.options: list[Option] = []
        super().__init__(f"{prog}: {self.message}\n")

    @property
    def message(self) -> str:
        """glibc's words, without the program name and the newline."""
        if self.kind == self.INVALID:
            return f"invalid option -- '{self.option}'"
        if self.kind == self.MISSING:
            return f"option requires an argument -- '{self.option}'"
        if self.kind == self.UNRECOGNIZED:
            return f"unrecognized option '{self.option}'"
        if self.kind == self.AMBIGUOUS:
            listed = "".join(f" '{name}'" for name in self.possibilities)
            return f"option '{self.option}' is ambiguous; possibilities:{listed}"
        if self.kind == self.NO_ARGUMENT:
            return f"option '{self.option}' doesn't allow an argument"
        return f"option '{self.option}' requires an argument"


def _long_spec(spec: str) -> tuple[str, str]:
    """A long option's spec -> (the short letter it stands for or "", "" | ":" | "::")."""
    if spec[:1] not in ("", ":"):
        return spec[0], spec[1:]
    return "", spec


class Getopt:
    """One scan of ``args`` (argv without argv[0]), as glibc's loop over getopt_long().

    Iterate to get the options one at a time, each as ``(name, argument)``; a bad
    one raises :class:`GetoptError`. When the iteration ends, :attr:`operands` holds
    the operands. ``shortopts`` is getopt's option string; ``longopts`` maps each
    long name to its spec, the ``has_arg`` and ``val`` of C's ``struct option``:
    ``""`` (no argument), ``":"`` (required) or ``"::"`` (optional, only as
    ``--name=value``), optionally after the short letter it is another name for
    (``"i:"``: the same as ``-i``, which comes back as ``"-i"``); an option with no
    letter comes back as ``"--name"``. ``longopts=None`` is plain getopt(), where
    ``--foo`` is a cluster of ``-``, ``f``, ``o``, ``o``. ``exact=True`` refuses
    abbreviations, for a table that lists only some of a program's long options
    (an abbreviation unique among those may be ambiguous in the real one).

    Like C's ``optind``, :attr:`optind` indexes the next word to scan (in ``args``,
    so it is C's value minus one) and may be moved between options; :attr:`args` is
    argv as permuted so far, and :attr:`longopts` may be changed between options too
    (conntrack adds a protocol's options once ``-p`` names it).
    """

    def __init__(self, prog: str, args: Sequence[str], shortopts: str,
                 longopts: Mapping[str, str] | None = None, *, exact: bool = False) -> None:
        self.prog = prog
        self.args = list(args)
        self.ordering = {"+": REQUIRE_ORDER, "-": RETURN_IN_ORDER}.get(shortopts[:1], PERMUTE)
        self.shortopts = shortopts[1:] if self.ordering != PERMUTE else shortopts
        self.longopts = dict(longopts) if longopts is not None else None
        self.exact = exact
        self.optind = 0
        self.dashdash = False  # a `--` ended the options
        self._nextchar = ""  # what is left of the cluster being read
        self._first_nonopt = self._last_nonopt = 0  # operands skipped, not yet moved
        self._done = False

    def __iter__(self) -> Iterator[Option]:
        return self

    def __next__(self) -> Option:
        if self._done:
            raise StopIteration
        if not self._nextchar:
            found = self._next_word()
            if found is not None:
                return found
            if not self._nextchar:
                self._done = True
                raise StopIteration
        return self._short()

    @property
    def operands(self) -> list[str]:
        """``argv[optind:]`` once the options are read: the operands, in order."""
        return self.args[self.optind:]

    # ------------------------------------------------------------------ the scan
    def _is_operand(self, index: int) -> bool:
        word = self.args[index]
        return not word.startswith("-") or word == "-"

    def _exchange(self) -> None:
        """Move the operands skipped so far after the options read since (glibc's
        exchange()), so that options come first and operands stay in order."""
        first, last, end = self._first_nonopt, self._last_nonopt, self.optind
        self.args[first:end] = self.args[last:end] + self.args[first:last]
        self._first_nonopt += end - last
        self._last_nonopt = end

    def _next_word(self) -> Option | None:
        """Go to the next word: an operand to skip or return, ``--``, a long option
        (returned), or a cluster (left in ``_nextchar``). None at the end."""
        count = len(self.args)
        self._last_nonopt = min(self._last_nonopt, self.optind)
        self._first_nonopt = min(self._first_nonopt, self.optind)
        if self.ordering == PERMUTE:
            if self._first_nonopt != self._last_nonopt and self._last_nonopt != self.optind:
                self._exchange()
            elif self._last_nonopt != self.optind:
                self._first_nonopt = self.optind
            while self.optind < count and self._is_operand(self.optind):
                self.optind += 1
            self._last_nonopt = self.optind
        if self.optind != count and self.args[self.optind] == "--":
            self.dashdash = True
            self.optind += 1
            if self._first_nonopt != self._last_nonopt and self._last_nonopt != self.optind:
                self._exchange()
            elif self._first_nonopt == self._last_nonopt:
                self._first_nonopt = self.optind
            self._last_nonopt = self.optind = count
        if self.optind == count:
            if self._first_nonopt != self._last_nonopt:
                self.optind = self._first_nonopt  # back to the operands moved to the end
            return None
        if self._is_operand(self.optind):
            if self.ordering == REQUIRE_ORDER:
                return None
            self.optind += 1
            return OPERAND, self.args[self.optind - 1]
        word = self.args[self.optind]
        if self.longopts is not None and word.startswith("--"):
            return self._long(word)
        self._nextchar = word[1:]
        return None

    def _short(self) -> Option:
        """The next letter of the cluster, and its argument if it takes one."""
        word = self.args[self.optind]
        letter, self._nextchar = self._nextchar[0], self._nextchar[1:]
        if not self._nextchar:
            self.optind += 1  # glibc moves on when it starts the last letter
        pos = self.shortopts.find(letter)
        if pos < 0 or letter in ":;":
            raise GetoptError(self.prog, GetoptError.INVALID, letter, word)
        takes = self.shortopts[pos + 1:pos + 3]
        if not takes.startswith(":"):
            return f"-{letter}", None
        value: str | None = None
        if self._nextchar:  # glued: -rX, -pX
            value = self._nextchar
            self.optind += 1
        elif takes != "::":  # required: the next word, whatever it is
            if self.optind == len(self.args):
                raise GetoptError(self.prog, GetoptError.MISSING, letter, word)
            value = self.args[self.optind]
            self.optind += 1
        self._nextchar = ""
        return f"-{letter}", value

    def _long(self, word: str) -> Option:
        """``--name[=value]``: glibc's process_long_option()."""
        assert self.longopts is not None
        text = word[2:]
        name, eq, value = text.partition("=")
        self.optind += 1
        found = name if name in self.longopts else None
        if found is None and not self.exact:
            candidates = [n for n in self.longopts if n.startswith(name)]
            if candidates:
                first = _long_spec(self.longopts[candidates[0]])
                # names that only spell the same option (same letter, same argument)
                # are not ambiguous; a long-only option is an option of its own
                differ = [n for n in candidates[1:]
                          if _long_spec(self.longopts[n]) != first or not first[0]]
                if differ:
                    raise GetoptError(self.prog, GetoptError.AMBIGUOUS, word, word,
                                      [f"--{n}" for n in [candidates[0], *differ]])
                found = candidates[0]
        if found is None:
            raise GetoptError(self.prog, GetoptError.UNRECOGNIZED, word, word)
        letter, takes = _long_spec(self.longopts[found])
        if eq and not takes:
            raise GetoptError(self.prog, GetoptError.NO_ARGUMENT, f"--{found}", word)
        if not eq and takes == ":":
            if self.optind == len(self.args):
                raise GetoptError(self.prog, GetoptError.NEEDS_ARGUMENT, f"--{found}", word)
            value, eq = self.args[self.optind], "="
            self.optind += 1
        return (f"-{letter}" if letter else f"--{found}"), (value if eq else None)


def getopt_long(prog: str, args: Sequence[str], shortopts: str,
                longopts: Mapping[str, str] | None = None, *,
                exact: bool = False) -> tuple[list[Option], list[str]]:
    """Read all of ``args`` as a program's getopt_long() loop: ``(options, operands)``.

    See :class:`Getopt` for the arguments. The options come in the order given; on
    the first bad one :class:`GetoptError` is raised with the options accepted
    before it in ``err.options`` (a program that stops at ``'?'`` has acted on
    those already: ``sysctl -V -Z`` prints the version).
    """
    scan = Getopt(prog, args, shortopts, longopts, exact=exact)
    options: list[Option] = []
    try:
        for option in scan:
            options.append(option)
    except GetoptError as err:
        err.options = options
        raise
    return options, scan.operands


def getopt(prog: str, args: Sequence[str], shortopts: str) -> tuple[list[Option], list[str]]:
    """Plain getopt(): short options only (``--foo`` is the letters ``-``, ``f``...)."""
    return getopt_long(prog, args, shortopts, None)
