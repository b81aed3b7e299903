// Custom (bring-your-own image) services: a `[custom-<name>]` INI section runs an image already on
// the engine as one more service of the deckies that list it. The INI reader (ini/custom.ts) is the
// strict gate; this is the shape stored on the decky row and handed to the engine.
import { z } from 'zod'
import { ZServicePort } from './catalog.ts'

export const CUSTOM_SERVICE_PREFIX = 'custom-'
/** `custom-` plus a short DNS-label-like name: it becomes part of a container name and a log's service. */
export const CUSTOM_SERVICE_NAME_RE = /^custom-[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/
/** The event kind of a custom service's output line (it carries no source, so it is a system row). */
export const CUSTOM_SERVICE_RAW_EVENT = 'raw'
export const MAX_CUSTOM_SERVICES_PER_DECKY = 8
export const MAX_CUSTOM_PORTS = 16
export const MAX_CUSTOM_ENV = 32
export const MAX_CUSTOM_COMMAND_ARGS = 64

export const ZCustomServiceName = z.string().regex(CUSTOM_SERVICE_NAME_RE)

export const ZCustomService = z
  .object({
    name: ZCustomServiceName,
    /** A Docker image reference (repository[:tag][@digest]); the engine never pulls it. */
    image: z.string().min(1).max(255),
    ports: z.array(ZServicePort).min(1).max(MAX_CUSTOM_PORTS),
    /** The container's command (argv); empty keeps the image's default. */
    command: z.array(z.string().max(4096)).max(MAX_CUSTOM_COMMAND_ARGS),
    env: z.record(z.string().max(64), z.string().max(4096)),
  })
  .strict()
export type CustomService = z.infer<typeof ZCustomService>

export const ZCustomServices = z.array(ZCustomService).max(MAX_CUSTOM_SERVICES_PER_DECKY)

export function isCustomServiceName(value: string): boolean {
  return CUSTOM_SERVICE_NAME_RE.test(value)
}
