// @decnet/db: the only code that touches the database. Callers never import the generated client.
export { type DatabasePing, type OpenOptions, PG_TRANSACTION_TIMEOUT_MS, PING_DEADLINE_MS } from './client.ts'
export { createDatabase, type DatabaseOptions, type DecnetDatabase } from './database.ts'
export { ConflictError, NotFoundError, SearchQueryError } from './errors.ts'
export {
  appliedMigrations,
  assertSchemaNotNewer,
  latestMigration,
  listMigrations,
  type MigrateOptions,
  migrate,
  SchemaTooNewError,
} from './migrate.ts'
export {
  type ChannelHealthUpdate,
  type DeliveryInput,
  type DeliveryOutcome,
  MAX_DELIVERY_LIST,
} from './repos/alert-delivery.ts'
export { API_TOKEN_LAST_USED_GRANULARITY_MS, type ApiTokenRow } from './repos/api-tokens.ts'
export {
  ARTIFACT_SIGHTINGS_MAX,
  type ArtifactRow,
  type ArtifactSightingRow,
  type SightingInput,
} from './repos/artifacts.ts'
export type {
  AttackerDetail,
  AttackerDetailOptions,
  AttackerListInput,
} from './repos/attackers.ts'
export { type AuditCursor, type AuditFilter, MAX_AUDIT_LIST } from './repos/audit.ts'
export {
  type AddressActivity,
  type CampaignRow,
  type CampaignWrite,
  type CorrelationInputs,
  type CredentialSummaryRow,
  type CredentialSummaryView,
  DEFAULT_MAX_SHARED_BY,
  type IdentityDetail,
  type IdentityMemberRow,
  type IdentityRow,
  type IdentityWrite,
  MAX_IDENTITY_MEMBERS,
  MAX_SUMMARY_LIST,
} from './repos/correlation.ts'
export {
  DASHBOARD_ACTIVE_DECKIES,
  DASHBOARD_INCIDENTS,
  DASHBOARD_MAX_BUCKETS,
  DASHBOARD_MAX_TOP,
  type DashboardNow,
  type DashboardOverview,
  type DashboardWindow,
  type SourceRegion,
  UNDER_ATTACK_MINUTES,
} from './repos/dashboard.ts'
export {
  type AttackerEnrichment,
  ENRICHMENT_LOOKUP_MAX,
  type EnrichmentInput,
  RDNS_STATUSES,
  type RdnsStatus,
} from './repos/enrichment.ts'
export {
  type AttackerExportPage,
  type CredentialExportRow,
  type LogExportPage,
  MAX_EXPORT_PAGE,
  MAX_INCIDENT_EVENTS,
} from './repos/exports.ts'
export type { FileDropInput } from './repos/file-drops.ts'
export type { DeployPlan, DeployPlanResult } from './repos/fleet.ts'
export type { HostImageRow, ImageRolloutRow, ImageRolloutUpdate, NewImageRollout } from './repos/images.ts'
export {
  type IncidentBatch,
  type IncidentListInput,
  type IncidentPage,
  type IncidentWrite,
  MAX_ALERTS_AFTER,
  MAX_INCIDENT_LIST,
  MAX_INCIDENT_NOTE,
  toIncidentRow,
} from './repos/incidents.ts'
export { extractCommand, extractCredential } from './repos/ingest.ts'
export type { PreparedIngest } from './repos/ingest-write.ts'
export {
  type AttackerIntel,
  type FingerprintRow,
  type FleetIoc,
  type FleetTechnique,
  type IocListInput,
  type IocRow,
  MAX_ATTACKER_INTEL_ROWS,
  MAX_IOC_PAGE,
  TECHNIQUE_SAMPLE_ATTACKERS,
  type TechniqueRow,
  type ToolRow,
} from './repos/intel.ts'
export { CORE_INTEL_ANALYSER, type IntelAnalyser } from './repos/intel-batch.ts'
export { type ClaimOptions, MAX_EVENTS_AFTER } from './repos/lifecycle.ts'
export { FIELD_SAMPLE_ROWS, type FieldKey, MAX_FIELD_KEYS } from './repos/log-fields.ts'
export {
  COUNT_CAP,
  type IngestOptions,
  MAX_SEARCH_LIMIT,
  type SearchInput,
  type SearchResult,
} from './repos/logs.ts'
export type { OperationsSnapshot, StatusCounts } from './repos/operations-metrics.ts'
export type { ProbeSourceInput, ProbeSourceRow } from './repos/probe-sources.ts'
export {
  type AsciicastFrame,
  CONNECTION_SCAN_ROWS,
  type ConnectionSession,
  isRecordingEvent,
  MAX_SESSION_FRAMES,
  MAX_SESSION_STORED_CHARS,
  RECORDING_EVENT_TYPES,
  type TerminalSessionRow,
} from './repos/sessions.ts'
export { foldUsername } from './repos/users.ts'
export {
  COLUMN_KEYS,
  FIELD_ALIASES,
  type ParsedSearch,
  parseSearch,
  SCOPE_KEYS,
  type SearchNode,
  type SystemFilter,
} from './search/grammar.ts'
export { buildSearchText, tokenize } from './search/tokenize.ts'
export {
  countRows,
  type DatabaseSnapshot,
  isEmptyDatabase,
  restoreDatabase,
  snapshotDatabase,
  type TableCounts,
} from './snapshot.ts'
export type { Dialect } from './sql.ts'
export * from './types.ts'
export { type DatabaseTarget, defaultDatabaseUrl, parseDatabaseUrl } from './url.ts'
