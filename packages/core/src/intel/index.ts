// @decnet/core/intel: attacker intelligence as pure functions over events (rules are data).
export * from './analyse.ts'
export { addBehaviour, SHELL_SERVICES } from './behaviour.ts'
export { CLASSIFICATION_THRESHOLDS, CLASSIFICATION_VERSION } from './classification.ts'
export { FINGERPRINT_SOURCES } from './fingerprints.ts'
export * from './rules/attack.ts'
export {
  CREDENTIAL_PATTERN_THRESHOLDS,
  type CredentialAttempt,
  credentialPatternTechniques,
} from './rules/credentials.ts'
export { IOC_RULES_VERSION, IOC_SOURCES, MAX_IOCS_PER_EVENT } from './rules/ioc.ts'
export { TECHNIQUE_RULES, TECHNIQUE_RULES_VERSION, type TechniqueRule } from './rules/techniques.ts'
export {
  TOOL_RULES,
  TOOL_RULES_VERSION,
  TOOLS as INTEL_TOOLS,
  type ToolDefinition,
  type ToolRole,
  type ToolRule,
  toolDefinition,
} from './rules/tools.ts'
export * from './stored.ts'
export * from './types.ts'
