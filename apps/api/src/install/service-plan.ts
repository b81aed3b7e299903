// Where `decnet init` puts things: one plan, computed once, that both the unit files and the
// installer read (and `--uninstall` reverses). `root` prefixes every system path, so a test can
// install into a temporary directory exactly as onto the machine.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export type ServicePlan = {
  /** The dedicated system user (and group) the services run as. */
  user: string
  /** The checkout whose built output the units run. */
  repoRoot: string
  /** The node binary the units start (absolute). */
  nodeBinary: string
  dataDir: string
  envFile: string
  unitDir: string
  apiUnit: string
  webUnit: string
}

export const API_UNIT = 'decnet-api.service'
export const WEB_UNIT = 'decnet-web.service'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

export function servicePlan(options: {
  root?: string
  user?: string
  dataDir?: string
  nodeBinary?: string
}): ServicePlan {
  const root = options.root ?? '/'
  const unitDir = path.join(root, 'etc/systemd/system')
  return {
    user: options.user ?? 'decnet',
    repoRoot: REPO_ROOT,
    nodeBinary: options.nodeBinary ?? process.execPath,
    dataDir: options.dataDir ? path.resolve(options.dataDir) : path.join(root, 'var/lib/decnet'),
    envFile: path.join(root, 'etc/decnet/decnet.env'),
    unitDir,
    apiUnit: path.join(unitDir, API_UNIT),
    webUnit: path.join(unitDir, WEB_UNIT),
  }
}
