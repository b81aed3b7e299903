/**
 * Attacker intelligence (issue 16): the contract between the decoys (which compute fingerprints
 * where the bytes are seen), the pure analysis here (rules as data) and the ingest stage that stores
 * what the analysis finds. Pure: no I/O.
 *
 * ## Event fields the decoys emit (DecoyEvent.fields; every value attacker-influenced, capped)
 * - `tls_client_hello` event (one per TLS handshake, every TLS-speaking service):
 *   `ja3` (the JA3 string), `ja3_hash` (its MD5), `ja4` (the JA4 fingerprint), `ja4_r` (JA4 raw,
 *   sorted form), `tls_sni`, `tls_alpn` (first ALPN value), `tls_version` (highest offered:
 *   `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1.0`, `SSLv3`, else `0x` + four hex digits).
 * - `ssh_client_kexinit` event (one per SSH connection, after the client's KEXINIT):
 *   `client_version` (ident line without CR/LF), `hassh` (MD5), `hassh_algorithms` (the
 *   `kex;enc;mac;cmp` string). Later SSH events of the connection also carry `hassh`.
 * - HTTP `request` events (every HTTP-speaking service) gain `ja4h` and `header_order`
 *   (header names as sent, lower-case, comma-separated, capped) beside `user_agent`.
 * - Shell/terminal sessions (decoys `shell/recorder.ts`; stored by ingest in TerminalSession/
 *   TerminalChunk, never as Log rows): `tty_start` { sid, width, height, term, username, via } (one
 *   per session: the one recording event worth analysing), `tty_output` { sid, seq, frames (JSON
 *   asciicast v2 frames), bytes }, `tty_end` { sid, duration, frames, bytes, chunks, truncated,
 *   cut_at? }. `command` events carry `cmd` and, when a download ran, `download` events carry
 *   `url`, `sha256`, `size`, `filename`, `truncated` (plus `path`, `status`, `final_url`,
 *   `remote_ip`, `tool` or `error`); a job installed with `crontab` or written to a cron file raises a
 *   `cron_job` event { jobs, via, source }.
 */

/** One stored event as the analysis sees it (a subset of the ingest's LogEventInput). */
export type IntelEvent = {
  timestamp: Date
  decky: string
  service: string
  eventType: string
  attackerIp: string
  attackerPort?: number | null
  fields: Readonly<Record<string, unknown>>
}

export const FINGERPRINT_KINDS = ['ja3', 'ja4', 'hassh', 'ja4h', 'ssh_client', 'user_agent'] as const
export type FingerprintKind = (typeof FINGERPRINT_KINDS)[number]

/** A fingerprint seen on an event: `value` is what is compared (JA3/HASSH as MD5), `detail` the raw form. */
export type FingerprintFinding = { kind: FingerprintKind; value: string; detail: string }

/** A tool-identification rule matched this event. */
export type ToolFinding = { tool: string; ruleId: string; evidence: string }

/** An ATT&CK technique rule matched this event. */
export type TechniqueFinding = {
  /** ATT&CK id, e.g. `T1105` or `T1053.003`. */
  technique: string
  ruleId: string
  evidence: string
}

export const IOC_KINDS = ['url', 'domain', 'ip', 'sha256', 'sha1', 'md5', 'wallet', 'filename'] as const
export type IocKind = (typeof IOC_KINDS)[number]
/** Where in the event an indicator was found. */
export type IocSource = 'command' | 'http' | 'upload' | 'download' | 'mail' | 'other'
export type IocFinding = { kind: IocKind; value: string; source: IocSource }

/**
 * Behaviour counters one event adds to its attacker (summed per batch, kept as JSON on the attacker
 * and fed to `classifyAttacker`). Counters only ever grow; missing keys are zero.
 */
export type BehaviourCounters = Partial<Record<BehaviourCounter, number>>
export const BEHAVIOUR_COUNTERS = [
  'connections',
  'authAttempts',
  'authFailures',
  'interactiveSessions',
  'interactiveCommands',
  'execCommands',
  'requests',
  'downloads',
  'probePayloads',
] as const
export type BehaviourCounter = (typeof BEHAVIOUR_COUNTERS)[number]

/** Everything the analysis finds in one event. Empty arrays when nothing matched. */
export type EventFindings = {
  fingerprints: FingerprintFinding[]
  tools: ToolFinding[]
  techniques: TechniqueFinding[]
  iocs: IocFinding[]
  behaviour: BehaviourCounters
}

export const ATTACKER_CLASSES = ['scanner', 'brute_forcer', 'interactive', 'bot', 'unknown'] as const
export type AttackerClass = (typeof ATTACKER_CLASSES)[number]

/** What the classification sees of an attacker: its accumulated counters and what matched so far. */
export type AttackerIntelSummary = {
  eventCount: number
  firstSeen: Date
  lastSeen: Date
  serviceCount: number
  deckyCount: number
  credentialCount: number
  behaviour: BehaviourCounters
  tools: readonly string[]
  techniques: readonly string[]
}

export type AttackerClassification = {
  class: AttackerClass
  /** Human-readable reasons, most decisive first (e.g. "412 failed logins with 380 passwords in 3 min"). */
  evidence: string[]
}

/** Versions of the rule sets in force: stored with findings so an analyst knows which rules decided. */
export type IntelRuleVersions = { tools: string; techniques: string; iocs: string; classification: string }
