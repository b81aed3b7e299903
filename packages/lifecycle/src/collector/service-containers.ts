/**
 * Which containers the collector follows: a decky's decoy container (one process for its built-in
 * services: every event line names its service) and each custom service's container (raw text of
 * one service), of one engine instance when it is given. One definition for the scan and the event
 * stream: Docker's label filter cannot say "one role or the other", so it selects the engine's
 * containers and `serviceContainerOf` picks.
 */
import { DECOY_ROLE, LABEL } from '../engine/docker/labels.ts'

/** Docker's `label` filter (for container lists and the event stream alike). */
export function serviceContainerLabelFilter(instance?: string): string[] {
  const label = [`${LABEL.managed}=true`]
  if (instance) label.push(`${LABEL.instance}=${instance}`)
  return label
}

/**
 * `service`: the one service whose output the container carries, when it carries one. A custom
 * service's output is raw text lines, not decoy events.
 */
export type ServiceContainer =
  | { decky: string; custom: true; service: string }
  | { decky: string; custom: false; service?: string }

/** What a followed container's labels make it, or undefined for one the collector does not follow. */
export function serviceContainerOf(labels: Record<string, string> | undefined): ServiceContainer | undefined {
  const decky = labels?.[LABEL.decky]
  if (!decky) return undefined
  const service = labels?.[LABEL.service]
  if (service)
    return labels?.[LABEL.custom] === 'true'
      ? { decky, custom: true, service }
      : { decky, custom: false, service }
  return labels?.[LABEL.role] === DECOY_ROLE ? { decky, custom: false } : undefined
}
