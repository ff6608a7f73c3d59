"""slirp's built-in DHCP server (bootp.c).

Sixteen leases, 10.0.2.15 to 10.0.2.30 (from ``dhcpstart=``), one per MAC, never
expiring inside slirp although it announces 86400 s. A DISCOVER gets an OFFER of
the address the client asked for (option 50) if it is free or already its own,
else the first free one; a REQUEST gets an ACK, or a NAK ("requested address not
available") if the address is outside the pool or someone else's. Plain BOOTP
(no option 53) is answered as a REQUEST.

Every reply goes to 255.255.255.255:68 from 10.0.2.2:67 and carries, in this
order: message type, server id (10.0.2.2), netmask, router (10.0.2.2), DNS
(10.0.2.3), lease time 86400 s (router and DNS left out with ``restrict=on``), then
the host name of ``hostname=``. The BOOTP message is 548 bytes (236 fixed + 312
of options, zero-padded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets import dhcp
from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa
from netsim.qemu.slirp.net import BROADCAST

if TYPE_CHECKING:
    from netsim.qemu.slirp.stack import Slirp

BOOTP_SERVER = dhcp.SERVER_PORT
BOOTP_CLIENT = dhcp.CLIENT_PORT
NB_BOOTP_CLIENTS = 16
LEASE_TIME = 24 * 3600
BOOTP_REPLY_LEN = 236 + 312     # sizeof(bp_*) + DHCP_OPT_LEN
IPTOS_LOWDELAY = 0x10
NAK_MESSAGE = b"requested address not available"


def bootp_input(slirp: Slirp, packet: bytes, payload: bytes, frame_id: int) -> None:
    """A BOOTP/DHCP request from the guest: answer from the pool, or stay silent."""
    try:
        msg = dhcp.parse(payload)
    except MalformedPacket as err:
        slirp.trace("drop", frame_id, f"not a DHCP message: {err}", "bootp_input", packet, True)
        return
    if msg.op != dhcp.BOOTREQUEST:
        return
    kind = msg.msg_type or dhcp.REQUEST  # old BOOTP clients: answered as a REQUEST
    if kind not in (dhcp.DISCOVER, dhcp.REQUEST):
        slirp.trace("drop", frame_id, f"DHCP {dhcp.MSG_NAMES.get(kind, kind)}: slirp answers "
                    "only DISCOVER and REQUEST", "bootp_input", packet, True)
        return
    wanted = msg.requested_ip
    if wanted is None and kind == dhcp.REQUEST and msg.ciaddr != bytes(4):
        wanted = msg.ciaddr  # renewing: the address it already has
    addr = _choose(slirp, kind, wanted, msg.chaddr)
    vnet = slirp.vnet
    if addr is None and (kind == dhcp.DISCOVER or wanted is None):
        slirp.trace("drop", frame_id, f"all {NB_BOOTP_CLIENTS} leases are taken: slirp "
                    "does not answer", "bootp_reply", packet, True)
        return
    if addr is not None:
        slirp.arp_table.add(addr, msg.chaddr)  # the reply's MAC, before any ARP
        reply_type = dhcp.OFFER if kind == dhcp.DISCOVER else dhcp.ACK
        options = [(dhcp.OPT_SERVER_ID, vnet.host), (dhcp.OPT_SUBNET_MASK, vnet.mask)]
        if not vnet.restricted:
            options += [(dhcp.OPT_ROUTER, vnet.host), (dhcp.OPT_DNS, vnet.dns)]
        options.append((dhcp.OPT_LEASE_TIME, LEASE_TIME.to_bytes(4, "big")))
        if vnet.hostname:
            options.append((dhcp.OPT_HOSTNAME, vnet.hostname.encode()[:255]))
        yiaddr = addr
        told = (f"{dhcp.MSG_NAMES[reply_type].upper()} {ip_ntoa(addr)} to "
                f"{mac_ntoa(msg.chaddr)}: mask {ip_ntoa(vnet.mask)}"
                + ("" if vnet.restricted else f", router {ip_ntoa(vnet.host)}, DNS "
                   f"{ip_ntoa(vnet.dns)}") + f", lease {LEASE_TIME} s")
    else:
        reply_type = dhcp.NAK
        options = [(dhcp.OPT_MESSAGE, NAK_MESSAGE)]
        yiaddr = BROADCAST  # slirp sets the NAK's destination first, then copies it here
        told = (f"NAK to {mac_ntoa(msg.chaddr)}: "
                f"{ip_ntoa(wanted) if wanted else 'that address'} is not available")
    reply = dhcp.build(dhcp.BOOTREPLY, msg.xid, msg.chaddr, reply_type, yiaddr=yiaddr,
                       siaddr=vnet.host, options=options)
    reply += bytes(BOOTP_REPLY_LEN - len(reply))
    out_id = slirp.new_frame_id()
    slirp.trace("lease", out_id, f"slirp's DHCP server answers the guest's "
                f"{dhcp.MSG_NAMES.get(msg.msg_type or 0, 'BOOTP request')} (frame "
                f"#{frame_id}): {told}", "bootp_reply", packet, True)
    from netsim.qemu.slirp.udp import udp_output

    udp_output(slirp, (vnet.host, BOOTP_SERVER), (BROADCAST, BOOTP_CLIENT), reply, out_id,
               tos=IPTOS_LOWDELAY)


def _choose(slirp: Slirp, kind: int, wanted: bytes | None, mac: bytes) -> bytes | None:
    """The lease for ``mac``: get_new_addr / request_addr / find_addr of bootp.c."""
    if kind == dhcp.DISCOVER:
        if wanted is not None and _request_addr(slirp, wanted, mac):
            return wanted
        return _new_addr(slirp, mac)
    if wanted is not None:
        return wanted if _request_addr(slirp, wanted, mac) else None
    found = _find_addr(slirp, mac)
    # Never assigned: behave as if it were (Windows remembers its address).
    return found if found is not None else _new_addr(slirp, mac)


def _lease_addr(slirp: Slirp, i: int) -> bytes:
    return (int.from_bytes(slirp.vnet.dhcp_start, "big") + i).to_bytes(4, "big")


def _slots(slirp: Slirp) -> list[bytes | None]:
    clients = slirp.bootp_clients
    if not clients:
        clients.extend([None] * NB_BOOTP_CLIENTS)
    return clients


def _new_addr(slirp: Slirp, mac: bytes) -> bytes | None:
    clients = _slots(slirp)
    for i, owner in enumerate(clients):
        if owner is None or owner == mac:
            clients[i] = mac
            return _lease_addr(slirp, i)
    return None  # all sixteen leases are taken: no answer at all


def _request_addr(slirp: Slirp, wanted: bytes, mac: bytes) -> bool:
    clients = _slots(slirp)
    i = int.from_bytes(wanted, "big") - int.from_bytes(slirp.vnet.dhcp_start, "big")
    if 0 <= i < NB_BOOTP_CLIENTS and clients[i] in (None, mac):
        clients[i] = mac
        return True
    return False


def _find_addr(slirp: Slirp, mac: bytes) -> bytes | None:
    clients = _slots(slirp)
    for i, owner in enumerate(clients):
        if owner == mac:
            return _lease_addr(slirp, i)
    return None
