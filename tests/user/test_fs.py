"""The virtual file system: a tree of text files, directories and links, plus mounts."""

from __future__ import annotations

import errno

import pytest

from netsim.user.fs import VirtualFS


def test_a_fresh_tree_has_the_usual_directories() -> None:
    fs = VirtualFS()
    for path in ("/", "/root", "/tmp", "/etc", "/dev", "/usr/bin", "/usr/sbin"):
        assert fs.is_dir(path), path
    assert fs.listdir("/") == ["dev", "etc", "root", "tmp", "usr"]
    assert fs.mode("/tmp") == 0o1777


def test_dev_null_reads_empty_and_swallows_writes() -> None:
    fs = VirtualFS()
    fs.write("/dev/null", "gone")
    assert fs.read("/dev/null") == ""
    assert fs.exists("/dev/null")
    assert not fs.is_file("/dev/null")
    assert fs.kind("/dev/null") == "device"


@pytest.mark.parametrize(("path", "cwd", "expected"), [
    ("/etc/hosts", "/root", "/etc/hosts"),
    ("x", "/root", "/root/x"),
    ("../etc/./hosts", "/root", "/etc/hosts"),
    ("../../..", "/a/b", "/"),
    ("a//b/", "/", "/a/b"),
    (".", "/tmp", "/tmp"),
])
def test_resolve_is_textual(path: str, cwd: str, expected: str) -> None:
    assert VirtualFS.resolve(path, cwd) == expected


def test_write_read_append_and_mode() -> None:
    fs = VirtualFS()
    fs.write("/tmp/f", "a\n")
    fs.write("/tmp/f", "b\n", append=True)
    assert fs.read("/tmp/f") == "a\nb\n"
    assert fs.mode("/tmp/f") == 0o644
    fs.write("/tmp/f", "new", mode=0o755)
    assert (fs.read("/tmp/f"), fs.mode("/tmp/f")) == ("new", 0o755)
    fs.chmod("/tmp/f", 0o600)
    assert fs.mode("/tmp/f") == 0o600
    assert fs.size("/tmp/f") == 3
    assert fs.is_file("/tmp/f") and not fs.is_dir("/tmp/f")


@pytest.mark.parametrize(("action", "error", "code"), [
    (lambda fs: fs.read("/nope"), FileNotFoundError, errno.ENOENT),
    (lambda fs: fs.read("/tmp"), IsADirectoryError, errno.EISDIR),
    (lambda fs: fs.write("/tmp", "x"), IsADirectoryError, errno.EISDIR),
    (lambda fs: fs.write("/nope/f", "x"), FileNotFoundError, errno.ENOENT),
    (lambda fs: fs.listdir("/etc/hostname"), NotADirectoryError, errno.ENOTDIR),
    (lambda fs: fs.read("/etc/hostname/x"), NotADirectoryError, errno.ENOTDIR),
    (lambda fs: fs.mkdir("/tmp"), FileExistsError, errno.EEXIST),
    (lambda fs: fs.mkdir("/a/b"), FileNotFoundError, errno.ENOENT),
    (lambda fs: fs.remove("/tmp"), IsADirectoryError, errno.EISDIR),
    (lambda fs: fs.remove("/nope"), FileNotFoundError, errno.ENOENT),
    (lambda fs: fs.remove("/", recursive=True), OSError, errno.EBUSY),
    (lambda fs: fs.readlink("/etc/hostname"), OSError, errno.EINVAL),
    (lambda fs: fs.symlink("x", "/etc/hostname"), FileExistsError, errno.EEXIST),
    (lambda fs: fs.chmod("/nope", 0o755), FileNotFoundError, errno.ENOENT),
])
def test_errors_carry_errno(action, error: type[OSError], code: int) -> None:
    fs = VirtualFS()
    fs.write("/etc/hostname", "h1\n")
    with pytest.raises(error) as caught:
        action(fs)
    assert caught.value.errno == code


def test_mkdir_parents_and_remove_recursive() -> None:
    fs = VirtualFS()
    fs.mkdir("/a/b/c", parents=True)
    fs.mkdir("/a/b", parents=True)  # -p: already there is fine
    fs.write("/a/b/c/f", "x")
    assert fs.listdir("/a/b") == ["c"]
    fs.remove("/a", recursive=True)
    assert not fs.exists("/a")


def test_listdir_is_sorted() -> None:
    fs = VirtualFS()
    for name in ("b", "a", "C"):
        fs.write(f"/tmp/{name}", "")
    assert fs.listdir("/tmp") == ["C", "a", "b"]


def test_symlinks_are_followed_except_where_asked_not_to() -> None:
    fs = VirtualFS()
    fs.mkdir("/srv/data", parents=True)
    fs.write("/srv/data/file", "content")
    fs.symlink("data", "/srv/link")  # relative: from the link's own directory
    fs.symlink("/srv/data/file", "/tmp/abs")
    assert fs.read("/srv/link/file") == "content"
    assert fs.read("/tmp/abs") == "content"
    assert fs.is_dir("/srv/link") and fs.is_symlink("/srv/link")
    assert fs.kind("/srv/link", follow=False) == "link"
    assert fs.readlink("/srv/link") == "data"
    assert fs.realpath("/srv/link/file") == "/srv/data/file"
    fs.write("/tmp/abs", "via link")
    assert fs.read("/srv/data/file") == "via link"
    fs.remove("/srv/link")  # removes the link, not the directory
    assert fs.is_dir("/srv/data")


def test_dangling_and_looping_links() -> None:
    fs = VirtualFS()
    fs.symlink("/nowhere", "/tmp/dangling")
    assert not fs.exists("/tmp/dangling")
    assert fs.is_symlink("/tmp/dangling")
    fs.symlink("/tmp/b", "/tmp/a")
    fs.symlink("/tmp/a", "/tmp/b")
    with pytest.raises(OSError) as caught:
        fs.read("/tmp/a")
    assert caught.value.errno == errno.ELOOP


class _Procfs:
    """A provider: computed files, one writable, and a link into the tree."""

    def __init__(self) -> None:
        self.forward = "0\n"

    def read(self, rel: str) -> str:
        return {"ip_forward": self.forward, "version": "netsim\n"}[rel]

    def listdir(self, rel: str) -> list[str]:
        return ["fd", "ip_forward", "version"] if rel == "" else ["0"]

    def is_dir(self, rel: str) -> bool:
        return rel in ("", "fd")

    def exists(self, rel: str) -> bool:
        return rel in ("", "fd", "fd/0", "ip_forward", "version")

    def write(self, rel: str, text: str) -> None:
        if rel != "ip_forward":
            raise PermissionError(errno.EACCES, "read-only")
        self.forward = text

    def readlink(self, rel: str) -> str | None:
        return "/dev/null" if rel == "fd/0" else None


def test_mounted_provider_answers_under_its_prefix() -> None:
    fs = VirtualFS()
    proc = _Procfs()
    fs.mount("/proc/sys", proc)
    assert fs.is_dir("/proc") and fs.listdir("/proc") == ["sys"]
    assert fs.listdir("/proc/sys") == ["fd", "ip_forward", "version"]
    assert fs.read("/proc/sys/ip_forward") == "0\n"
    fs.write("/proc/sys/ip_forward", "1\n")
    assert proc.forward == "1\n"
    assert fs.read("/proc/sys/ip_forward") == "1\n"
    assert fs.mounted("/proc/sys/version") and not fs.mounted("/proc")
    assert fs.size("/proc/sys/version") == 4096


def test_provider_errors_and_links() -> None:
    fs = VirtualFS()
    fs.mount("/proc/sys", _Procfs())
    with pytest.raises(PermissionError):
        fs.write("/proc/sys/version", "x")
    with pytest.raises(PermissionError):
        fs.write("/proc/sys/newfile", "x")  # no creating files in procfs
    with pytest.raises(FileNotFoundError):
        fs.read("/proc/sys/nope")
    with pytest.raises(IsADirectoryError):
        fs.read("/proc/sys/fd")
    with pytest.raises(PermissionError):
        fs.remove("/proc/sys/version")
    fs.write("/proc/sys/version", "")  # a shell's `>` truncation: nothing reaches the provider
    assert fs.readlink("/proc/sys/fd/0") == "/dev/null"
    assert fs.is_symlink("/proc/sys/fd/0")
    assert fs.read("/proc/sys/fd/0") == ""  # followed to /dev/null
    with pytest.raises(OSError) as caught:
        fs.remove("/proc", recursive=True)
    assert caught.value.errno == errno.EBUSY
