// The services' environment file (mode 0600: it holds the secret key and the first admin's
// password): the configuration `decnet init` was run with, plus what a service always needs.
// Values are double-quoted with systemd's escapes; a newline cannot be carried and is refused.

/** Settings carried over from the environment `decnet init` runs in. */
const CARRIED = /^(DECNET_[A-Z0-9_]+|DATABASE_URL|DOCKER_HOST)$/
/** Settings of the CLI itself or of this run, never of the services. */
const NOT_CARRIED = new Set(['DECNET_URL', 'DECNET_TOKEN', 'DECNET_SKIP_BUILD'])

export function serviceEnvironment(
  current: NodeJS.ProcessEnv,
  fixed: Record<string, string>,
): Record<string, string> {
  const carried = Object.entries(current).filter(
    (entry): entry is [string, string] =>
      CARRIED.test(entry[0]) && !NOT_CARRIED.has(entry[0]) && entry[1] !== undefined && entry[1] !== '',
  )
  return {
    NODE_ENV: 'production',
    DECNET_LOG_FORMAT: 'json',
    ...Object.fromEntries(carried),
    ...fixed,
  }
}

export function renderEnvFile(settings: Record<string, string>): string {
  const lines = Object.entries(settings).map(([name, value]) => {
    if (/[\r\n]/.test(value))
      throw new Error(`${name}: a value with a line break cannot go in the environment file`)
    return `${name}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
  })
  return `# DECNET services' environment, written by \`decnet init\` (0600: it holds secrets).\n${lines.join('\n')}\n`
}

/** Reads back a file renderEnvFile wrote (what systemd's EnvironmentFile= gives the service). */
export function parseEnvFile(text: string): Record<string, string> {
  const settings: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(line)
    if (match?.[1] !== undefined && match[2] !== undefined)
      settings[match[1]] = match[2].replace(/\\(.)/g, '$1')
  }
  return settings
}
