"""A per-host virtual file system: the files a student's shell commands see.

The tree lives in memory: directories, regular text files with permission bits,
symbolic links and one character device, ``/dev/null``. Paths are strings, always
``/``-separated; a relative path is taken from ``/`` unless a ``cwd`` is given to
:meth:`VirtualFS.resolve`.

Parts of the tree can be *dynamic*: :meth:`VirtualFS.mount` hands every path under a
prefix to a provider object, which computes the answer when asked. That is how
``/sys/class/net/br0/bridge/stp_state`` or ``/proc/sys/net/ipv4/ip_forward`` can show
the model's live state instead of a copy taken earlier -- just like sysfs and procfs,
which are not stored on any disk either.

Errors are Python's own ``OSError`` subclasses carrying the Linux ``errno``
(``FileNotFoundError`` is ``ENOENT``, ``IsADirectoryError`` is ``EISDIR``, ...), so a
caller prints ``os.strerror(err.errno)`` and gets exactly what coreutils print.

What it leaves out, on purpose: users and groups (everyone is root, and root may read
and write any file whatever its mode), timestamps, hard links, binary contents, and
physical ``..``: paths are normalised as text first (``/a/link/..`` is ``/a``), the
way ``cd`` in bash does it, and only then are symbolic links followed.
"""

from __future__ import annotations

import errno
import os
from typing import Protocol

# Linux gives up after 40 links in one lookup (MAXSYMLINKS): a loop a -> b -> a ends here.
MAX_SYMLINKS = 40


class FsProvider(Protocol):
    """What :meth:`VirtualFS.mount` needs: answers for paths relative to the mount point.

    ``relpath`` is ``""`` for the mount point itself, else e.g. ``"br0/address"``.
    Optional methods, looked up with ``getattr``: ``write(relpath, text)`` (raise
    ``PermissionError`` for a read-only file, ``OSError(errno.EINVAL, ...)`` for a value
    the model refuses), ``readlink(relpath) -> str | None`` (a non-None answer makes
    the path a symbolic link), ``mode(relpath) -> int`` (a file without write bits,
    e.g. ``0o444``, is refused already when a shell opens it with ``>``; for a link,
    its own permissions), ``size(relpath) -> int`` (what ``ls -l`` shows; 4096 by
    default, like sysfs) and ``mtime(relpath) -> float`` (Unix time ``ls -l`` shows).
    """

    def read(self, relpath: str) -> str: ...

    def listdir(self, relpath: str) -> list[str]: ...

    def is_dir(self, relpath: str) -> bool: ...

    def exists(self, relpath: str) -> bool: ...


# ---------------------------------------------------------------------- tree nodes
# Plain slotted classes: every host's shell builds a tree, and dataclasses would
# generate their methods at import.
class _File:
    __slots__ = ("text", "mode")

    def __init__(self, text: str = "", mode: int = 0o644) -> None:
        self.text = text
        self.mode = mode


class _Dir:
    __slots__ = ("children", "mode")

    def __init__(self, children: dict[str, _Node] | None = None, mode: int = 0o755) -> None:
        self.children: dict[str, _Node] = {} if children is None else children
        self.mode = mode


class _Link:
    __slots__ = ("target", "mode")

    def __init__(self, target: str, mode: int = 0o777) -> None:
        self.target = target
        self.mode = mode


class _NullDevice:
    """``/dev/null``: reads as empty, swallows every write."""

    __slots__ = ("mode",)

    def __init__(self, mode: int = 0o666) -> None:
        self.mode = mode


_Node = _File | _Dir | _Link | _NullDevice


class _Where:
    """The answer of a lookup: the final path and what is there.

    Exactly one of two cases: a tree entry (``parent`` and ``name`` are set, ``node`` is
    None when nothing exists yet) or a path under a mount (``provider`` and ``rel``).
    """

    __slots__ = ("path", "node", "parent", "name", "provider", "rel")

    def __init__(self, path: str, node: _Node | None = None, parent: _Dir | None = None,
                 name: str = "", provider: FsProvider | None = None, rel: str = "") -> None:
        self.path = path
        self.node = node
        self.parent = parent
        self.name = name
        self.provider = provider
        self.rel = rel


def _oserror(code: int, path: str) -> OSError:
    """``OSError(code)`` becomes the matching subclass, e.g. ENOENT -> FileNotFoundError."""
    return OSError(code, os.strerror(code), path)


class VirtualFS:
    """An in-memory Linux file tree with mountable dynamic subtrees.

    A fresh one holds ``/root`` (root's home, the shell's first working directory),
    ``/tmp``, ``/etc``, ``/dev/null``, ``/usr/bin`` and ``/usr/sbin``.
    """

    def __init__(self) -> None:
        self._root = _Dir()
        self._mounts: dict[str, FsProvider] = {}
        self._mount_tops: set[str] = set()  # first names of the mount points ("sys", "proc")
        for path in ("/root", "/tmp", "/etc", "/dev", "/usr/bin", "/usr/sbin"):
            self.mkdir(path, parents=True)
        self._root.children["root"].mode = 0o700  # type: ignore[union-attr]
        self._root.children["tmp"].mode = 0o1777  # type: ignore[union-attr]
        dev = self._root.children["dev"]
        assert isinstance(dev, _Dir)
        dev.children["null"] = _NullDevice()

    # ------------------------------------------------------------------ paths
    @staticmethod
    def resolve(path: str, cwd: str = "/") -> str:
        """The absolute, normalised form of ``path`` seen from directory ``cwd``.

        Pure text work, as ``cd`` does it: ``resolve("../etc/./hosts", "/root")`` is
        ``"/etc/hosts"``; ``..`` at ``/`` stays at ``/``. No link is followed here.
        """
        if not path.startswith("/"):
            path = f"{cwd.rstrip('/')}/{path}"
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(part)
        return "/" + "/".join(parts)

    def _mount_for(self, path: str) -> tuple[str, FsProvider] | None:
        """The mount whose prefix holds ``path`` (the longest, if mounts nest)."""
        if path[1:].partition("/")[0] not in self._mount_tops:
            return None  # most paths (/root, /etc, /tmp) are under no mount at all
        best: tuple[str, FsProvider] | None = None
        for prefix, provider in self._mounts.items():
            inside = path == prefix or path.startswith(prefix.rstrip("/") + "/")
            if inside and (best is None or len(prefix) > len(best[0])):
                best = (prefix, provider)
        return best

    def _locate(self, path: str, follow: bool = True) -> _Where:
        """Walk ``path`` from ``/``, following links (the last one only if ``follow``).

        Raises ENOENT/ENOTDIR when a directory on the way is missing or is a file, and
        ELOOP after :data:`MAX_SYMLINKS` links. The last component may be missing.
        """
        parts = self.resolve(path).split("/")[1:]
        if parts == [""]:
            parts = []
        hops = 0
        i = 0
        cur: _Dir = self._root
        walked = ""  # "/a/b": the path up to parts[i], grown one name at a time
        while i < len(parts):
            here = walked + "/" + parts[i]
            walked = here
            last = i == len(parts) - 1
            link = self._link_at(here, cur, parts[i])
            if link is not None and (follow or not last):
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise _oserror(errno.ELOOP, path)
                parent = "/" + "/".join(parts[:i])
                rest = "/".join(parts[i + 1 :])
                target = self.resolve(link, parent)
                parts = self.resolve(f"{target}/{rest}").split("/")[1:]
                if parts == [""]:
                    parts = []
                i, cur, walked = 0, self._root, ""
                continue
            mount = self._mount_for(here)
            if mount is not None:
                prefix, provider = mount
                rel = here[len(prefix) :].strip("/")
                if last:
                    return _Where(here, provider=provider, rel=rel)
                if not self._prov_exists(provider, rel):
                    raise _oserror(errno.ENOENT, path)
                if not self._prov_is_dir(provider, rel):
                    raise _oserror(errno.ENOTDIR, path)
                i += 1
                continue
            node = cur.children.get(parts[i])
            if last:
                return _Where(here, node=node, parent=cur, name=parts[i])
            if node is None:
                raise _oserror(errno.ENOENT, path)
            if not isinstance(node, _Dir):
                raise _oserror(errno.ENOTDIR, path)
            cur = node
            i += 1
        return _Where("/", node=self._root)

    def _link_at(self, here: str, cur: _Dir, name: str) -> str | None:
        """The target if ``here`` is a symbolic link (in the tree or in a provider)."""
        mount = self._mount_for(here)
        if mount is not None:
            prefix, provider = mount
            readlink = getattr(provider, "readlink", None)
            rel = here[len(prefix) :].strip("/")
            return readlink(rel) if readlink is not None and rel else None
        node = cur.children.get(name)
        return node.target if isinstance(node, _Link) else None

    @staticmethod
    def _prov_exists(provider: FsProvider, rel: str) -> bool:
        return rel == "" or bool(provider.exists(rel))

    @staticmethod
    def _prov_is_dir(provider: FsProvider, rel: str) -> bool:
        return rel == "" or bool(provider.is_dir(rel))

    # ------------------------------------------------------------------ queries
    def kind(self, path: str, follow: bool = True) -> str | None:
        """``"file"``, ``"dir"``, ``"link"`` (only with ``follow=False``), ``"device"``
        or None when nothing is there. Never raises."""
        try:
            where = self._locate(path, follow)
        except OSError:
            return None
        if where.provider is not None:
            if not follow and self._provider_link(where) is not None:
                return "link"
            if not self._prov_exists(where.provider, where.rel):
                return None
            return "dir" if self._prov_is_dir(where.provider, where.rel) else "file"
        return {_File: "file", _Dir: "dir", _Link: "link", _NullDevice: "device"}.get(
            type(where.node)
        )

    @staticmethod
    def _provider_link(where: _Where) -> str | None:
        readlink = getattr(where.provider, "readlink", None)
        return readlink(where.rel) if readlink is not None and where.rel else None

    def exists(self, path: str) -> bool:
        """True if something is there, after following links (like ``test -e``)."""
        return self.kind(path) is not None

    def is_dir(self, path: str) -> bool:
        return self.kind(path) == "dir"

    def is_file(self, path: str) -> bool:
        """A regular file (``/dev/null`` is a device, not a regular file)."""
        return self.kind(path) == "file"

    def is_symlink(self, path: str) -> bool:
        return self.kind(path, follow=False) == "link"

    def mounted(self, path: str) -> bool:
        """True when a provider answers for ``path`` (a sysfs or procfs file)."""
        return self._mount_for(self.resolve(path)) is not None

    def realpath(self, path: str) -> str:
        """The path with every symbolic link followed (``readlink -f``)."""
        return self._locate(path).path

    # ------------------------------------------------------------------ contents
    def read(self, path: str) -> str:
        """The text of a file. ENOENT if missing, EISDIR for a directory."""
        where = self._locate(path)
        if where.provider is not None:
            if not self._prov_exists(where.provider, where.rel):
                raise _oserror(errno.ENOENT, path)
            if self._prov_is_dir(where.provider, where.rel):
                raise _oserror(errno.EISDIR, path)
            return where.provider.read(where.rel)
        node = where.node
        if node is None:
            raise _oserror(errno.ENOENT, path)
        if isinstance(node, _Dir):
            raise _oserror(errno.EISDIR, path)
        return node.text if isinstance(node, _File) else ""

    def write(self, path: str, text: str, append: bool = False, mode: int | None = None) -> None:
        """Create or replace (or extend, with ``append``) a file's text.

        ``mode`` sets the permission bits too. Writing to a provider's file hands the
        text to its ``write``; writing nothing there does nothing (sysfs ignores the
        truncation a shell's ``>`` asks for, and so do we).
        """
        where = self._locate(path)
        if where.provider is not None:
            self._write_provider(where, path, text)
            return
        node = where.node
        if node is None:
            assert where.parent is not None
            where.parent.children[where.name] = _File(text, 0o644 if mode is None else mode)
            return
        if isinstance(node, _Dir):
            raise _oserror(errno.EISDIR, path)
        if isinstance(node, _File):
            node.text = node.text + text if append else text
            if mode is not None:
                node.mode = mode

    def _write_provider(self, where: _Where, path: str, text: str) -> None:
        assert where.provider is not None
        if not self._prov_exists(where.provider, where.rel):
            # sysfs and procfs have a fixed set of files: creating one is refused.
            raise _oserror(errno.EACCES, path)
        if self._prov_is_dir(where.provider, where.rel):
            raise _oserror(errno.EISDIR, path)
        writer = getattr(where.provider, "write", None)
        custom_mode = getattr(where.provider, "mode", None)
        read_only = custom_mode is not None and not int(custom_mode(where.rel)) & 0o222
        if writer is None or read_only:
            # A sysfs attribute without a store method: even root's open() is refused.
            raise _oserror(errno.EACCES, path)
        if text:
            writer(where.rel, text)

    def size(self, path: str, follow: bool = True) -> int:
        """Bytes in a file (UTF-8), 4096 for a directory, 0 for a device.

        A provider's file is not read (that may fail or cost): it has the size its
        optional ``size(relpath)`` gives, else 4096, as every sysfs attribute shows.
        With ``follow=False`` a symbolic link is measured itself (``lstat``): the
        length of its target, unless its provider says otherwise.
        """
        if not follow and self.is_symlink(path):
            where = self._locate(path, follow=False)
            custom = getattr(where.provider, "size", None)
            return int(custom(where.rel)) if custom is not None else len(
                self.readlink(path).encode())
        kind = self.kind(path)
        if kind == "dir":
            return 4096
        if kind == "device":
            return 0
        where = self._locate(path)
        if where.provider is not None:
            custom = getattr(where.provider, "size", None)
            return int(custom(where.rel)) if custom is not None else 4096
        return len(self.read(path).encode())

    # ------------------------------------------------------------------ directories
    def listdir(self, path: str) -> list[str]:
        """The names in a directory, sorted. ENOENT if missing, ENOTDIR for a file."""
        where = self._locate(path)
        if where.provider is not None:
            if not self._prov_exists(where.provider, where.rel):
                raise _oserror(errno.ENOENT, path)
            if not self._prov_is_dir(where.provider, where.rel):
                raise _oserror(errno.ENOTDIR, path)
            return sorted(where.provider.listdir(where.rel))
        if where.node is None:
            raise _oserror(errno.ENOENT, path)
        if not isinstance(where.node, _Dir):
            raise _oserror(errno.ENOTDIR, path)
        return sorted(where.node.children)

    def mkdir(self, path: str, parents: bool = False) -> None:
        """Make a directory; with ``parents`` also the missing ones above it (``-p``)
        and no complaint if it is already a directory."""
        full = self.resolve(path)
        if parents:
            parts = full.split("/")[1:]
            for i in range(1, len(parts) + 1):
                step = "/" + "/".join(parts[:i])
                if not self.is_dir(step):
                    self.mkdir(step)
            return
        where = self._locate(full, follow=False)
        if where.provider is not None:
            code = errno.EEXIST if self._prov_exists(where.provider, where.rel) else errno.EPERM
            raise _oserror(code, path)
        if where.node is not None or where.parent is None:
            raise _oserror(errno.EEXIST, path)
        where.parent.children[where.name] = _Dir()

    def remove(self, path: str, recursive: bool = False) -> None:
        """Delete a file or link; a directory only with ``recursive`` (``rm -r``).

        A mounted tree cannot be deleted (EPERM inside it, EBUSY for a directory that
        holds a mount point), nor can ``/``.
        """
        where = self._locate(path, follow=False)
        if where.provider is not None:
            raise _oserror(errno.EPERM, path)
        if where.node is None:
            raise _oserror(errno.ENOENT, path)
        if isinstance(where.node, _Dir):
            if not recursive:
                raise _oserror(errno.EISDIR, path)
            prefix = where.path.rstrip("/") + "/"
            if where.parent is None or any(
                m == where.path or m.startswith(prefix) for m in self._mounts
            ):
                raise _oserror(errno.EBUSY, path)
        assert where.parent is not None
        del where.parent.children[where.name]

    # ------------------------------------------------------------------ modes and links
    def mode(self, path: str, follow: bool = True) -> int:
        """Permission bits (e.g. ``0o644``), after following links unless ``follow``
        is False (``lstat``: a link's own bits, 0o777 unless its provider says)."""
        where = self._locate(path, follow)
        if where.provider is not None and not follow and self._provider_link(where):
            custom = getattr(where.provider, "mode", None)
            return int(custom(where.rel)) if custom is not None else 0o777
        if where.provider is not None:
            if not self._prov_exists(where.provider, where.rel):
                raise _oserror(errno.ENOENT, path)
            custom = getattr(where.provider, "mode", None)
            if custom is not None:
                return int(custom(where.rel))
            return 0o755 if self._prov_is_dir(where.provider, where.rel) else 0o644
        if where.node is None:
            raise _oserror(errno.ENOENT, path)
        return where.node.mode

    def mtime(self, path: str) -> float | None:
        """When the entry at ``path`` (not following a last link) last changed, as Unix
        time -- for a provider's entries that say so; None for the stored tree, which
        keeps no timestamps."""
        try:
            where = self._locate(path, follow=False)
        except OSError:
            return None
        custom = getattr(where.provider, "mtime", None) if where.provider is not None else None
        return float(custom(where.rel)) if custom is not None else None

    def chmod(self, path: str, mode: int) -> None:
        """Set permission bits (``chmod``); a provider's files keep theirs (EPERM)."""
        where = self._locate(path)
        if where.provider is not None:
            raise _oserror(errno.EPERM, path)
        if where.node is None:
            raise _oserror(errno.ENOENT, path)
        where.node.mode = mode & 0o7777

    def readlink(self, path: str) -> str:
        """Where a symbolic link points (as written). EINVAL if it is not a link."""
        where = self._locate(path, follow=False)
        if where.provider is not None:
            target = self._provider_link(where)
            if target is not None:
                return target
            if not self._prov_exists(where.provider, where.rel):
                raise _oserror(errno.ENOENT, path)
            raise _oserror(errno.EINVAL, path)
        if where.node is None:
            raise _oserror(errno.ENOENT, path)
        if not isinstance(where.node, _Link):
            raise _oserror(errno.EINVAL, path)
        return where.node.target

    def symlink(self, target: str, path: str) -> None:
        """Make ``path`` a symbolic link to ``target`` (``ln -s target path``).

        ``target`` is stored as given and may dangle; relative targets are read from
        the link's own directory, as the kernel does.
        """
        where = self._locate(path, follow=False)
        if where.provider is not None:
            raise _oserror(errno.EPERM, path)
        if where.node is not None or where.parent is None:
            raise _oserror(errno.EEXIST, path)
        where.parent.children[where.name] = _Link(target)

    # ------------------------------------------------------------------ mounts
    def mount(self, prefix: str, provider: FsProvider) -> None:
        """Serve every path under ``prefix`` from ``provider`` (like mounting sysfs).

        The mount point and its parents are created as directories so that listing
        the parent shows it.
        """
        prefix = self.resolve(prefix)
        self.mkdir(prefix, parents=True)
        self._mounts[prefix] = provider
        self._mount_tops.add(prefix[1:].partition("/")[0])

    def unmount(self, prefix: str) -> None:
        self._mounts.pop(self.resolve(prefix), None)
