/**
 * Request datagrams that make well-known UDP services answer. UDP has no handshake, so "answers a
 * probe" needs a request the protocol replies to; an unknown port gets a single zero byte.
 */

function dnsQuery(name: string, type: number): Buffer {
  const labels = name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]))
  const header = Buffer.from([0x13, 0x37, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
  return Buffer.concat([header, ...labels, Buffer.from([0x00, 0x00, type, 0x00, 0x01])])
}

// SNMPv2c get-request for sysDescr.0 with community "public".
const SNMP_GET_SYSDESCR = Buffer.from(
  '302902010104067075626c6963a01c020413371337020100020100300e300c06082b060102010101000500',
  'hex',
)

const TFTP_READ_REQUEST = Buffer.from('\x00\x01probe\x00octet\x00', 'latin1')

const SIP_OPTIONS = Buffer.from(
  'OPTIONS sip:probe@decnet SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKprobe\r\n' +
    'From: <sip:probe@decnet>;tag=1\r\nTo: <sip:probe@decnet>\r\nCall-ID: probe@decnet\r\nCSeq: 1 OPTIONS\r\n' +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
)

// NetBIOS node status (NBSTAT) query for `*`, as `nmblookup -A` sends it.
const NBSTAT_QUERY = Buffer.concat([
  Buffer.from([0x13, 0x37, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x43, 0x4b]),
  Buffer.alloc(30, 0x41),
  Buffer.from([0x00, 0x00, 0x21, 0x00, 0x01]),
])

const PAYLOADS: ReadonlyMap<number, Buffer> = new Map([
  [53, dnsQuery('example.com', 1)],
  [137, NBSTAT_QUERY],
  [161, SNMP_GET_SYSDESCR],
  [5060, SIP_OPTIONS],
])

export type UdpProbe = {
  payload: Buffer
  /**
   * LLMNR and mDNS answer only for the host's own name (a decoy must never poison anyone), and not
   * at all when the emulator cannot tell its own address; for them, no ICMP port-unreachable within
   * the attempt counts as open, as a UDP scanner would see it.
   */
  silenceMeansOpen: boolean
  /**
   * TFTP answers from a fresh transfer port (its TID), which a connected socket would filter out;
   * such probes listen unconnected and accept any datagram from the host, losing only the early
   * port-unreachable signal (silence is retried until the deadline instead).
   */
  replyFromAnyPort: boolean
}

export function udpProbeFor(port: number, hostname: string): UdpProbe {
  const probe = { silenceMeansOpen: false, replyFromAnyPort: false }
  if (port === 5355) return { ...probe, payload: dnsQuery(hostname, 1), silenceMeansOpen: true }
  if (port === 5353) return { ...probe, payload: dnsQuery(`${hostname}.local`, 1), silenceMeansOpen: true }
  if (port === 69) return { ...probe, payload: TFTP_READ_REQUEST, replyFromAnyPort: true }
  return { ...probe, payload: PAYLOADS.get(port) ?? Buffer.from([0]) }
}
