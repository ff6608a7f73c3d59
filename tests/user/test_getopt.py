"""glibc's getopt_long(): clusters, arguments, permutation, ``--``, long names and
their abbreviations, and each message glibc prints. The expectations were checked
against glibc 2.36's own getopt_long (Debian 12), called from a small C program with
the same option tables."""

from __future__ import annotations

import pytest

from netsim.user.getopt import OPERAND, Getopt, GetoptError, getopt, getopt_long


def test_clusters_and_glued_or_separate_arguments() -> None:
    opts, operands = getopt("p", ["-en", "-c3", "-c", "4", "-nc5", "-ec", "-x"], "enc:x")
    assert opts == [("-e", None), ("-n", None), ("-c", "3"), ("-c", "4"), ("-n", None),
                    ("-c", "5"), ("-e", None), ("-c", "-x")]
    assert operands == []


def test_an_optional_argument_must_be_glued() -> None:
    opts, operands = getopt("p", ["-p", "f", "-pg", "-qp"], "p::q")
    assert opts == [("-p", None), ("-p", "g"), ("-q", None), ("-p", None)]
    assert operands == ["f"]


def test_gnu_order_permutes_operands_to_the_end_in_order() -> None:
    scan = Getopt("p", ["a", "-n", "b", "-r", "X", "c"], "nr:")
    assert list(scan) == [("-n", None), ("-r", "X")]
    assert scan.operands == ["a", "b", "c"]
    assert scan.args == ["-n", "-r", "X", "a", "b", "c"]  # as glibc leaves argv
    assert scan.optind == 3


def test_double_dash_ends_the_options_and_a_lone_dash_is_an_operand() -> None:
    opts, operands = getopt("p", ["x", "-", "-n", "--", "-n", "--"], "n")
    assert opts == [("-n", None)]
    assert operands == ["x", "-", "-n", "--"]
    scan = Getopt("p", ["-n", "--"], "n")
    assert list(scan) == [("-n", None)] and scan.dashdash and scan.operands == []


def test_a_double_dash_taken_as_an_argument_ends_nothing() -> None:
    opts, operands = getopt("p", ["-c", "--", "-n"], "c:n")
    assert opts == [("-c", "--"), ("-n", None)] and operands == []


def test_plus_first_stops_at_the_first_operand_like_posix() -> None:
    scan = Getopt("p", ["-n", "a", "-n"], "+n")
    assert list(scan) == [("-n", None)]
    assert scan.operands == ["a", "-n"]
    assert getopt("p", ["-", "-n"], "+n") == ([], ["-", "-n"])


def test_minus_first_returns_operands_in_place() -> None:
    opts, operands = getopt("p", ["a", "-n", "b", "--", "-n"], "-n")
    assert opts == [(OPERAND, "a"), ("-n", None), (OPERAND, "b")]
    assert operands == ["-n"]


def test_long_options_take_arguments_after_equals_or_as_the_next_word() -> None:
    longopts = {"load": "::", "pattern": ":", "all": ""}
    opts, operands = getopt_long("p", ["--load", "f", "--load=g", "--pattern", "-x",
                                       "--pattern=", "--all"], "", longopts)
    assert opts == [("--load", None), ("--load", "g"), ("--pattern", "-x"),
                    ("--pattern", ""), ("--all", None)]
    assert operands == ["f"]


def test_a_long_name_may_stand_for_a_short_option() -> None:
    longopts = {"interface": "i:", "quit": "q"}
    opts, _ = getopt_long("p", ["--interface", "eth0", "--interface=eth1", "-ieth2",
                                "--quit"], "i:q", longopts)
    assert opts == [("-i", "eth0"), ("-i", "eth1"), ("-i", "eth2"), ("-q", None)]


def test_long_names_may_be_abbreviated_to_a_unique_prefix() -> None:
    longopts = {"values": "", "version": "", "load": "::"}
    assert getopt_long("p", ["--val", "--vers", "--lo=x"], "", longopts)[0] == [
        ("--values", None), ("--version", None), ("--load", "x")]


def test_an_exact_name_wins_over_longer_names_it_is_a_prefix_of() -> None:
    longopts = {"proto": "p:", "protonum": "p:", "request": "r:", "request-option": "O:"}
    opts, _ = getopt_long("p", ["--request", "1", "--proto", "tcp"], "p:r:O:", longopts)
    assert opts == [("-r", "1"), ("-p", "tcp")]


def test_names_for_the_same_option_are_not_ambiguous() -> None:
    longopts = {"proto": "p:", "protonum": "p:", "src": "s:"}
    assert getopt_long("p", ["--prot", "tcp"], "p:s:", longopts)[0] == [("-p", "tcp")]


def test_an_ambiguous_prefix_lists_each_different_option_once() -> None:
    longopts = {"quiet": "q", "quit": "q", "query": "r:"}  # --quit is --quiet again
    with pytest.raises(GetoptError) as err:
        getopt_long("p", ["--qu"], "qr:", longopts)
    assert str(err.value) == "p: option '--qu' is ambiguous; possibilities: '--quiet' '--query'\n"
    assert err.value.possibilities == ["--quiet", "--query"]
    assert getopt_long("p", ["--qui"], "qr:", longopts)[0] == [("-q", None)]
    with pytest.raises(GetoptError) as err:  # long-only options are each their own
        getopt_long("sysctl", ["--v"], "", {"values": "", "version": ""})
    assert err.value.possibilities == ["--values", "--version"]


def test_exact_refuses_abbreviations() -> None:
    with pytest.raises(GetoptError) as err:
        getopt_long("dnsmasq", ["--bogus"], "", {"bogus-priv": ""}, exact=True)
    assert err.value.kind == GetoptError.UNRECOGNIZED
    assert str(err.value) == "dnsmasq: unrecognized option '--bogus'\n"


def test_without_long_options_a_double_dash_word_is_a_cluster() -> None:
    with pytest.raises(GetoptError) as err:
        getopt("ping", ["--count"], "c:")
    assert str(err.value) == "ping: invalid option -- '-'\n"


# ---------------------------------------------------------------------------- messages
@pytest.mark.parametrize(("args", "kind", "line"), [
    (["-Z"], GetoptError.INVALID, "ls: invalid option -- 'Z'"),
    (["-aZa"], GetoptError.INVALID, "ls: invalid option -- 'Z'"),
    (["-:"], GetoptError.INVALID, "ls: invalid option -- ':'"),
    (["x", "-w"], GetoptError.MISSING, "ls: option requires an argument -- 'w'"),
    (["-aw"], GetoptError.MISSING, "ls: option requires an argument -- 'w'"),
    (["--foo"], GetoptError.UNRECOGNIZED, "ls: unrecognized option '--foo'"),
    (["--foo=1"], GetoptError.UNRECOGNIZED, "ls: unrecognized option '--foo=1'"),
    (["--c"], GetoptError.AMBIGUOUS,
     "ls: option '--c' is ambiguous; possibilities: '--color' '--context'"),
    (["--c=x"], GetoptError.AMBIGUOUS,
     "ls: option '--c=x' is ambiguous; possibilities: '--color' '--context'"),
    (["--all=1"], GetoptError.NO_ARGUMENT, "ls: option '--all' doesn't allow an argument"),
    (["--al=1"], GetoptError.NO_ARGUMENT, "ls: option '--all' doesn't allow an argument"),
    (["--width"], GetoptError.NEEDS_ARGUMENT, "ls: option '--width' requires an argument"),
    (["--wid"], GetoptError.NEEDS_ARGUMENT, "ls: option '--width' requires an argument"),
])
def test_glibc_messages(args: list[str], kind: str, line: str) -> None:
    longopts = {"all": "a", "color": "::", "context": "Z", "width": "w:"}
    with pytest.raises(GetoptError) as err:
        getopt_long("ls", args, "aw:", longopts)
    assert err.value.kind == kind
    assert str(err.value) == line + "\n"
    assert err.value.message == line.removeprefix("ls: ")


def test_an_error_keeps_the_options_before_it_and_names_its_word() -> None:
    with pytest.raises(GetoptError) as err:
        getopt_long("p", ["-n", "a", "-qX"], "nq", {})
    assert err.value.options == [("-n", None), ("-q", None)]
    assert (err.value.option, err.value.word) == ("X", "-qX")


def test_the_scan_goes_on_after_an_error_as_the_c_loop_could() -> None:
    scan = Getopt("p", ["-xn"], "n")
    with pytest.raises(GetoptError):
        next(scan)
    assert next(scan) == ("-n", None)


def test_optind_and_longopts_can_be_moved_between_options() -> None:
    """conntrack's way: ``-L`` takes its table from the next word if it is no
    option; ``-p`` brings the protocol's long options."""
    scan = Getopt("conntrack", ["-L", "conntrack", "-p", "tcp", "--sport", "80"], "+Lp:", {})
    seen = []
    for name, value in scan:
        seen.append((name, value))
        if name == "-L" and scan.optind < len(scan.args):
            seen.append(("table", scan.args[scan.optind]))
            scan.optind += 1
        if name == "-p":
            scan.longopts = {"sport": ":"}
    assert seen == [("-L", None), ("table", "conntrack"), ("-p", "tcp"), ("--sport", "80")]
    assert scan.operands == []


# moved from tests/cli/test_sysctl.py, where this getopt used to live
def test_gnu_getopt_permutes_and_clusters() -> None:
    opts, operands = getopt_long("p", ["a", "-nq", "b", "-rX", "--", "-w"], "nqr:w", {})
    assert opts == [("-n", None), ("-q", None), ("-r", "X")]
    assert operands == ["a", "b", "-w"]
    opts, operands = getopt_long("p", ["-p", "f", "-pg", "-"], "p::", {"load": "::"})
    assert opts == [("-p", None), ("-p", "g")] and operands == ["f", "-"]
    opts, _ = getopt_long("p", ["--lo=x", "--val"], "", {"load": "::", "values": ""})
    assert opts == [("--load", "x"), ("--values", None)]
    with pytest.raises(GetoptError) as err:
        getopt_long("p", ["-n", "-x"], "n", {})
    assert str(err.value) == "p: invalid option -- 'x'\n"
    assert err.value.options == [("-n", None)]
