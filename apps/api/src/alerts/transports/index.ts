// The registry of channel kinds: for each, its settings schema (never secret), its write-only
// secrets, the network target the SSRF guard checks at save time, and the factory of its transport.
import type { ChannelKind } from '@decnet/core'
import type { z } from 'zod'
import { type ResolveName, resolveTarget, type TargetPolicy, TargetRefused } from '../target-guard.ts'
import { type AlertTransport, TransportError } from '../transport.ts'
import { createEmailTransport, ZEmailConfig, ZEmailSecrets } from './email.ts'
import { createNdjsonTransport, ZNdjsonConfig, ZNdjsonSecrets } from './ndjson.ts'
import { createSyslogTransport, ZSyslogConfig, ZSyslogSecrets } from './syslog.ts'
import { createWebhookTransport, webhookTarget, ZWebhookConfig, ZWebhookSecrets } from './webhook.ts'

/**
 * What a transport gets besides its settings: the channel's SSRF policy, the directory alert files
 * may be written to (DECNET_ALERT_FILE_DIR), and in tests a resolver.
 */
export type TransportDeps = { policy: TargetPolicy; alertFileDir: string; resolve?: ResolveName }

type ObjectSchema = z.ZodType<Record<string, unknown>>
type SecretValues = Record<string, string | undefined>

/** One channel kind, with its settings and secrets already typed by its own schemas. */
type KindDefinition<Config, Secrets> = {
  config: z.ZodType<Config>
  secrets: z.ZodType<Secrets>
  /** Secret fields, for the "which are set" view (values never leave the API). */
  secretNames: readonly string[]
  /** Where it connects, for the save-time SSRF check; null when it writes locally. */
  target(config: Config): { host: string; port: number } | null
  create(config: Config, secrets: Secrets, deps: TransportDeps): AlertTransport
}

/** A kind as the domain module uses it: settings and secrets as parsed records. */
export type TransportKind = {
  secretNames: readonly string[]
  /** Parses settings (throws the schema's ZodError). */
  parseConfig(raw: unknown): Record<string, unknown>
  /** Parses the complete secrets (throws the schema's ZodError). */
  parseSecrets(raw: unknown): Record<string, string>
  target(config: Record<string, unknown>): { host: string; port: number } | null
  create(
    config: Record<string, unknown>,
    secrets: Record<string, string>,
    deps: TransportDeps,
  ): AlertTransport
}

function kind<Config extends Record<string, unknown>, Secrets extends SecretValues>(
  definition: KindDefinition<Config, Secrets>,
): TransportKind {
  // The records were parsed by these very schemas before they reach target/create.
  const config = (raw: Record<string, unknown>) => definition.config.parse(raw)
  const secrets = (raw: Record<string, string>) => definition.secrets.parse(raw)
  return {
    secretNames: definition.secretNames,
    parseConfig: (raw) => (definition.config as unknown as ObjectSchema).parse(raw),
    // Unset optional secrets are left out of what is sealed.
    parseSecrets: (raw) =>
      Object.fromEntries(
        Object.entries(definition.secrets.parse(raw)).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      ),
    target: (raw) => definition.target(config(raw)),
    create: (rawConfig, rawSecrets, deps) => definition.create(config(rawConfig), secrets(rawSecrets), deps),
  }
}

/**
 * Syslog and email connect by name themselves: the SSRF guard checks every address the name
 * resolves to just before each send (the webhook goes further and connects to the checked address).
 */
function guarded(transport: AlertTransport, host: string, port: number, deps: TransportDeps): AlertTransport {
  return {
    async send(message, signal) {
      try {
        await resolveTarget(host, port, deps.policy, deps.resolve)
      } catch (error) {
        throw new TransportError(
          error instanceof Error ? error.message : String(error),
          !(error instanceof TargetRefused),
        )
      }
      await transport.send(message, signal)
    },
    close: () => transport.close(),
  }
}

const syslogTarget = (config: z.output<typeof ZSyslogConfig>) => ({
  host: config.host,
  port: config.port ?? (config.protocol === 'tls' ? 6514 : 514),
})
const emailTarget = (config: z.output<typeof ZEmailConfig>) => ({
  host: config.host,
  port: config.port ?? (config.security === 'tls' ? 465 : 587),
})

export const TRANSPORTS: Record<ChannelKind, TransportKind> = {
  webhook: kind({
    config: ZWebhookConfig,
    secrets: ZWebhookSecrets,
    secretNames: ['hmacKey'],
    target: webhookTarget,
    create: createWebhookTransport,
  }),
  syslog: kind({
    config: ZSyslogConfig,
    secrets: ZSyslogSecrets,
    secretNames: ['clientKeyPem'],
    target: syslogTarget,
    create: (config, secrets, deps) => {
      const { host, port } = syslogTarget(config)
      return guarded(createSyslogTransport(config, secrets), host, port, deps)
    },
  }),
  email: kind({
    config: ZEmailConfig,
    secrets: ZEmailSecrets,
    secretNames: ['password'],
    target: emailTarget,
    create: (config, secrets, deps) => {
      const { host, port } = emailTarget(config)
      return guarded(createEmailTransport(config, secrets), host, port, deps)
    },
  }),
  ndjson: kind({
    config: ZNdjsonConfig,
    secrets: ZNdjsonSecrets,
    secretNames: [],
    // A local file: no network target; the path is confined to the alert-file directory.
    target: () => null,
    create: (config, secrets, deps) =>
      createNdjsonTransport(config, secrets, { allowedDir: deps.alertFileDir }),
  }),
}
