"""``hostname`` (net-tools' hostname 3.23 as Debian ships it): the machine's name, and
its addresses.

``hostname`` prints the kernel's name (``/proc/sys/kernel/hostname``), ``hostname NAME``
sets it (not ``/etc/hostname``, which only the next boot reads); ``-i`` looks the name
up in ``/etc/hosts`` (Debian maps it to 127.0.1.1), ``-I`` lists every address of every
interface but ``lo``, each followed by a space. Not modelled: ``-F``, ``-b``, NIS and
DNS domains (``-y``, ``-d`` print nothing useful on a machine without them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io
from netsim.user.resolver import gethostbyname

if TYPE_CHECKING:
    from netsim.host import Host

VERSION = "hostname 3.23\n"
LONG = {"alias": "a", "all-fqdns": "A", "boot": "b", "domain": "d", "fqdn": "f", "long": "f",
        "file": "F:", "ip-address": "i", "all-ip-addresses": "I", "short": "s", "yp": "y",
        "nis": "y", "version": "V", "help": "h"}
USAGE = """\
Usage: hostname [-b] {hostname|-F file}         set host name (from file)
       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name
       hostname                                 display host name

       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)
       {yp,nis,}domainname                      display NIS domain name

       dnsdomainname                            display dns domain name

       hostname -V|--version|-h|--help          print info and exit

Program name:
       {yp,nis,}domainname=hostname -y
       dnsdomainname=hostname -d

Program options:
    -a, --alias            alias names
    -A, --all-fqdns        all long host names (FQDNs)
    -b, --boot             set default hostname if none available
    -d, --domain           DNS domain name
    -f, --fqdn, --long     long host name (FQDN)
    -F, --file             read host name or NIS domain name from given file
    -i, --ip-address       addresses for the host name
    -I, --all-ip-addresses all addresses for the host
    -s, --short            short host name
    -y, --yp, --nis        NIS/YP domain name

Description:
   This command can get or set the host name or the NIS domain name. You can
   also get the DNS domain or the FQDN (fully qualified domain name).
   Unless you are using bind or NIS for host lookups you can change the
   FQDN (Fully Qualified Domain Name) and the DNS domain name (which is
   part of the FQDN) in the /etc/hosts file.
"""


def main(host: Host, argv: list[str], io: Io) -> int:
    try:
        options, operands = getopt_long("hostname", argv[1:], "aAbdfF:iIsyVh", LONG)
    except GetoptError as err:
        io.error(str(err))
        io.write(USAGE)  # net-tools prints the usage on standard output after a bad option
        return 255
    flags = {name.lstrip("-")[:1] if len(name) == 2 else LONG[name[2:]][0] for name, _ in options}
    if "V" in flags:
        io.write(VERSION)
        return 0
    if "h" in flags or len(operands) > 1:
        (io.write if "h" in flags else io.error)(USAGE)
        return 0 if "h" in flags else 255
    name = host.ns.sysctl.get("kernel.hostname", host.name)
    if operands:
        host.ns.sysctl["kernel.hostname"] = operands[0]
        return 0
    if "I" in flags:
        addresses = [ip_ntoa(a.local) for a in host.ns.ipv4.addresses
                     if not a.dev.flag_loopback]
        io.write("".join(f"{a} " for a in addresses) + "\n")
        return 0
    if "i" in flags:
        address = gethostbyname(host.fs, name)
        if address is None:
            io.error("hostname: Name or service not known\n")
            return 1
        io.write(ip_ntoa(address) + "\n")
        return 0
    io.write((name.split(".")[0] if "s" in flags else name) + "\n")
    return 0
