"""dnsmasq's decisions, without sockets: which address, NAK, exhaustion, expiry, lease file."""

from netsim.packets import dhcp
from netsim.packets.addr import ip_aton, mac_aton
from netsim.services.dhcp_server import DhcpRange, DhcpServer, hash_start, pretty_time

SERVER = ip_aton("192.168.122.1")
MAC_A = mac_aton("52:54:00:12:34:56")
MAC_B = mac_aton("52:54:00:aa:00:02")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def server(start="192.168.122.2", end="192.168.122.254", lease=3600, clock=None):
    return DhcpServer("virbr0", SERVER, 24, [DhcpRange(ip_aton(start), ip_aton(end),
                                                       lease_time=lease)],
                      clock=clock or Clock())


def msg(mac, msg_type, options=(), ciaddr=bytes(4)):
    return dhcp.parse(dhcp.build(dhcp.BOOTREQUEST, 1, mac, msg_type, ciaddr=ciaddr,
                                 options=list(options)))


def request(srv, mac, ip):
    return srv.request(msg(mac, dhcp.REQUEST, [(dhcp.OPT_SERVER_ID, SERVER),
                                               (dhcp.OPT_REQUESTED_IP, ip_aton(ip))]))


def test_offer_is_the_address_real_dnsmasq_offers():
    # Recorded: dnsmasq 2.90 offered .76 to this MAC in 192.168.122.2--254.
    assert server().choose(msg(MAC_A, dhcp.DISCOVER)) == ip_aton("192.168.122.76")
    assert hash_start(MAC_A) % 253 == 74


def test_offer_options_in_dnsmasq_order():
    srv = server()
    reply = srv.offer(msg(MAC_A, dhcp.DISCOVER), ip_aton("192.168.122.76"))
    decoded = dhcp.parse(reply.payload(SERVER))
    assert list(decoded.options) == [53, 54, 51, 58, 59, 1, 28, 3, 6]
    assert (decoded.lease_time, decoded.renewal_time, decoded.rebinding_time) == (3600, 1800,
                                                                                  3150)
    assert decoded.siaddr == SERVER
    assert reply.log == "DHCPOFFER(virbr0) 192.168.122.76 52:54:00:12:34:56 "


def test_pool_exhausted_gives_no_offer_and_taken_address_gets_nak():
    srv = server("192.168.122.76", "192.168.122.76")
    ack, _ = request(srv, MAC_A, "192.168.122.76")
    assert ack.msg_type == dhcp.ACK
    assert srv.choose(msg(MAC_B, dhcp.DISCOVER)) is None
    assert srv.discover_log(msg(MAC_B, dhcp.DISCOVER), "no address available") == (
        "DHCPDISCOVER(virbr0) 52:54:00:aa:00:02 no address available")
    nak, _ = request(srv, MAC_B, "192.168.122.76")
    assert nak.msg_type == dhcp.NAK and nak.broadcast
    assert nak.log.endswith("address in use")
    assert dhcp.parse(nak.payload(SERVER)).options[dhcp.OPT_MESSAGE] == b"address in use"


def test_request_for_another_server_or_network_is_ignored():
    srv = server()
    other = msg(MAC_A, dhcp.REQUEST, [(dhcp.OPT_SERVER_ID, ip_aton("192.168.122.9")),
                                      (dhcp.OPT_REQUESTED_IP, ip_aton("192.168.122.76"))])
    assert srv.request(other) == (None, "")
    reboot = msg(MAC_A, dhcp.REQUEST, [(dhcp.OPT_REQUESTED_IP, ip_aton("10.9.9.9"))])
    assert srv.request(reboot) == (None, "")
    assert srv.leases() == []


def test_lease_expires_and_renewal_extends_it():
    clock = Clock()
    srv = server(lease=120, clock=clock)
    request(srv, MAC_A, "192.168.122.76")
    clock.now = 100
    renew = msg(MAC_A, dhcp.REQUEST, ciaddr=ip_aton("192.168.122.76"))
    ack, log = srv.request(renew)
    assert ack.msg_type == dhcp.ACK and log.startswith("DHCPREQUEST(virbr0) 192.168.122.76")
    clock.now = 219
    assert [lease.ip for lease in srv.leases()] == [ip_aton("192.168.122.76")]
    clock.now = 221
    assert srv.leases() == []


def test_lease_file_line_and_release():
    srv = server()
    srv.request(msg(MAC_A, dhcp.REQUEST, [(dhcp.OPT_SERVER_ID, SERVER),
                                          (dhcp.OPT_REQUESTED_IP, ip_aton("192.168.122.76")),
                                          (dhcp.OPT_HOSTNAME, b"vm")]))
    assert srv.lease_file(lambda t: 1795607100 + t) == (
        "1795610700 52:54:00:12:34:56 192.168.122.76 vm *\n")
    assert "192.168.122.76  52:54:00:12:34:56  vm" in srv.table_text()
    srv.release(msg(MAC_A, dhcp.RELEASE, ciaddr=ip_aton("192.168.122.76")))
    assert srv.lease_file(lambda t: t) == ""


def test_pretty_time_like_dnsmasq_logs():
    assert [pretty_time(s) for s in (3600, 1800, 3150, 120, None)] == [
        "1h", "30m", "52m30s", "2m", "infinite"]
