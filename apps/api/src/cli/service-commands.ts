// Local commands of an installation (no API call): `decnet init` / `decnet init --uninstall` (systemd
// services) and `decnet tls generate` (a self-signed pair for the console's HTTPS).
import path from 'node:path'
import type { Command } from 'commander'
import { install, uninstall } from '../install/installer.ts'
import { servicePlan } from '../install/service-plan.ts'
import { writeSelfSignedPair } from '../tls/self-signed.ts'

type InitOptions = {
  uninstall?: boolean
  purge?: boolean
  user: string
  dataDir?: string
  root?: string
  selfSigned?: string[]
  systemd?: boolean
}

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new Error('decnet init must run as root (it creates a system user and units)')
}

export function registerServiceCommands(
  program: Command,
  print: (data: unknown, human: () => string) => void,
): void {
  program
    .command('init')
    .description('install DECNET as systemd services (API with workers, console) with this environment')
    .option('--uninstall', 'stop and remove the services, their environment file and user')
    .option('--purge', 'with --uninstall: also remove the data dir')
    .option('--user <name>', 'system user the services run as', 'decnet')
    .option('--data-dir <dir>', 'data dir of the services (default /var/lib/decnet)')
    .option('--self-signed <names...>', 'generate a self-signed TLS pair for these host names/addresses')
    .option('--no-systemd', 'write the files only; do not enable or start the units')
    .option('--root <dir>', 'install under this directory instead of / (packaging, tests)')
    .action((options: InitOptions) => {
      requireRoot()
      const plan = servicePlan({ root: options.root, user: options.user, dataDir: options.dataDir })
      const systemd = options.systemd === false ? false : undefined
      const did = options.uninstall
        ? uninstall(plan, { purge: Boolean(options.purge), systemd })
        : install(plan, { environment: process.env, selfSigned: options.selfSigned, systemd })
      print({ plan, did }, () => did.map((line) => `- ${line}`).join('\n'))
    })

  program
    .command('tls')
    .description('TLS material of the console and API')
    .command('generate')
    .description('write a self-signed certificate and key (0600) and print its fingerprint')
    .option(
      '--dir <dir>',
      'where to write decnet.crt and decnet.key',
      path.join(process.env.DECNET_DATA_DIR || './data', 'tls'),
    )
    .argument('[names...]', 'host names or addresses it is valid for (localhost and 127.0.0.1 always)')
    .action((names: string[], options: { dir: string }) => {
      const pair = writeSelfSignedPair(path.resolve(options.dir), names)
      print(pair, () =>
        [
          `certificate ${pair.certFile}`,
          `key         ${pair.keyFile}`,
          `SHA-256     ${pair.fingerprint}`,
          `serve it: DECNET_TLS_CERT=${pair.certFile} DECNET_TLS_KEY=${pair.keyFile}`,
        ].join('\n'),
      )
    })
}
