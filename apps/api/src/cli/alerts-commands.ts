// `decnet alerts channels [list|add|remove|test]`: alert channels from the command line. Secrets (the
// webhook's HMAC key, an SMTP password) are read from standard input or a hidden prompt, never from
// the command line (where `ps` shows them); "test" enqueues a test alert and follows its delivery.
import { CHANNEL_KINDS, type ChannelKind, SEVERITIES, type Severity } from '@decnet/core'
import { type Command, Option } from 'commander'
import type { ApiClient } from './client.ts'
import { renderLines } from './table.ts'

export type CliHelpers = {
  signedIn(): ApiClient
  print(data: unknown, human: () => string): void
  readSecret(prompt: string, fromStdin: boolean): Promise<string>
}

/** How long `test` follows its delivery before giving up (the worker may be backing off). */
const TEST_FOLLOW_MS = 30_000

/** `key=value` settings: numbers and booleans as such, the rest as text. */
function setting(entry: string, previous: Record<string, unknown>): Record<string, unknown> {
  const at = entry.indexOf('=')
  if (at < 1) throw new Error(`--set expects key=value, got "${entry}"`)
  const raw = entry.slice(at + 1)
  const value = raw === 'true' ? true : raw === 'false' ? false : /^\d+$/.test(raw) ? Number(raw) : raw
  return { ...previous, [entry.slice(0, at)]: value }
}

async function channelIdOf(client: ApiClient, name: string): Promise<string> {
  const channel = (await client.alerts.channels.list.query()).find((each) => each.name === name)
  if (!channel) throw new Error(`no alert channel named "${name}"`)
  return channel.id
}

export function registerAlertCommands(program: Command, { signedIn, print, readSecret }: CliHelpers): void {
  const channels = program
    .command('alerts')
    .description('alert notifications')
    .command('channels')
    .description('where alerts are delivered (admins configure; viewers list)')

  channels
    .command('list', { isDefault: true })
    .description('every channel with its state, last delivery and last error')
    .action(async () => {
      const list = await signedIn().alerts.channels.list.query()
      print(list, () =>
        renderLines(
          list,
          (c) =>
            `${c.name.padEnd(20)} ${c.kind.padEnd(8)} ${c.health.padEnd(12)} ≥${c.minSeverity.padEnd(9)} backlog ${String(c.backlog).padStart(4)}  last delivery ${c.lastDeliveryAt ?? 'never'}${c.lastError ? `  last error: ${c.lastError}` : ''}`,
          'no alert channels',
        ),
      )
    })

  channels
    .command('add <name>')
    .description('add a channel, e.g. add ops --kind webhook --url https://hooks.example/x --format slack')
    .addOption(new Option('--kind <kind>', 'channel kind').choices(CHANNEL_KINDS).default('webhook'))
    .option('--url <url>', 'webhook URL')
    .addOption(new Option('--format <format>', 'webhook body').choices(['json', 'slack', 'teams']))
    .option('--set <key=value>', 'a setting of the kind (repeatable)', setting, {})
    .option('--secret <name>', 'a write-only secret, read from stdin or a hidden prompt (webhook: hmacKey)')
    .addOption(
      new Option('--min-severity <severity>', 'least severity delivered').choices(SEVERITIES).default('low'),
    )
    .option('--allow-private', 'the target may be in a private range (RFC 1918, ULA)')
    .option('--disabled', 'create it disabled')
    .action(
      async (
        name: string,
        options: {
          kind: ChannelKind
          url?: string
          format?: string
          set: Record<string, unknown>
          secret?: string
          minSeverity: Severity
          allowPrivate?: boolean
          disabled?: boolean
        },
      ) => {
        const config = {
          ...options.set,
          ...(options.url ? { url: options.url } : {}),
          ...(options.format ? { format: options.format } : {}),
        }
        const secretName = options.secret ?? (options.kind === 'webhook' ? 'hmacKey' : undefined)
        const secrets = secretName
          ? { [secretName]: await readSecret(`${secretName}: `, !process.stdin.isTTY) }
          : {}
        const channel = await signedIn().alerts.channels.create.mutate({
          name,
          kind: options.kind,
          config,
          secrets,
          minSeverity: options.minSeverity,
          enabled: !options.disabled,
          allowPrivateTargets: Boolean(options.allowPrivate),
        })
        print(channel, () => `channel "${channel.name}" added (${channel.kind}, ${channel.health})`)
      },
    )

  channels
    .command('remove <name>')
    .description('remove a channel and its deliveries')
    .action(async (name: string) => {
      const client = signedIn()
      const result = await client.alerts.channels.remove.mutate({ id: await channelIdOf(client, name) })
      print(result, () => `channel "${name}" removed`)
    })

  channels
    .command('test <name>')
    .description('send a test alert through the channel and wait for its delivery')
    .action(async (name: string) => {
      const client = signedIn()
      const { deliveryId } = await client.alerts.channels.sendTest.mutate({
        id: await channelIdOf(client, name),
      })
      const deadline = Date.now() + TEST_FOLLOW_MS
      for (;;) {
        const [delivery] = await client.alerts.deliveries.list.query({ id: deliveryId })
        const settled = delivery?.status === 'delivered' || delivery?.status === 'dead'
        if (delivery && (settled || Date.now() > deadline)) {
          if (delivery.status !== 'delivered') process.exitCode = 1
          print(delivery, () =>
            delivery.status === 'delivered'
              ? `test alert delivered to "${name}" (attempt ${delivery.attempts})`
              : `test alert ${delivery.status} after ${delivery.attempts} attempt(s): ${delivery.lastError ?? 'no answer yet'}`,
          )
          return
        }
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })
}
