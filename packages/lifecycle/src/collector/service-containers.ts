/**
 * Which containers the collector follows: decoy service containers (managed, with a service label),
 * of one engine instance when it is given. One definition for the scan and the event stream.
 */
import { LABEL } from '../engine/docker/labels.ts'

/** Docker's `label` filter (for container lists and the event stream alike). */
export function serviceContainerLabelFilter(instance?: string): string[] {
  const label = [`${LABEL.managed}=true`, LABEL.service]
  if (instance) label.push(`${LABEL.instance}=${instance}`)
  return label
}

/** `custom`: a custom service's container, whose output is raw text lines, not decoy events. */
export type ServiceContainer = { decky: string; service: string; custom: boolean }

/** The decky and service a followed container's labels name; undefined when one is missing. */
export function serviceContainerOf(labels: Record<string, string> | undefined): ServiceContainer | undefined {
  const decky = labels?.[LABEL.decky]
  const service = labels?.[LABEL.service]
  return decky && service ? { decky, service, custom: labels?.[LABEL.custom] === 'true' } : undefined
}
