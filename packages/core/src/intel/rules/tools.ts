// Tool identification as data: which user agent, SSH client version, probe payload or login names
// which tool. Bump TOOL_RULES_VERSION with every change to a rule or to the catalogue.
import type { MatchRule } from './engine.ts'

export const TOOL_RULES_VERSION = '1.2.0'

/** What a tool is for: decides how it weighs in an attacker's classification. */
export type ToolRole =
  | 'scanner'
  | 'vuln_scanner'
  | 'brute_forcer'
  | 'exploit_framework'
  | 'bot'
  | 'http_client'
  | 'ssh_client'

export type ToolDefinition = { id: string; name: string; role: ToolRole }

export const TOOLS: readonly ToolDefinition[] = [
  { id: 'nmap', name: 'Nmap', role: 'scanner' },
  { id: 'masscan', name: 'masscan', role: 'scanner' },
  { id: 'zgrab', name: 'ZGrab', role: 'scanner' },
  { id: 'censys', name: 'Censys scanner', role: 'scanner' },
  { id: 'sipvicious', name: 'SIPVicious', role: 'scanner' },
  { id: 'nuclei', name: 'Nuclei', role: 'vuln_scanner' },
  { id: 'nikto', name: 'Nikto', role: 'vuln_scanner' },
  { id: 'sqlmap', name: 'sqlmap', role: 'vuln_scanner' },
  { id: 'wpscan', name: 'WPScan', role: 'vuln_scanner' },
  {
    id: 'dirbuster',
    name: 'directory brute-forcer (gobuster/dirbuster/ffuf/feroxbuster)',
    role: 'vuln_scanner',
  },
  { id: 'hydra', name: 'THC Hydra', role: 'brute_forcer' },
  { id: 'medusa', name: 'Medusa', role: 'brute_forcer' },
  { id: 'ncrack', name: 'Ncrack', role: 'brute_forcer' },
  { id: 'libssh', name: 'libssh client (Hydra, bots)', role: 'ssh_client' },
  { id: 'libssh2', name: 'libssh2 client (Medusa, bots)', role: 'ssh_client' },
  { id: 'metasploit', name: 'Metasploit Framework', role: 'exploit_framework' },
  { id: 'mirai', name: 'Mirai-family bot', role: 'bot' },
  { id: 'paramiko', name: 'Paramiko (Python SSH)', role: 'ssh_client' },
  { id: 'go-ssh', name: 'Go x/crypto/ssh client', role: 'ssh_client' },
  { id: 'openssh', name: 'OpenSSH client', role: 'ssh_client' },
  { id: 'putty', name: 'PuTTY', role: 'ssh_client' },
  { id: 'curl', name: 'curl', role: 'http_client' },
  { id: 'wget', name: 'GNU Wget', role: 'http_client' },
  { id: 'python-requests', name: 'Python requests', role: 'http_client' },
  { id: 'python-urllib', name: 'Python urllib', role: 'http_client' },
  { id: 'python-aiohttp', name: 'Python aiohttp', role: 'http_client' },
  { id: 'go-http', name: 'Go net/http client', role: 'http_client' },
  { id: 'libwww-perl', name: 'libwww-perl', role: 'http_client' },
]

export type ToolRule = MatchRule & {
  tool: string
  /** The payload is a scanner's probe no ordinary client sends: counted in `probePayloads`. */
  probe?: true
}

const userAgent = (id: string, tool: string, pattern: RegExp): ToolRule => ({
  id,
  tool,
  eventTypes: ['request'],
  when: [{ field: 'user_agent', matches: pattern }],
  evidence: 'HTTP user agent "{user_agent}"',
})

/** The SSH ident's software part, with or without the `SSH-2.0-` prefix (the decoys log it without). */
const sshClient = (id: string, tool: string, software: string): ToolRule => ({
  id,
  tool,
  eventTypes: ['auth_attempt', 'ssh_client_kexinit'],
  services: ['ssh'],
  when: [{ field: 'client_version', matches: new RegExp(`^(?:SSH-[\\d.]+-)?${software}`, 'i') }],
  evidence: 'SSH client version "{client_version}"',
})

/**
 * Passwords of Mirai's built-in telnet credential list (mirai/bot/table.c, scanner.c) that no person
 * types: the list's generic pairs (admin/admin, root/root) prove nothing and are left out.
 */
const MIRAI_PASSWORDS = [
  'xc3511',
  'vizxv',
  'xmhdipc',
  'juantech',
  'klv123',
  'klv1234',
  'Zte521',
  'hi3518',
  'jvbzd',
  'anko',
  'zlxx.',
  '7ujMko0vizxv',
  '7ujMko0admin',
  'ikwb',
  'dreambox',
  'realtek',
  'meinsm',
  'smcadmin',
  'fucker',
  '00000000',
  '1111111',
]

export const TOOL_RULES: readonly ToolRule[] = [
  // Nmap: the NSE user agent, the -sV service probes as they reach an HTTP service
  userAgent('tool.nmap.nse-user-agent', 'nmap', /Nmap Scripting Engine/i),
  {
    id: 'tool.nmap.probe-four-oh-four',
    tool: 'nmap',
    probe: true,
    eventTypes: ['request'],
    when: [{ field: 'path', matches: /^\/nice%20ports%2C\/Tri%6Eity\.txt%2ebak$/i }],
    evidence: 'nmap -sV FourOhFourRequest probe ({path})',
  },
  {
    id: 'tool.nmap.lowercheck-path',
    tool: 'nmap',
    eventTypes: ['request'],
    when: [{ field: 'path', matches: /^\/nmaplowercheck\d+$/ }],
    evidence: 'nmap http-* script case-sensitivity check ({path})',
  },
  {
    id: 'tool.nmap.probe-get-request',
    tool: 'nmap',
    probe: true,
    eventTypes: ['request'],
    when: [
      { field: 'method', equals: 'GET' },
      { field: 'path', equals: '/' },
      { field: 'headers', equals: '{}' },
    ],
    evidence: 'GET / with no header at all, as nmap -sV sends its GetRequest probe',
  },
  {
    id: 'tool.nmap.probe-http-options',
    tool: 'nmap',
    probe: true,
    eventTypes: ['request'],
    when: [
      { field: 'method', equals: 'OPTIONS' },
      { field: 'path', equals: '/' },
      { field: 'headers', equals: '{}' },
    ],
    evidence: 'nmap -sV HTTPOptions probe (OPTIONS / with no header)',
  },
  {
    id: 'tool.nmap.probe-sip-options',
    tool: 'nmap',
    probe: true,
    eventTypes: ['request'],
    when: [{ field: 'path', matches: /^sip:nm$/i }],
    evidence: 'nmap -sV SIPOptions probe (OPTIONS sip:nm)',
  },
  {
    id: 'tool.nmap.probe-sip-uri',
    tool: 'nmap',
    probe: true,
    eventTypes: ['request'],
    services: ['sip'],
    when: [{ field: 'uri', matches: /^sip:nm$/i }],
    evidence: 'nmap -sV SIPOptions probe (OPTIONS sip:nm)',
  },
  sshClient('tool.nmap.ssh-nse', 'nmap', 'Nmap-SSH'),
  // Other scanners
  userAgent('tool.masscan.user-agent', 'masscan', /\bmasscan\//i),
  userAgent('tool.zgrab.user-agent', 'zgrab', /\bzgrab\//i),
  userAgent('tool.censys.user-agent', 'censys', /CensysInspect\//i),
  userAgent('tool.nuclei.user-agent', 'nuclei', /\bnuclei\b/i),
  {
    id: 'tool.nuclei.interactsh',
    tool: 'nuclei',
    eventTypes: ['request'],
    when: [
      {
        field: 'request_text',
        matches: /\.oast\.(?:pro|live|site|online|fun|me)\b|\binteract\.sh\b/i,
      },
    ],
    evidence: 'interactsh callback domain (nuclei out-of-band check): {match}',
  },
  userAgent('tool.sipvicious.user-agent', 'sipvicious', /friendly-scanner|sipvicious|\bsipcli\b/i),
  userAgent('tool.nikto.user-agent', 'nikto', /\bNikto\b/i),
  userAgent('tool.sqlmap.user-agent', 'sqlmap', /\bsqlmap\//i),
  userAgent('tool.wpscan.user-agent', 'wpscan', /\bWPScan\b/i),
  userAgent(
    'tool.dirbuster.user-agent',
    'dirbuster',
    /\b(?:gobuster|DirBuster|feroxbuster)\b|Fuzz Faster U Fool/i,
  ),
  // Brute forcers
  userAgent('tool.hydra.user-agent', 'hydra', /\(Hydra\)/i),
  // Medusa's http module announces a browser from 1995; its web-form module a lobster.
  userAgent(
    'tool.medusa.user-agent',
    'medusa',
    /^Mozilla\/1\.22 \(compatible; MSIE [\d.]+; Windows 3\.1\)$|Teh Forest Lobster/i,
  ),
  sshClient('tool.medusa.ssh-client-version', 'medusa', 'MEDUSA_'),
  userAgent('tool.ncrack.user-agent', 'ncrack', /\bNcrack\b/i),
  sshClient('tool.libssh.client-version', 'libssh', 'libssh[_-]\\d'),
  sshClient('tool.libssh2.client-version', 'libssh2', 'libssh2_'),
  {
    id: 'tool.mirai.telnet-credential',
    tool: 'mirai',
    eventTypes: ['auth_attempt'],
    services: ['telnet'],
    when: [{ field: 'password', oneOf: MIRAI_PASSWORDS }],
    // The password itself stays out of the evidence: evidence is shown where secrets are masked.
    evidence: 'telnet login as "{username}" with a password from Mirai\'s built-in credential list',
  },
  {
    id: 'tool.mirai.busybox-tag',
    tool: 'mirai',
    eventTypes: ['command'],
    services: ['telnet', 'ssh'],
    when: [{ field: 'cmd', matches: /\/bin\/busybox\s+[A-Z]{4,}\b/ }],
    evidence: 'Mirai-style busybox marker command: {match}',
  },
  {
    id: 'tool.mirai.shell-escape',
    tool: 'mirai',
    eventTypes: ['command'],
    services: ['telnet'],
    when: [{ field: 'cmd', matches: /^(?:enable|system|shell|linuxshell)$/ }],
    evidence: 'router-CLI escape "{cmd}" sent right after a telnet login, as Mirai-family bots do',
  },
  // Exploit frameworks
  userAgent('tool.metasploit.user-agent', 'metasploit', /metasploit|\bmsf\b/i),
  sshClient('tool.metasploit.net-ssh', 'metasploit', 'Ruby\\/Net::SSH'),
  // Libraries and everyday clients (weak on their own: scripts and people both use them)
  sshClient('tool.paramiko.client-version', 'paramiko', 'paramiko_'),
  sshClient('tool.go-ssh.client-version', 'go-ssh', 'Go\\b'),
  sshClient('tool.openssh.client-version', 'openssh', 'OpenSSH_'),
  sshClient('tool.putty.client-version', 'putty', 'PuTTY'),
  userAgent('tool.curl.user-agent', 'curl', /^curl\//i),
  userAgent('tool.wget.user-agent', 'wget', /^Wget\//i),
  userAgent('tool.python-requests.user-agent', 'python-requests', /\bpython-requests\//i),
  userAgent('tool.python-urllib.user-agent', 'python-urllib', /\bPython-urllib\//i),
  userAgent('tool.python-aiohttp.user-agent', 'python-aiohttp', /\baiohttp\//i),
  userAgent('tool.go-http.user-agent', 'go-http', /^Go-http-client\//i),
  userAgent('tool.libwww-perl.user-agent', 'libwww-perl', /^libwww-perl\//i),
]

const BY_ID = new Map(TOOLS.map((tool) => [tool.id, tool]))

export function toolDefinition(id: string): ToolDefinition | undefined {
  return BY_ID.get(id)
}
