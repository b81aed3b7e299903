// The MITRE ATT&CK (Enterprise) techniques the technique rules can tag, as data: names and tactics
// for the console, the fleet-wide counts and the ATT&CK Navigator layer export. Names follow
// ATT&CK v15; tactic ids are the Navigator's shortnames.

export const ATTACK_TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const
export type AttackTactic = (typeof ATTACK_TACTICS)[number]

export type AttackTechnique = { id: string; name: string; tactics: readonly AttackTactic[] }

/** ATT&CK version the names and ids below were taken from (the Navigator layer states it). */
export const ATTACK_VERSION = '15'

export const ATTACK_TECHNIQUES: readonly AttackTechnique[] = [
  { id: 'T1595', name: 'Active Scanning', tactics: ['reconnaissance'] },
  { id: 'T1595.002', name: 'Active Scanning: Vulnerability Scanning', tactics: ['reconnaissance'] },
  { id: 'T1595.003', name: 'Active Scanning: Wordlist Scanning', tactics: ['reconnaissance'] },
  { id: 'T1190', name: 'Exploit Public-Facing Application', tactics: ['initial-access'] },
  {
    id: 'T1078',
    name: 'Valid Accounts',
    tactics: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access'],
  },
  { id: 'T1110', name: 'Brute Force', tactics: ['credential-access'] },
  { id: 'T1110.001', name: 'Brute Force: Password Guessing', tactics: ['credential-access'] },
  { id: 'T1110.003', name: 'Brute Force: Password Spraying', tactics: ['credential-access'] },
  { id: 'T1059.004', name: 'Command and Scripting Interpreter: Unix Shell', tactics: ['execution'] },
  { id: 'T1105', name: 'Ingress Tool Transfer', tactics: ['command-and-control'] },
  {
    id: 'T1053.003',
    name: 'Scheduled Task/Job: Cron',
    tactics: ['execution', 'persistence', 'privilege-escalation'],
  },
  {
    id: 'T1098.004',
    name: 'Account Manipulation: SSH Authorized Keys',
    tactics: ['persistence', 'privilege-escalation'],
  },
  { id: 'T1136.001', name: 'Create Account: Local Account', tactics: ['persistence'] },
  {
    id: 'T1543.002',
    name: 'Create or Modify System Process: Systemd Service',
    tactics: ['persistence', 'privilege-escalation'],
  },
  { id: 'T1082', name: 'System Information Discovery', tactics: ['discovery'] },
  { id: 'T1033', name: 'System Owner/User Discovery', tactics: ['discovery'] },
  { id: 'T1087.001', name: 'Account Discovery: Local Account', tactics: ['discovery'] },
  { id: 'T1016', name: 'System Network Configuration Discovery', tactics: ['discovery'] },
  { id: 'T1018', name: 'Remote System Discovery', tactics: ['discovery'] },
  { id: 'T1046', name: 'Network Service Discovery', tactics: ['discovery'] },
  { id: 'T1021.004', name: 'Remote Services: SSH', tactics: ['lateral-movement'] },
  {
    id: 'T1548.003',
    name: 'Abuse Elevation Control Mechanism: Sudo and Sudo Caching',
    tactics: ['privilege-escalation', 'defense-evasion'],
  },
  { id: 'T1059.006', name: 'Command and Scripting Interpreter: Python', tactics: ['execution'] },
  { id: 'T1049', name: 'System Network Connections Discovery', tactics: ['discovery'] },
  { id: 'T1057', name: 'Process Discovery', tactics: ['discovery'] },
  { id: 'T1083', name: 'File and Directory Discovery', tactics: ['discovery'] },
  { id: 'T1070.003', name: 'Indicator Removal: Clear Command History', tactics: ['defense-evasion'] },
  { id: 'T1070.004', name: 'Indicator Removal: File Deletion', tactics: ['defense-evasion'] },
  {
    id: 'T1222.002',
    name: 'File and Directory Permissions Modification: Linux and Mac File and Directory Permissions Modification',
    tactics: ['defense-evasion'],
  },
  { id: 'T1562.001', name: 'Impair Defenses: Disable or Modify Tools', tactics: ['defense-evasion'] },
  { id: 'T1140', name: 'Deobfuscate/Decode Files or Information', tactics: ['defense-evasion'] },
  { id: 'T1552.004', name: 'Unsecured Credentials: Private Keys', tactics: ['credential-access'] },
  {
    id: 'T1003.008',
    name: 'OS Credential Dumping: /etc/passwd and /etc/shadow',
    tactics: ['credential-access'],
  },
  { id: 'T1610', name: 'Deploy Container', tactics: ['defense-evasion', 'execution'] },
  { id: 'T1611', name: 'Escape to Host', tactics: ['privilege-escalation'] },
  { id: 'T1496', name: 'Resource Hijacking', tactics: ['impact'] },
]

const BY_ID = new Map(ATTACK_TECHNIQUES.map((technique) => [technique.id, technique]))

/** The technique by ATT&CK id, or undefined for an id this catalogue does not know. */
export function attackTechnique(id: string): AttackTechnique | undefined {
  return BY_ID.get(id)
}
