// Incidents: grouping attack events, judging their severity, ignore rules and the alert outbox rows.
export {
  type GroupingOptions,
  type GroupingReport,
  groupNextBatch,
  INCIDENT_CURSOR,
  summariseEvent,
} from './grouping.ts'
export {
  compileIgnoreRules,
  type IgnorableEvent,
  type IgnoreRuleLike,
  ignoreRuleProblem,
} from './ignore-rules.ts'
export {
  DEFAULT_INCIDENT_SETTINGS,
  INCIDENT_SETTINGS_KEY,
  type IncidentSettings,
  readIncidentSettings,
  writeIncidentSettings,
  ZIncidentSettings,
} from './settings.ts'
export {
  type CredentialReuseRule,
  type EventRule,
  type Judgement,
  judgeEvent,
  SEVERITY_RULES,
  SEVERITY_RULES_V1,
  SEVERITY_RULES_V2,
  type SeverityRule,
  type SeverityRuleSet,
} from './severity-rules.ts'
export {
  IncidentWorker,
  type IncidentWorkerDatabase,
  type IncidentWorkerHandle,
  type IncidentWorkerOptions,
  type IncidentWorkerStats,
  startIncidentWorker,
} from './worker.ts'
