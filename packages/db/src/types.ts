// Row shapes the repositories return, derived from one source: Prisma's generated models (the schema
// in prisma/domains is the truth about columns), with JSON text columns parsed and string columns
// narrowed to core's concepts (states, statuses, roles). Nothing here re-declares a column by hand:
// a column renamed or dropped in the schema breaks the `Retyped` keys below at compile time.
import type {
  AlertMessage,
  AlertReason,
  AttackerClass,
  BehaviourCounters,
  BreakerState,
  ChannelKind,
  ConfigValue,
  CustomService,
  DeckyState,
  DeckyTopology,
  DeliveryStatus,
  HostStatus,
  IgnoreRuleKind,
  IncidentState,
  LifecycleOperation,
  LifecycleStatus,
  NetworkDriver,
  Persona,
  Role,
  Severity,
  WorkerStatus,
} from '@decnet/core'
import type {
  AttackerModel,
  AuditEntryModel,
  ChannelModel,
  CredentialModel,
  DeckyModel,
  DeliveryModel,
  HostModel,
  IgnoreRuleModel,
  IncidentModel,
  LifecycleEventModel,
  LifecycleModel,
  LogModel,
  UserModel,
  WorkerHeartbeatModel,
} from './generated/client/sqlite/models.ts'

/**
 * A generated model with some columns retyped (parsed JSON, narrowed strings); `Columns` may only
 * name columns the model has. Both providers' clients come from the same domain files, so the SQLite
 * client's models describe PostgreSQL rows too.
 */
type Retyped<Model, Columns extends { [K in keyof Columns]: K extends keyof Model ? unknown : never }> = Omit<
  Model,
  keyof Columns
> &
  Columns

/** The Decky table's persona settings column, parsed: service slug → key → value. */
export type ServiceConfigColumn = Record<string, Record<string, ConfigValue>>

/** API.md `PublicUser` with a Date: nothing else about a user leaves the server. */
export type UserRow = Retyped<
  Pick<UserModel, 'id' | 'username' | 'role' | 'mustChangePassword' | 'createdAt'>,
  { role: Role }
>

/** A user including what auth needs to check a password and a token. */
export type AuthUser = UserRow & Pick<UserModel, 'passwordHash' | 'tokensValidFrom'>

export type Decky = Retyped<
  DeckyModel,
  {
    services: string[]
    serviceConfig: ServiceConfigColumn
    customServices: CustomService[]
    state: DeckyState
    persona: Persona | null
    topology: DeckyTopology | null
  }
>

/** What a deploy plan writes per decky; the table supplies the rest (state, timestamps). */
export type DeckyInput = Pick<
  Decky,
  'name' | 'ip' | 'mac' | 'hostname' | 'distro' | 'services' | 'osFamily'
> &
  Partial<
    Pick<
      Decky,
      'hostId' | 'archetype' | 'serviceConfig' | 'customServices' | 'mutateInterval' | 'persona' | 'topology'
    >
  >

/** API.md `LifecycleRow` plus what the runner needs (lease, payload). */
export type LifecycleRow = Retyped<
  LifecycleModel,
  { operation: LifecycleOperation; status: LifecycleStatus; payload: Record<string, unknown> }
>

/** One status a lifecycle row took; `id` is the durable, global, commit-ordered event id. */
export type LifecycleEvent = Retyped<LifecycleEventModel, { status: LifecycleStatus }>

/** A lifecycle row and the id of the event its latest status change wrote (null: pruned). */
export type LifecycleRowWithEvent = LifecycleRow & { eventId: number | null }

/** A lifecycle row as a status change just left it, with that change's event id. */
export type LifecycleTransitionRow = LifecycleRow & { eventId: number }

export type LogRow = Retyped<Omit<LogModel, 'searchText'>, { fields: Record<string, unknown> }>

export type LogEventInput = Omit<LogRow, 'id' | 'attackerPort' | 'fields' | 'system'> &
  Partial<Pick<LogRow, 'attackerPort' | 'fields' | 'system'>>

export type Attacker = Retyped<
  Omit<AttackerModel, 'serviceCount' | 'deckyCount'>,
  {
    services: string[]
    deckies: string[]
    commands: string[]
    behaviour: BehaviourCounters
    classification: AttackerClass
    classificationEvidence: string[]
  }
>

export type CredentialRow = Omit<CredentialModel, 'id' | 'secretHash'>

/** What a Docker engine reports about itself. */
export interface HostEngine {
  /** Identifies the daemon (two addresses of one engine share it). */
  id: string
  version: string
  cpus: number
  memoryMiB: number
}

/** The Host table's network column, parsed. */
export type HostNetworkColumn = { driver: NetworkDriver; parent?: string; subnet: string; gateway: string }

type HostColumns = {
  tls: { ca: string; cert: string; key: string } | null
  network: HostNetworkColumn
  status: HostStatus
  engine: HostEngine | null
}

/** A host row; the engine's four columns are folded into `engine` (null until one answered). */
export type Host = Retyped<
  Omit<HostModel, 'engineId' | 'engineVersion' | 'cpus' | 'memoryMiB'> & Pick<HostColumns, 'engine'>,
  Omit<HostColumns, 'engine'>
>

export type HostInput = Pick<Host, 'name' | 'dockerUrl' | 'tls' | 'network'> &
  Partial<Pick<Host, 'capacity' | 'engine'>>

export type WorkerHeartbeat = Retyped<WorkerHeartbeatModel, { status: WorkerStatus }>

/** `actor` is 'system' or an operator's user name. */
export type AuditEntry = Retyped<AuditEntryModel, { detail: Record<string, unknown> }>

export type AuditEntryInput = Pick<AuditEntry, 'actor' | 'action' | 'target'> &
  Partial<Pick<AuditEntry, 'detail' | 'at' | 'sourceIp' | 'outcome'>>

/** An alert channel; `sealedSecrets` stays sealed here (only the API holds the key). */
export type ChannelRow = Retyped<
  ChannelModel,
  { kind: ChannelKind; config: Record<string, unknown>; minSeverity: Severity; breakerState: BreakerState }
>

export type ChannelInput = Pick<
  ChannelRow,
  'name' | 'kind' | 'config' | 'sealedSecrets' | 'minSeverity' | 'enabled' | 'allowPrivateTargets'
>

/** A delivery row; `message` is the AlertMessage JSON text the worker sends. */
export type DeliveryRow = Retyped<DeliveryModel, { status: DeliveryStatus; severity: Severity }>

/** The grouping worker's own columns of an incident: how it judges, numbers and throttles alerts. */
export type IncidentWorkerColumns =
  | 'rulesVersion'
  | 'credentials'
  | 'alertCount'
  | 'lastAlertAt'
  | 'pendingEvents'
  | 'digestDueAt'
  | 'updatedAt'

/** An incident as operators see it (core `Incident` with Dates, plus who resolved it). */
export type IncidentRow = Retyped<
  Omit<IncidentModel, IncidentWorkerColumns>,
  { deckies: string[]; services: string[]; reasons: string[]; severity: Severity; state: IncidentState }
>

/** An incident with the grouping worker's columns, `credentials` parsed (fingerprint → first decky). */
export type IncidentRecord = IncidentRow &
  Retyped<Pick<IncidentModel, IncidentWorkerColumns>, { credentials: Record<string, string> }>

export type IgnoreRuleRow = Retyped<IgnoreRuleModel, { kind: IgnoreRuleKind }>

export type IgnoreRuleInput = Pick<IgnoreRuleRow, 'kind' | 'value' | 'createdBy'> &
  Partial<Pick<IgnoreRuleRow, 'note'>>

/** One outbox row; `message.id` is `String(id)`. `id` grows in commit order: a delivery cursor. */
export type AlertRow = {
  id: number
  idempotencyKey: string
  incidentId: string | null
  reason: AlertReason
  severity: Severity
  createdAt: Date
  message: AlertMessage
}

/** What writing an alert takes: the message without its id (the outbox row numbers it). */
export type AlertInput = Omit<AlertMessage, 'id'> & { incidentId: string | null }
