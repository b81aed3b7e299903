// The registry of channel kinds: for each, its settings schema (never secret), its write-only
// secrets, the network target the SSRF guard checks at save time, and the factory of its transport.
// A kind whose transport is not built yet is absent: channels of it are refused with a clear error.
import type { ChannelKind } from '@decnet/core'
import type { z } from 'zod'
import type { ResolveName, TargetPolicy } from '../target-guard.ts'
import type { AlertTransport } from '../transport.ts'
import { createWebhookTransport, webhookTarget, ZWebhookConfig, ZWebhookSecrets } from './webhook.ts'

/** What a transport gets besides its settings: the channel's SSRF policy (and, in tests, a resolver). */
export type TransportDeps = { policy: TargetPolicy; resolve?: ResolveName }

type ObjectSchema = z.ZodType<Record<string, unknown>>

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

function kind<Config extends Record<string, unknown>, Secrets extends Record<string, string>>(
  definition: KindDefinition<Config, Secrets>,
): TransportKind {
  // The records were parsed by these very schemas before they reach target/create.
  const config = (raw: Record<string, unknown>) => definition.config.parse(raw)
  const secrets = (raw: Record<string, string>) => definition.secrets.parse(raw)
  return {
    secretNames: definition.secretNames,
    parseConfig: (raw) => (definition.config as unknown as ObjectSchema).parse(raw),
    parseSecrets: (raw) => definition.secrets.parse(raw),
    target: (raw) => definition.target(config(raw)),
    create: (rawConfig, rawSecrets, deps) => definition.create(config(rawConfig), secrets(rawSecrets), deps),
  }
}

export const TRANSPORTS: Partial<Record<ChannelKind, TransportKind>> = {
  webhook: kind({
    config: ZWebhookConfig,
    secrets: ZWebhookSecrets,
    secretNames: ['hmacKey'],
    target: webhookTarget,
    create: createWebhookTransport,
  }),
}
