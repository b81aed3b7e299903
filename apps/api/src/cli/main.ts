import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportTicket,
  INCIDENT_STATES,
  type IncidentState,
  NETWORK_DRIVERS,
  type NetworkDriver,
  SEVERITIES,
  type Severity,
  TABLE_EXPORT_FORMATS,
} from '@decnet/core'
import { Command, Option } from 'commander'
import { registerAlertCommands } from './alerts-commands.ts'
import { registerAttackersCommand } from './attackers-command.ts'
import { type ApiClient, createApiClient } from './client.ts'
import { registerDeployCommand } from './deploy-command.ts'
import { streamDownload } from './download.ts'
import { registerDropsCommand } from './drops-command.ts'
import { registerEditServicesCommand } from './edit-services-command.ts'
import { registerImagesCommand } from './images-command.ts'
import { registerIncidentCommands } from './incidents.ts'
import { registerLogsCommand } from './logs-command.ts'
import { registerMaintenanceCommands } from './maintenance-commands.ts'
import { registerMutateCommand } from './mutate-command.ts'
import { writePrivateFile } from './private-file.ts'
import { followLifecycle, followStarted } from './progress.ts'
import { registerServiceCommands } from './service-commands.ts'
import { apiUrl, clearSession, readSession, writeSession } from './session.ts'
import { parseSince } from './since.ts'
import { registerStatusCommand } from './status-command.ts'
import { renderLines } from './table.ts'
import { terminalSafe } from './terminal-text.ts'
import { registerTokensCommand } from './tokens-command.ts'
import { registerWorkersCommand } from './workers-command.ts'

const program = new Command()
  .name('decnet')
  .description('Operate a DECNET honeypot fleet through its API (DECNET_URL, default http://127.0.0.1:4000)')
  .option('--json', 'machine-readable output')
  .showHelpAfterError()

const json = () => Boolean(program.opts<{ json?: boolean }>().json)

function print(data: unknown, human: () => string): void {
  process.stdout.write(json() ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`)
}

function signedIn(): ApiClient {
  const session = readSession()
  if (!session) throw new Error('not signed in: run `decnet login` (or set DECNET_TOKEN)')
  return createApiClient(session.url, session.token)
}

async function readSecret(prompt: string, fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  // Hide what is typed: echo nothing but the prompt.
  const output = rl as unknown as { _writeToOutput: (text: string) => void }
  output._writeToOutput = (text: string) => {
    if (text.includes(prompt)) process.stdout.write(prompt)
  }
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve))
  rl.close()
  process.stdout.write('\n')
  return answer
}

/** Prints an operation's message, follows its lifecycle rows, and fails the command if any failed. */
async function reportAndFollow(client: ApiClient, result: { message: string; lifecycleIds: string[] }) {
  if (!json()) process.stdout.write(`${result.message}\n`)
  const rows = result.lifecycleIds.length
    ? await followLifecycle(client, result.lifecycleIds, { json: json() })
    : []
  if (rows.some((row) => row.status === 'failed')) process.exitCode = 1
}

/** A read-only command printing one catalogue, one line an entry (or the JSON with --json). */
function catalogCommand<Entry>(
  name: string,
  description: string,
  fetch: (client: ApiClient) => Promise<Entry[]>,
  line: (entry: Entry) => string,
): void {
  program
    .command(name)
    .description(description)
    .action(async () => {
      const entries = await fetch(signedIn())
      print(entries, () => entries.map(line).join('\n'))
    })
}

program
  .command('login')
  .description('sign in and keep the session token for later commands')
  .requiredOption('-u, --username <name>', 'user name')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (options: { username: string; passwordStdin?: boolean }) => {
    const url = apiUrl()
    const password = await readSecret('Password: ', Boolean(options.passwordStdin))
    const result = await createApiClient(url).auth.login.mutate({ username: options.username, password })
    writeSession({ url, token: result.token, expiresAt: result.expiresAt })
    print({ user: result.user, expiresAt: result.expiresAt }, () =>
      result.user.mustChangePassword
        ? `signed in as ${result.user.username}; change your one-time password now: decnet change-password`
        : `signed in as ${result.user.username} (${result.user.role}) until ${result.expiresAt}`,
    )
  })

program
  .command('change-password')
  .description('change your password (required after the first sign-in)')
  .action(async () => {
    const session = readSession()
    if (!session) throw new Error('not signed in: run `decnet login`')
    const oldPassword = await readSecret('Current password: ', false)
    const newPassword = await readSecret('New password: ', false)
    const result = await createApiClient(session.url, session.token).auth.changePassword.mutate({
      oldPassword,
      newPassword,
    })
    writeSession({ url: session.url, token: result.token, expiresAt: result.expiresAt })
    print({ message: result.message }, () => result.message)
  })

program
  .command('logout')
  .description('revoke the stored session token')
  .action(async () => {
    await signedIn().auth.logout.mutate()
    clearSession()
    print({ message: 'signed out' }, () => 'signed out')
  })

const io = { signedIn, print, json }
registerDeployCommand(program, io)
registerStatusCommand(program, io)
registerServiceCommands(program, print)
registerMutateCommand(program, io)
registerDropsCommand(program, io)
registerEditServicesCommand(program, io)
registerWorkersCommand(program, io)
registerImagesCommand(program, io)

program
  .command('repair <name>')
  .description(
    'converge a broken decky again (exited or missing containers, a base off its network) and follow it',
  )
  .action(async (name: string) => {
    const client = signedIn()
    const result = await client.fleet.repair.mutate({ name })
    await followStarted(client, { message: result.message, ids: [result.lifecycleId] }, json())
  })

program
  .command('teardown [name]')
  .description('tear down one decky, or all with --all')
  .addOption(new Option('--all', 'tear down the whole fleet'))
  .action(async (name: string | undefined, options: { all?: boolean }) => {
    if (!name && !options.all) throw new Error('name a decky or pass --all')
    const client = signedIn()
    const result = await client.fleet.teardown.mutate(options.all ? { all: true } : { name: name! })
    await reportAndFollow(client, result)
  })

const exportCommand = program
  .command('export')
  .description('write the fleet, logs, attackers, credentials or incidents to a file or stdout')

exportCommand
  .command('fleet')
  .description('the current fleet as a fleet INI: `decnet deploy -c` of it into an empty fleet recreates it')
  .option('-o, --out <file>', 'write it to this file (mode 0600: it holds decoy passwords) instead of stdout')
  .option('--omit-secrets', 'leave secret service settings out (a file to share)')
  .action(async (options: { out?: string; omitSecrets?: boolean }) => {
    const result = await signedIn().fleet.export.query({ omitSecrets: Boolean(options.omitSecrets) })
    if (result.deckies === 0) throw new Error('the fleet is empty: nothing to export')
    if (result.omittedSecrets.length > 0) {
      const names = result.omittedSecrets.map((s) => `${s.decky}.${s.service}.${s.setting}`)
      process.stderr.write(
        `decnet: ${names.length} secret setting(s) left out (they fall back to the catalogue defaults when deployed): ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}\n`,
      )
    }
    if (options.out) {
      writePrivateFile(options.out, result.ini)
      print(
        { file: options.out, deckies: result.deckies, omittedSecrets: result.omittedSecrets },
        () => `exported ${result.deckies} deckies to ${options.out}`,
      )
    } else if (json()) {
      print(result, () => result.ini)
    } else {
      process.stdout.write(result.ini)
    }
  })

/** Fetches an export's single-use URL and streams the file to --out (0600: it may hold secrets) or stdout. */
async function downloadExport(ticket: ExportTicket, out: string | undefined): Promise<void> {
  const session = readSession()
  if (!session) throw new Error('not signed in: run `decnet login`')
  const bytes = await streamDownload(`${session.url}${ticket.url}`, out)
  if (out) {
    print(
      { file: out, bytes, secretsOmitted: ticket.secretsOmitted },
      () =>
        `exported ${bytes} bytes to ${out}${ticket.secretsOmitted ? ' (captured secrets masked or left out: admins get them)' : ''}`,
    )
  }
}

const tableFormat = () =>
  new Option('-f, --format <format>', 'file format').choices(TABLE_EXPORT_FORMATS).default('csv')
const outOption = () => new Option('-o, --out <file>', 'write to this file (mode 0600) instead of stdout')

exportCommand
  .command('logs')
  .description('the logs a search matches (the Logs page query language), newest first')
  .addOption(tableFormat())
  .option('-q, --query <query>', 'search, e.g. \'service:ssh "wget"\'')
  .option('--from <time>', 'ISO-8601 start (inclusive)')
  .option('--to <time>', 'ISO-8601 end (exclusive)')
  .addOption(outOption())
  .action(
    async (options: {
      format: 'csv' | 'ndjson'
      query?: string
      from?: string
      to?: string
      out?: string
    }) => {
      const ticket = await signedIn().exports.logs.mutate({
        format: options.format,
        ...(options.query ? { q: options.query } : {}),
        ...(options.from ? { from: options.from } : {}),
        ...(options.to ? { to: options.to } : {}),
      })
      await downloadExport(ticket, options.out)
    },
  )

exportCommand
  .command('attackers')
  .description('attacker profiles, optionally by IP prefix and service')
  .addOption(tableFormat())
  .option('-q, --query <prefix>', 'IP address prefix, e.g. 10.0.')
  .option('--service <slug>', 'only attackers who touched this service')
  .addOption(outOption())
  .action(async (options: { format: 'csv' | 'ndjson'; query?: string; service?: string; out?: string }) => {
    const ticket = await signedIn().exports.attackers.mutate({
      format: options.format,
      ...(options.query ? { q: options.query } : {}),
      ...(options.service ? { service: options.service } : {}),
    })
    await downloadExport(ticket, options.out)
  })

exportCommand
  .command('credentials')
  .description('captured credentials (the secrets for admins only)')
  .addOption(tableFormat())
  .addOption(outOption())
  .action(async (options: { format: 'csv' | 'ndjson'; out?: string }) => {
    await downloadExport(await signedIn().exports.credentials.mutate({ format: options.format }), options.out)
  })

exportCommand
  .command('incidents')
  .description('incidents as rows, or as a STIX 2.1 bundle (--format stix)')
  .addOption(new Option('-f, --format <format>', 'file format').choices(EXPORT_FORMATS).default('csv'))
  .addOption(new Option('--state <state>', 'only incidents in this state').choices(INCIDENT_STATES))
  .addOption(new Option('--min-severity <severity>', 'only this severity and above').choices(SEVERITIES))
  .addOption(outOption())
  .action(
    async (options: {
      format: ExportFormat
      state?: IncidentState
      minSeverity?: Severity
      out?: string
    }) => {
      const ticket = await signedIn().exports.incidents.mutate({
        format: options.format,
        ...(options.state ? { state: options.state } : {}),
        ...(options.minSeverity ? { minSeverity: options.minSeverity } : {}),
      })
      await downloadExport(ticket, options.out)
    },
  )

const hostsCommand = program.command('hosts').description('the Docker hosts deckies run on (admins)')

hostsCommand
  .command('list', { isDefault: true })
  .description('every host with its status, last heartbeat and decky count')
  .action(async () => {
    const hosts = await signedIn().hosts.list.query()
    print(hosts, () =>
      hosts
        .map(
          (h) =>
            `${h.name.padEnd(16)} ${h.status.padEnd(15)} ${String(h.deckyCount).padStart(4)} deckies  ${h.network.subnet.padEnd(18)} ${h.dockerUrl}`,
        )
        .join('\n'),
    )
  })

hostsCommand
  .command('enroll <name>')
  .description('enroll a Docker engine listening with --tlsverify (see scripts/host-certs.sh)')
  .requiredOption('--url <tcp-url>', 'the engine, e.g. tcp://10.0.0.7:2376')
  .requiredOption('--ca <file>', 'CA certificate (PEM) that signed the engine`s certificate')
  .requiredOption('--cert <file>', 'client certificate (PEM)')
  .requiredOption('--key <file>', 'client key (PEM)')
  .requiredOption('--subnet <cidr>', 'the decky network on that host')
  .requiredOption('--gateway <ip>', 'its gateway')
  .addOption(new Option('--driver <driver>', 'network driver').choices(NETWORK_DRIVERS).default('macvlan'))
  .option('--parent <interface>', 'parent interface (macvlan/ipvlan)')
  .action(
    async (
      name: string,
      options: {
        url: string
        ca: string
        cert: string
        key: string
        subnet: string
        gateway: string
        driver: NetworkDriver
        parent?: string
      },
    ) => {
      const read = (file: string) => readFileSync(file, 'utf8')
      const host = await signedIn().hosts.enroll.mutate({
        name,
        dockerUrl: options.url,
        tls: { ca: read(options.ca), cert: read(options.cert), key: read(options.key) },
        network: {
          driver: options.driver,
          subnet: options.subnet,
          gateway: options.gateway,
          ...(options.parent ? { parent: options.parent } : {}),
        },
      })
      print(
        host,
        () =>
          `enrolled ${host.name}: Docker ${host.engine.version}, ${host.engine.cpus} CPUs, capacity ${host.capacity ?? '?'} deckies`,
      )
    },
  )

hostsCommand
  .command('decommission <name>')
  .description('tear down a host`s deckies, then retire it')
  .action(async (name: string) => {
    const client = signedIn()
    const host = (await client.hosts.list.query()).find((candidate) => candidate.name === name)
    if (!host) throw new Error(`no host named ${name}`)
    const result = await client.hosts.decommission.mutate({ id: host.id })
    await reportAndFollow(client, result)
  })

catalogCommand(
  'services',
  'the service catalogue',
  (client) => client.catalog.services.query(),
  (s) =>
    `${s.slug.padEnd(14)} ${s.ports
      .map((p) => `${p.port}/${p.protocol}`)
      .join(',')
      .padEnd(18)} ${s.description}`,
)
catalogCommand(
  'archetypes',
  'the archetype catalogue',
  (client) => client.catalog.archetypes.query(),
  (a) => `${a.slug.padEnd(22)} ${a.services.join(',').padEnd(28)} ${a.description}`,
)
catalogCommand(
  'distros',
  'the distro catalogue',
  (client) => client.catalog.distros.query(),
  (d) => `${d.slug.padEnd(10)} ${d.name}`,
)

registerLogsCommand(program, io)
registerAttackersCommand(program, io)
registerAlertCommands(program, { signedIn, print, readSecret })
program
  .command('audit')
  .description('the audit log of operator actions, newest first (admins)')
  .option('--actor <name>', 'only this user (or `system`)')
  .option('--action <prefix>', 'only actions starting with this, e.g. fleet. or users.create')
  .option('--target <id>', 'only what concerns this decky, host or user')
  .option('--since <when>', 'ISO-8601 time or how long ago: 30m, 2h, 7d')
  .option('-n, --limit <n>', 'entries', '100')
  .action(
    async (options: { actor?: string; action?: string; target?: string; since?: string; limit: string }) => {
      const result = await signedIn().audit.list.query({
        ...(options.actor ? { actor: options.actor } : {}),
        ...(options.action ? { action: options.action } : {}),
        ...(options.target ? { target: options.target } : {}),
        ...(options.since ? { since: parseSince(options.since) } : {}),
        limit: Number(options.limit),
      })
      // Actors and targets may come from a sign-in attempt: no control character reaches the terminal.
      print(result, () =>
        renderLines(
          result.rows,
          (entry) =>
            `${entry.at}  ${terminalSafe(entry.actor).padEnd(16)} ${entry.action.padEnd(28)} ${terminalSafe(entry.target || '-').padEnd(20)} ${(entry.sourceIp ?? '-').padEnd(15)} ${entry.outcome}`,
          'no entries',
        ),
      )
    },
  )

registerIncidentCommands(program, { signedIn, print })
registerMaintenanceCommands(program, { print })
registerTokensCommand(program, io)

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`decnet: ${message}\n`)
  process.exit(1)
})
