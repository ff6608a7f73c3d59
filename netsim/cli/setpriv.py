"""``setpriv`` (util-linux 2.38.1): run a program as another user and group.

    setpriv --reuid 4242 --regid 4242 --clear-groups ip tuntap del tap0 mode tap

``--reuid``/``--ruid``/``--euid`` set the user, ``--regid``/``--rgid``/``--egid`` the
group (a group change needs ``--clear-groups``, ``--keep-groups`` or ``--groups``, as
util-linux insists), ``--groups 7,8`` the supplementary groups. A process whose uid is
no longer 0 has lost every capability (the kernel clears them on ``setresuid``), so
the program then meets the kernel's permission checks: ``TUNSETIFF`` on a tap owned by
someone else, or creating one, is ``EPERM`` (``ioctl(TUNSETIFF): Operation not
permitted``). Only root may change its uid.

Names: ``root`` is uid/gid 0; the simulated hosts have no other accounts, so other
users and groups are given as numbers. The program must be one netsim simulates
(``ip``, ``bridge``...), not a shell utility. Left out: ``--init-groups``, ``--dump``,
capabilities, securebits, ``--nnp``, SELinux/AppArmor labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.host import Host

LONG = {
    "ruid": ":", "euid": ":", "reuid": ":", "rgid": ":", "egid": ":", "regid": ":",
    "clear-groups": "", "keep-groups": "", "init-groups": "", "groups": ":",
    "dump": "d", "help": "h", "version": "V", "nnp": "", "no-new-privs": "",
    "reset-env": "",
}
VERSION = "setpriv from util-linux 2.38.1\n"
USAGE = """\

Usage:
 setpriv [options] <program> [<argument>...]

Run a program with different privilege settings.

Options:
 -d, --dump                  show current state (and do not exec)
 --nnp, --no-new-privs       disallow granting new privileges
 --ambient-caps <caps,...>   set ambient capabilities
 --inh-caps <caps,...>       set inheritable capabilities
 --bounding-set <caps>       set capability bounding set
 --ruid <uid|user>           set real uid
 --euid <uid|user>           set effective uid
 --rgid <gid|user>           set real gid
 --egid <gid|group>          set effective gid
 --reuid <uid|user>          set real and effective uid
 --regid <gid|group>         set real and effective gid
 --clear-groups              clear supplementary groups
 --keep-groups               keep supplementary groups
 --init-groups               initialize supplementary groups
 --groups <group,...>        set supplementary groups by UID or name
 --securebits <bits>         set securebits
 --pdeathsig keep|clear|<signame>
                             set or clear parent death signal
 --selinux-label <label>     set SELinux label
 --apparmor-profile <pr>     set AppArmor profile
 --reset-env                 clear all environment and initialize
                               HOME, SHELL, USER, LOGNAME and PATH

 -h, --help                  display this help
 -V, --version               display version

For more details see setpriv(1).
"""

_NAMES = {"root": 0}
EXIT_PRIVERR = 127   # SETPRIV_EXIT_PRIVERR


class _Fail(Exception):
    def __init__(self, text: str, status: int = 1) -> None:
        super().__init__(text)
        self.status = status


def _id(text: str, what: str) -> int:
    if text in _NAMES:
        return _NAMES[text]
    if text.isdigit():
        return int(text)
    raise _Fail(f"setpriv: failed to parse {what}: '{text}'\n")


def main(host: Host, argv: list[str], io: Io) -> int:
    try:
        return _run(host, argv, io)
    except _Fail as fail:
        io.error(str(fail))
        return fail.status


def _run(host: Host, argv: list[str], io: Io) -> int:
    try:
        options, operands = getopt_long("setpriv", argv[1:], "+dhV", LONG)
    except GetoptError as err:
        raise _Fail(f"{err}Try 'setpriv --help' for more information.\n") from None
    uid, gid, groups = io.uid, io.gid, io.groups
    new_uid = new_gid = None
    group_modes: list[str] = []
    for name, value in options:
        if name == "-h":
            io.write(USAGE)
            return 0
        if name == "-V":
            io.write(VERSION)
            return 0
        if name == "-d":
            raise _Fail("setpriv: --dump is not modelled by netsim\n")
        key = name[2:]
        if key in ("ruid", "euid", "reuid"):
            new_uid = _id(value or "", key)
        elif key in ("rgid", "egid", "regid"):
            new_gid = _id(value or "", key)
        elif key in ("clear-groups", "keep-groups", "init-groups", "groups"):
            if group_modes:
                raise _Fail("setpriv: mutually exclusive arguments: --clear-groups "
                            "--keep-groups --init-groups --groups\n")
            group_modes.append(key)
            if key == "groups":
                groups = tuple(_id(g, "groups") for g in (value or "").split(","))
            elif key == "clear-groups":
                groups = ()
            elif key == "init-groups":
                raise _Fail("setpriv: --init-groups is not modelled by netsim\n")
    if not operands:
        raise _Fail("setpriv: No program specified\n")
    if new_gid is not None and not group_modes:
        raise _Fail("setpriv: --[re]gid requires --keep-groups, --clear-groups, "
                    "--init-groups, or --groups\n")
    if (new_uid is not None or new_gid is not None or group_modes) and io.uid != 0:
        call = "setresuid" if new_uid is not None else "setresgid"
        raise _Fail(f"setpriv: {call} failed: Operation not permitted\n", EXIT_PRIVERR)
    if new_uid is not None:
        uid = new_uid
    if new_gid is not None:
        gid = new_gid
    program_name = operands[0].rsplit("/", 1)[-1]
    try:
        program = host.lab.commands[program_name]
    except KeyError:
        raise _Fail(f"setpriv: failed to execute {operands[0]}: No such file or directory\n",
                    127) from None
    sub = Io(stdin=io.stdin, cwd=io.cwd, env=dict(io.env), uid=uid, gid=gid, groups=groups)
    status = program(host, list(operands), sub)
    io.write(sub.stdout)
    io.error(sub.stderr)
    return status
