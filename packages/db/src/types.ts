// Row shapes the repositories return. Dates are Date objects; JSON columns are parsed.
// Kept local to the db package because @decnet/core does not define them (yet).

export type Role = 'admin' | 'viewer'

/** API.md `PublicUser`: nothing else leaves the server. */
export interface PublicUser {
  id: string
  username: string
  role: Role
  mustChangePassword: boolean
  createdAt: Date
}

/** A user including what auth needs to check a password and a token. */
export interface AuthUser extends PublicUser {
  passwordHash: string
  tokensValidFrom: Date | null
}

/**
 * `pending_removal`: torn down while its host did not answer; the row keeps its name and IP reserved
 * until the host answers and its containers are gone.
 */
export type DeckyState =
  | 'pending'
  | 'running'
  | 'degraded'
  | 'missing'
  | 'failed'
  | 'tearing_down'
  | 'unknown'
  | 'pending_removal'

export interface DeckyInput {
  name: string
  hostId?: string
  ip: string
  mac: string
  hostname: string
  distro: string
  archetype?: string | null
  services: string[]
  serviceConfig?: Record<string, Record<string, unknown>>
  osFamily: string
  mutateInterval?: number | null
}

export interface Decky {
  name: string
  hostId: string
  ip: string
  mac: string
  hostname: string
  distro: string
  archetype: string | null
  services: string[]
  serviceConfig: Record<string, Record<string, unknown>>
  osFamily: string
  mutateInterval: number | null
  lastMutatedAt: Date | null
  state: DeckyState
  lastError: string | null
  createdAt: Date
  updatedAt: Date
}

export type LifecycleOperation = 'deploy' | 'mutate' | 'teardown' | 'repair'
export type LifecycleStatus = 'pending' | 'running' | 'succeeded' | 'failed'

/** API.md `LifecycleRow` plus what the runner needs (lease, payload). */
export interface LifecycleRow {
  id: string
  deckyName: string
  hostId: string | null
  operation: LifecycleOperation
  status: LifecycleStatus
  attempt: number
  error: string | null
  payload: Record<string, unknown>
  leaseOwner: string | null
  leaseUntil: Date | null
  startedAt: Date
  updatedAt: Date
  completedAt: Date | null
}

/** One status a lifecycle row took; `id` is the durable, global, commit-ordered event id. */
export interface LifecycleEvent {
  id: number
  lifecycleId: string
  status: LifecycleStatus
  attempt: number
  error: string | null
  at: Date
}

/** A lifecycle row and the id of the event its latest status change wrote (null: pruned). */
export type LifecycleRowWithEvent = LifecycleRow & { eventId: number | null }

/** A lifecycle row as a status change just left it, with that change's event id. */
export type LifecycleTransitionRow = LifecycleRow & { eventId: number }

export interface LogEventInput {
  timestamp: Date
  decky: string
  service: string
  eventType: string
  attackerIp: string
  attackerPort?: number | null
  rawLine: string
  fields?: Record<string, unknown>
}

export interface LogRow {
  id: number
  timestamp: Date
  decky: string
  service: string
  eventType: string
  attackerIp: string
  attackerPort: number | null
  rawLine: string
  fields: Record<string, unknown>
}

export interface Attacker {
  id: string
  ip: string
  firstSeen: Date
  lastSeen: Date
  eventCount: number
  services: string[]
  deckies: string[]
  credentialCount: number
  commands: string[]
  updatedAt: Date
}

export interface CredentialRow {
  attackerIp: string
  decky: string
  service: string
  kind: string
  principal: string
  secret: string
  count: number
  firstSeen: Date
  lastSeen: Date
}

export type HostStatus = 'enrolled' | 'active' | 'unreachable' | 'decommissioning' | 'decommissioned'

/** What a Docker engine reports about itself. */
export interface HostEngine {
  /** Identifies the daemon (two addresses of one engine share it). */
  id: string
  version: string
  cpus: number
  memoryMiB: number
}

export interface HostInput {
  name: string
  dockerUrl: string
  tls: { ca: string; cert: string; key: string } | null
  network: { driver: string; parent?: string; subnet: string; gateway: string }
  capacity?: number | null
  engine?: HostEngine | null
}

export interface Host extends HostInput {
  id: string
  engine: HostEngine | null
  status: HostStatus
  lastHeartbeat: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface WorkerHeartbeat {
  worker: string
  status: 'ok' | 'degraded' | 'failed'
  detail: string | null
  beatAt: Date
}

/** `actor` is 'system' or an operator's user name. */
export interface AuditEntryInput {
  actor: string
  action: string
  target: string
  detail?: Record<string, unknown>
  at?: Date
}

export interface AuditEntry {
  id: string
  at: Date
  actor: string
  action: string
  target: string
  detail: Record<string, unknown>
}
