"""setpriv (util-linux 2.38.1): its messages as measured on Debian 12, and the tun checks
it exposes."""

import pytest

import netsim


@pytest.fixture()
def host() -> netsim.Host:
    return netsim.Lab(seed=0).host("h1")


@pytest.mark.parametrize("line,status,stderr", [
    ("setpriv --regid 5 ip link", 1,
     "setpriv: --[re]gid requires --keep-groups, --clear-groups, --init-groups, or --groups\n"),
    ("setpriv --reuid 5", 1, "setpriv: No program specified\n"),
    ("setpriv --reuid 5 nosuchcmd", 127,
     "setpriv: failed to execute nosuchcmd: No such file or directory\n"),
    ("setpriv --bogus ip", 1,
     "setpriv: unrecognized option '--bogus'\nTry 'setpriv --help' for more information.\n"),
    ("setpriv --reuid abc ip", 1, "setpriv: failed to parse reuid: 'abc'\n"),
    ("setpriv --reuid 5 --regid 5 --clear-groups setpriv --reuid 0 ip", 127,
     "setpriv: setresuid failed: Operation not permitted\n"),
    ("setpriv --reuid 5 --regid 5 --clear-groups --keep-groups ip", 1,
     "setpriv: mutually exclusive arguments: --clear-groups --keep-groups --init-groups "
     "--groups\n"),
])
def test_errors_as_util_linux_words_them(host, line, status, stderr) -> None:
    result = host.sh(line)
    assert (result.returncode, result.stdout, result.stderr) == (status, "", stderr)


def test_a_user_without_cap_net_admin_meets_the_tun_checks(host) -> None:
    as_user = "setpriv --reuid 4242 --regid 4242 --clear-groups "
    result = host.sh(as_user + "ip tuntap add tap0 mode tap")
    assert (result.returncode, result.stderr) == (
        1, "ioctl(TUNSETIFF): Operation not permitted\n")
    assert host.sh("ip tuntap add tap0 mode tap user 4242 && ip tuntap add tap1 mode tap "
                   "user 4242 group 7").returncode == 0
    assert host.sh(as_user + "ip tuntap del tap0 mode tap").returncode == 0
    assert host.sh(as_user + "ip tuntap del tap1 mode tap").returncode == 1
    result = host.sh("setpriv --reuid 4242 --regid 4242 --groups 7 ip tuntap del tap1 mode tap")
    assert result.returncode == 0
    assert host.sh("ip tuntap show").stdout == ""
