"""``iptables`` (v1.8.9, nf_tables backend, as on Debian 12): the rules of one host.

    iptables [-t filter|nat] -A CHAIN RULE        append       -I CHAIN [N] RULE  insert
    iptables [-t T] -R CHAIN N RULE               replace
    iptables [-t T] -D CHAIN N|RULE               delete       -F [CHAIN]         flush
    iptables [-t T] -L [CHAIN [N]] [-n] [-v] [-x] [--line-numbers]   -S [CHAIN [N]] [-v]
    iptables [-t T] -P CHAIN ACCEPT|DROP          policy       -Z [CHAIN]         zero
    iptables [-t T] -N CHAIN / -X [CHAIN]         user chains        -V  version

RULE: ``[!] -s ADDR[/N] [!] -d .. [!] -i IF[+] [!] -o .. [!] -p icmp|udp|tcp|all``,
``--sport/--dport P[:P]`` after ``-p udp|tcp``, ``-m conntrack --ctstate S,..``,
``-m state --state S,..``, ``-j ACCEPT|DROP|RETURN|REJECT [--reject-with T]|CHAIN``,
in nat: ``-j MASQUERADE [--to-ports P[-P]]``, ``SNAT --to-source A[-A][:P[-P]]``,
``DNAT --to-destination [A][:P[-P]]``.

The rules live in the host's :class:`netsim.stack.netfilter.Netfilter`; the packet path
reads them there. Bad input changes nothing and gets iptables' own message and exit
status (2 for a bad parameter, 1 for what the kernel refuses, 4 for a rule nf_tables
rejects, 3 for an unknown table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.cli.iptables.listing import list_chain, list_rules, rule_line, rule_spec
from netsim.cli.iptables.parse import PROG, TARGETS, Command, ParamError, parse
from netsim.stack.netfilter import netfilter_of
from netsim.stack.netfilter.rules import BUILTIN_CHAINS, Chain, Table

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

_NAT_HOOKS = {"MASQUERADE": ("POSTROUTING",), "SNAT": ("POSTROUTING", "INPUT"),
              "DNAT": ("PREROUTING", "OUTPUT")}
_NO_IN = ("OUTPUT", "POSTROUTING")
_NO_OUT = ("INPUT", "PREROUTING")


class KernelError(Exception):
    """What the kernel (or nf_tables) refused: the full message and the exit status."""

    def __init__(self, text: str, status: int = 1) -> None:
        super().__init__(text)
        self.status = status


_NO_CHAIN = KernelError("iptables: No chain/target/match by that name.\n")


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        cmd = parse(argv[1:])
        if cmd.op == "V":
            io.write(f"{PROG}\n")
            return 0
        if cmd.table not in BUILTIN_CHAINS:
            raise ParamError(f"table '{cmd.table}' does not exist\n"
                             "Perhaps iptables or your kernel needs to be upgraded.",
                             status=3, try_line=False)
        return run(host, cmd, io)
    except ParamError as err:
        io.error(err.text())
        return err.status
    except KernelError as err:
        io.error(str(err))
        return err.status


def run(host: Host, cmd: Command, io: Io) -> int:
    nf = netfilter_of(host.ns)
    table = nf.table(cmd.table)
    op = cmd.op
    if op in ("A", "I", "R", "C") or (op == "D" and cmd.rulenum is None):
        _check_rule(table, cmd)
    if op == "A":
        _live(_chain(table, cmd.chain)).rules.append(cmd.rule)
    elif op == "I":
        rules = _chain(table, cmd.chain).rules
        index = (cmd.rulenum or 1) - 1
        if index > len(rules):
            raise KernelError("iptables: Index of insertion too big.\n")
        rules.insert(index, cmd.rule)
        _live(_chain(table, cmd.chain))
    elif op == "R":
        rules = _chain(table, cmd.chain).rules
        if not rules:  # nf_tables finds no rule to replace at all
            raise _NO_CHAIN
        if cmd.rulenum > len(rules):  # type: ignore[operator]
            raise KernelError("iptables: Index of replacement too big.\n")
        rules[cmd.rulenum - 1] = cmd.rule  # type: ignore[operator]
    elif op == "D":
        _delete(table, cmd)
    elif op == "C":
        _check(table, cmd)
    elif op in ("L", "S"):
        io.write(_listing(table, cmd))
    elif op in ("F", "Z"):
        for chain in _chains(table, cmd.chain):
            if op == "F":
                chain.rules.clear()
            elif cmd.rulenum is not None:  # -Z CHAIN N: that rule's counters (if any)
                if cmd.rulenum <= len(chain.rules):
                    rule = chain.rules[cmd.rulenum - 1]
                    rule.pkts = rule.bytes = 0
            else:
                chain.pkts = chain.bytes = 0
                for rule in chain.rules:
                    rule.pkts = rule.bytes = 0
    elif op == "P":
        _policy(table, cmd)
    elif op == "N":
        if cmd.chain in table.chains:
            raise KernelError("iptables: Chain already exists.\n")
        table.chains[cmd.chain] = Chain(cmd.chain, live=True)  # type: ignore[arg-type]
    elif op == "E":
        _rename_chain(table, cmd.chain or "", cmd.newname or "")
    elif op == "X":
        _delete_chains(table, cmd.chain)
    nf.rules_changed()
    return 0


def _live(chain: Chain) -> Chain:
    """nft_xt_builtin_init() for one chain: a rule or a policy makes it in the kernel."""
    chain.live = True
    return chain


def _check(table: Table, cmd: Command) -> None:
    """-C: is there a rule like this one? (nft_rule_check; a chain that does not exist
    holds no such rule either.)"""
    chain = table.chains.get(cmd.chain or "")
    wanted = cmd.rule.spec(cmd.chain or "")
    if chain is None or not any(r.spec(chain.name) == wanted for r in chain.rules):
        raise KernelError("iptables: Bad rule (does a matching rule exist in that chain?).\n")


def _rename_chain(table: Table, old: str, new: str) -> None:
    """-E OLD NEW (nft_chain_user_rename): only a user chain, to a name no chain of the
    table has -- built-in names included; -N's name checks are not made here."""
    chain = table.chains.get(old)
    if chain is None or chain.builtin:
        raise _NO_CHAIN
    if new in table.chains:
        raise KernelError("iptables: File exists.\n")
    del table.chains[old]
    chain.name = new
    table.chains[new] = chain
    for other in table.chains.values():  # the jumps follow the chain they point to
        for rule in other.rules:
            if rule.target is not None and rule.target.name == old:
                rule.target.name = new


def _chain(table: Table, name: str | None) -> Chain:
    chain = table.chains.get(name or "")
    if chain is None:
        raise _NO_CHAIN
    return chain


def _chains(table: Table, name: str | None) -> list[Chain]:
    return table.in_order() if name is None else [_chain(table, name)]


def _check_rule(table: Table, cmd: Command) -> None:
    """What iptables and nf_tables check before a rule goes in (nothing changed yet)."""
    rule, chain = cmd.rule, cmd.chain or ""
    if rule.in_iface is not None and chain in _NO_IN:
        raise ParamError(f"Can't use -i with {chain}\n")
    if rule.out_iface is not None and chain in _NO_OUT:
        raise ParamError(f"Can't use -o with {chain}\n")
    target = rule.target
    if target is not None:
        if target.name not in TARGETS and target.name not in table.chains:
            raise ParamError(f"Chain '{target.name}' does not exist")
        if table.name == "nat" and target.name == "DROP":
            raise ParamError('\nThe "nat" table is not intended for filtering, the use of '
                             "DROP is therefore inhibited.\n\n")
    if chain not in table.chains:
        if cmd.op == "C":  # nft_rule_check(): no such chain holds no such rule
            raise KernelError("iptables: Bad rule (does a matching rule exist in that "
                              "chain?).\n")
        raise _NO_CHAIN
    if target is None:
        return
    hooks = _NAT_HOOKS.get(target.name)
    # reject_tg_check(): a TCP reset only for rules that match TCP alone
    tcp_reset_elsewhere = target.name == "REJECT" and target.reject_with == "tcp-reset" and (
        rule.proto != 6 or rule.proto_inv)
    refused = tcp_reset_elsewhere or (table.name == "nat" and target.name == "REJECT") or (
        hooks is not None and (table.name != "nat" or (chain in BUILTIN_CHAINS["nat"]
                                                       and chain not in hooks)))
    if refused:
        what = {"A": "RULE_APPEND", "I": "RULE_INSERT", "R": "RULE_REPLACE",
                "D": "RULE_DELETE"}[cmd.op]
        raise KernelError(f"{PROG}:  {what} failed (Invalid argument): rule in chain "
                          f"{chain}\n", status=4)


def _delete(table: Table, cmd: Command) -> None:
    rules = _chain(table, cmd.chain).rules
    if cmd.rulenum is not None:
        if not rules:
            raise _NO_CHAIN
        if cmd.rulenum > len(rules):
            raise KernelError("iptables: Index of deletion too big.\n")
        del rules[cmd.rulenum - 1]
        return
    wanted = cmd.rule.spec(cmd.chain or "")
    for index, rule in enumerate(rules):
        if rule.spec(cmd.chain or "") == wanted:
            del rules[index]
            return
    raise KernelError("iptables: Bad rule (does a matching rule exist in that chain?).\n")


def _policy(table: Table, cmd: Command) -> None:
    chain = table.chains.get(cmd.chain or "")
    if chain is None or not chain.builtin:
        raise KernelError("iptables: Bad built-in chain name.\n")
    if cmd.policy not in ("ACCEPT", "DROP"):
        raise KernelError("iptables: Bad policy name. Run `dmesg' for more information.\n")
    chain.policy = cmd.policy
    chain.policy_counter = True  # nf_tables: the chain now has a counter, from zero
    chain.pkts = chain.bytes = 0
    chain.live = True


def _delete_chains(table: Table, name: str | None) -> None:
    """-X: user chains go; a built-in one is an nf_tables chain like any other once a
    rule or a policy made it -- it can be deleted when empty with policy ACCEPT, and is
    shown again as before (counters zeroed) at once. Without a name: every user chain."""
    if name is not None:
        chain = table.chains.get(name)
        if chain is None or not chain.live:
            raise _NO_CHAIN
        if chain.builtin:
            if chain.policy != "ACCEPT":  # iptables-nft refuses it before the kernel
                raise KernelError("iptables: Directory not empty.\n")
            if chain.rules:
                raise KernelError(f"{PROG}:  CHAIN_DEL failed (Device or resource busy): "
                                  f"chain {name}\n", status=4)
            chain.pkts = chain.bytes = 0
            chain.live = chain.policy_counter = False
            return
        victims = [chain]
    else:
        victims = [c for c in table.in_order() if not c.builtin]
    for chain in victims:  # checked first: a refused -X deletes nothing
        if chain.rules or table.references(chain.name):
            raise KernelError(f"{PROG}:  CHAIN_DEL failed (Device or resource busy): chain "
                              f"{chain.name}\n", status=4)
    for chain in victims:
        del table.chains[chain.name]


def _listing(table: Table, cmd: Command) -> str:
    if cmd.chain is not None and cmd.chain not in table.chains:
        raise KernelError(f"{PROG}: chain `{cmd.chain}' in table `{table.name}' is "
                          "incompatible, use 'nft' tool.\n")
    chains = _chains(table, cmd.chain)
    if cmd.rulenum is not None:  # -L CHAIN N / -S CHAIN N: one rule, no header
        return _one_rule(chains[0], cmd)
    if cmd.op == "S":
        return list_rules(table, chains, cmd.verbose)
    return "\n".join(list_chain(table, c, cmd.verbose, cmd.exact, cmd.numeric,
                                cmd.line_numbers) for c in chains)


def _one_rule(chain: Chain, cmd: Command) -> str:
    """Rule N of a chain as -L or -S prints it alone; nothing if there is no rule N."""
    if cmd.rulenum is None or cmd.rulenum > len(chain.rules):
        return ""
    rule = chain.rules[cmd.rulenum - 1]
    if cmd.op == "S":
        return rule_spec(rule, chain.name, cmd.verbose) + "\n"
    return rule_line(rule, cmd.rulenum, cmd.verbose, cmd.exact, cmd.numeric, cmd.line_numbers)
