"""File descriptors: the streams commands read and write, and redirections to open them.

A command's descriptors are a dict ``{0: _Input, 1: _Output, 2: _Output}``. Nothing
runs concurrently, so a stream is just text: an :class:`_Input` is read from the
front, an :class:`_Output` collects what is written. ``> file`` is a
:class:`_FileOutput`, written to the host's file system in one piece when the
redirection closes.

:class:`_Redirector` is mixed into :class:`~netsim.shell.interpreter.Shell`: it
opens a command's redirections on a copy of the shell's descriptors, runs the command
with them, then closes them.
"""

from __future__ import annotations

import errno
import itertools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from netsim.shell.ast import Redirect, Word
from netsim.shell.encoding import to_bytes
from netsim.shell.errors import MAX_TEXT, _LimitExceeded, _RedirError
from netsim.user.fs import VirtualFS
from netsim.user.io import OutputBuffer

if TYPE_CHECKING:
    from netsim.user.netopen import NetStream
    from netsim.user.terminal import Terminal


class _Input:
    """A command's standard input: text, read from the front as commands consume it.

    One ``_Input`` is shared by every command of ``while read l; do ...; done < f``, so
    each ``read`` gets the next line. ``regular`` means it came from a file (``wc`` pads
    its numbers differently for files and pipes). ``more`` is text still to be made,
    in chunks (a pipe from ``seq``): reading a line makes only what that line needs.
    """

    def __init__(self, text: str = "", regular: bool = False,
                 more: Iterator[str] | None = None) -> None:
        self.text = text
        self.pos = 0
        self.regular = regular
        self._more = more

    def _pull(self) -> bool:
        """Make the next chunk of a lazy input; False once there is none."""
        if self._more is None:
            return False
        chunk = next(self._more, None)
        if chunk is None:
            self._more = None
            return False
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def _pull_all(self) -> None:
        if self._more is not None:
            chunks = [self.text[self.pos :], *self._more]
            self._more = None
            self.text, self.pos = "".join(chunks), 0

    def read_all(self) -> str:
        self._pull_all()
        rest = self.text[self.pos :]
        self.pos = len(self.text)
        return rest

    def read_line(self) -> str | None:
        while self.text.find("\n", self.pos) < 0 and self._pull():
            pass
        if self.pos >= len(self.text):
            return None
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end + 1
        line = self.text[self.pos : end]
        self.pos = end
        return line

    def peek_all(self) -> str:
        self._pull_all()
        return self.text[self.pos :]


class _Output(OutputBuffer):
    """Where a command's writes go: the terminal of ``run``, a pipe, or ``$(...)``.

    An :class:`~netsim.user.io.OutputBuffer` that refuses to grow past ``MAX_TEXT``
    (an endless ``yes``-like loop stops instead of eating the memory).
    """

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def write(self, text: str) -> None:
        if not text:
            return
        self.size += len(text)
        if self.size > MAX_TEXT:
            raise _LimitExceeded(f"netsim: output longer than {MAX_TEXT} characters")
        super().write(text)

    def write_past_limit(self, text: str) -> None:
        """A last message, written even when the stream is over its limit."""
        super().write(text)

    def write_lazy(self, chunks: Iterator[str]) -> None:
        """Text made as it is read: taken all at once here (see :class:`_PipeOutput`)."""
        for chunk in chunks:
            self.write(chunk)


class _TerminalOutput(_Output):
    """Descriptor 1 or 2 of an interactive session: what is written shows on the
    :class:`~netsim.user.terminal.Terminal` at once and is not kept (a terminal
    scrolls; nothing reads it back), so it has no length limit either."""

    __slots__ = ("terminal", "fd")

    def __init__(self, terminal: Terminal, fd: int) -> None:
        super().__init__()
        self.terminal = terminal
        self.fd = fd

    def write(self, text: str) -> None:
        if text:
            self.terminal.check()  # Ctrl-C ends a writer that took no SIGINT handler
            self.terminal.show(self.fd, text)

    def write_past_limit(self, text: str) -> None:
        if text:
            self.terminal.show(self.fd, text)


class _PipeOutput(_Output):
    """The write end of a pipe between two commands of a pipeline.

    Lazy text (:meth:`write_lazy`) stays unmade until the next command reads it, as
    a writer blocked on a full pipe: ``seq 1 1e12 | head -3`` makes three lines.
    """

    __slots__ = ("_lazy",)

    def __init__(self) -> None:
        super().__init__()
        self._lazy: list[Iterator[str]] = []

    def write(self, text: str) -> None:
        if self._lazy:  # after lazy text: keep the order
            if text:
                self._lazy.append(iter((text,)))
            return
        super().write(text)

    def write_lazy(self, chunks: Iterator[str]) -> None:
        self._lazy.append(chunks)

    def reader(self) -> _Input:
        """The read end: what was written, then the lazy text as it is asked for."""
        more = itertools.chain.from_iterable(self._lazy) if self._lazy else None
        return _Input(self.text(), more=more)


class _FileOutput(_Output):
    """Output redirected to a file: kept, then written when the redirection closes.

    Writing once at the end is what a sysfs file needs: ``echo 1 > stp_state`` is one
    write of ``"1\\n"``, which the model checks and may refuse (EINVAL).
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def flush(self, fs: VirtualFS) -> None:
        text = self.text()
        self.clear()
        if text:
            fs.write(self.path, text, append=True)


class _NetOutput(_Output):
    """``> /dev/udp/HOST/PORT`` or ``/dev/tcp/...``: a connected socket. Each write goes
    out at once (one datagram per write for UDP); a failed one is kept in ``error``
    for the command's ``write error`` message (see :meth:`take_error`)."""

    __slots__ = ("stream", "error")

    def __init__(self, stream: NetStream) -> None:
        super().__init__()
        self.stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> None:
        if not text:
            return
        try:
            self.stream.write(to_bytes(text))
        except OSError as e:
            self.error = e

    def take_error(self) -> OSError | None:
        error, self.error = self.error, None
        return error


class _NullOutput(_Output):
    def write(self, text: str) -> None:
        pass

    def write_lazy(self, chunks: Iterator[str]) -> None:
        for _chunk in chunks:  # made all the same: the maker's own limits apply
            pass


Fd = _Input | _Output


class _Redirector:
    """Redirections (``> f``, ``2>&1``, ``< f``, ``<<EOF``...): part of :class:`Shell`.

    A mixin: it uses the shell's descriptors (``_fds``), file system and messages.
    """

    def _with_redirects(self, redirects: list[Redirect], fn: Callable[[], int], name: str) -> int:
        """Open ``redirects`` around ``fn``, as bash does between fork and exec."""
        if not redirects:
            return fn()
        fds = dict(self._fds)
        opened: list[_Output] = []
        try:
            for redirect in redirects:
                self._open_redirect(redirect, fds, opened)
        except _RedirError as e:
            self._diag(str(e))
            return 1
        saved = self._fds
        self._fds = fds
        try:
            status = fn()
        finally:
            self._fds = saved
            ok = all([self._flush(out, name) for out in opened])
        return status if ok else 1

    def _flush(self, out: _Output, name: str) -> bool:
        if isinstance(out, _NetOutput):
            out.stream.close()
            return True
        if not isinstance(out, _FileOutput):
            return True
        try:
            out.flush(self.fs)
        except OSError as e:
            who = f"{name}: " if name else ""
            self._diag(f"{who}write error: {os.strerror(e.errno or errno.EIO)}")
            return False
        return True

    def _open_redirect(self, r: Redirect, fds: dict[int, Fd], opened: list[_Output]) -> None:
        op = r.op
        if r.heredoc is not None:
            body = r.heredoc.body or Word([])
            fds[0 if r.fd is None else r.fd] = _Input(self._expand_str(body))
            return
        assert r.target is not None
        if op == "<<<":
            fds[0 if r.fd is None else r.fd] = _Input(self._expand_str(r.target) + "\n")
            return
        fields = self._expand_word(r.target)
        if len(fields) != 1:
            raise _RedirError(f"{r.target.raw}: ambiguous redirect")
        target = fields[0]
        if op in (">&", "<&"):
            default = 1 if op == ">&" else 0
            fd = default if r.fd is None else r.fd
            if target == "-":
                fds.pop(fd, None)
                return
            if target.isascii() and target.isdigit():
                source = fds.get(int(target)) if len(target) < 6 else None
                if source is None:
                    raise _RedirError(f"{target}: Bad file descriptor")
                fds[fd] = source
                return
            if op == "<&" or r.fd is not None:
                raise _RedirError(f"{r.target.raw}: ambiguous redirect")
            op = "&>"  # bash reads `>&file` as `&>file`
        if op in ("<", "<>"):
            fds[0 if r.fd is None else r.fd] = self._open_input(target, create=op == "<>")
            return
        out = self._open_output(target, fds, append=op in (">>", "&>>"))
        opened.append(out)
        if op in ("&>", "&>>"):
            fds[1] = fds[2] = out
        else:
            fds[1 if r.fd is None else r.fd] = out

    def _open_net(self, target: str) -> _NetOutput | None:
        """bash's netopen() for ``/dev/tcp/HOST/PORT`` and ``/dev/udp/HOST/PORT``;
        None for any other path (a real file)."""
        from netsim.user.netopen import NetOpenError, net_path, netopen

        parts = net_path(target)
        if parts is None or getattr(self.host, "ns", None) is None:
            return None
        try:
            return _NetOutput(netopen(self.host, *parts))
        except NetOpenError as e:
            prefix = self._prefix() if e.note_has_line else f"{self._script or self.arg0}: "
            self._write(2, f"{prefix}{e.note}\n")
            raise _RedirError(f"{target}: {os.strerror(e.errno)}") from None

    def _open_input(self, target: str, create: bool) -> _Input:
        if target == "/dev/stdin":
            current = self._fds.get(0)
            return current if isinstance(current, _Input) else _Input()
        path = self.fs.resolve(target, self.cwd)
        try:
            if create and not self.fs.exists(path):
                self.fs.write(path, "")
            return _Input(self.fs.read(path), regular=True)
        except OSError as e:
            raise _RedirError(f"{target}: {os.strerror(e.errno or errno.EIO)}") from None

    def _open_output(self, target: str, fds: dict[int, Fd], append: bool) -> _Output:
        if target == "/dev/null":
            return _NullOutput()
        if target in ("/dev/stdout", "/dev/stderr"):
            current = fds.get(1 if target == "/dev/stdout" else 2)
            return current if isinstance(current, _Output) else _NullOutput()
        if target.startswith("/dev/") and self.host is not None:
            net = self._open_net(target)
            if net is not None:
                return net
        path = self.fs.resolve(target, self.cwd)
        try:
            self.fs.write(path, "", append=append)  # create or truncate now, as open() does
        except OSError as e:
            raise _RedirError(f"{target}: {os.strerror(e.errno or errno.EIO)}") from None
        return _FileOutput(path)
