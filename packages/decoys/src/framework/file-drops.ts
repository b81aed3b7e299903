// How file drops travel to a decoy container: one environment variable per drop, its JSON in base64
// (any bytes survive; each variable stays under Linux's 128 KiB per-string limit with core's caps).
import type { FileDrop } from '@decnet/core/schemas'

const PREFIX = 'DECNET_FILE_DROP_'

/** The `DECNET_FILE_DROP_<n>=…` entries of a service container's environment. */
export function fileDropEnv(drops: readonly FileDrop[]): string[] {
  return drops.map(
    (drop, index) => `${PREFIX}${index}=${Buffer.from(JSON.stringify(drop)).toString('base64')}`,
  )
}

const isFileDrop = (value: unknown): value is FileDrop => {
  const drop = value as Partial<Record<keyof FileDrop, unknown>> | null
  return (
    typeof drop === 'object' &&
    drop !== null &&
    ['path', 'content', 'mode', 'owner', 'modifiedAt'].every(
      (key) => typeof drop[key as keyof FileDrop] === 'string',
    ) &&
    String(drop.path).startsWith('/')
  )
}

/**
 * The drops in a container's environment, in order. Only their shape is checked: the API validated
 * them (path, mode, owner, size) before storing. A malformed one is an engine bug: it throws.
 */
export function fileDropsFromEnv(env: NodeJS.ProcessEnv): FileDrop[] {
  return Object.keys(env)
    .filter((key) => key.startsWith(PREFIX))
    .sort((a, b) => Number(a.slice(PREFIX.length)) - Number(b.slice(PREFIX.length)))
    .map((key) => {
      const value: unknown = JSON.parse(Buffer.from(env[key] ?? '', 'base64').toString('utf8'))
      if (!isFileDrop(value)) throw new Error(`${key} is not a file drop`)
      return value
    })
}
