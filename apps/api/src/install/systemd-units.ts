// The two systemd units `decnet init` writes: the API with its workers, and the console after it.
// Both run as the dedicated user, read the 0600 environment file, restart on failure and may open
// many descriptors (every decky connection and log stream is one).
import path from 'node:path'
import { API_UNIT, type ServicePlan } from './service-plan.ts'

/** Restart policy and limits shared by both units (tests read them back from the files). */
export const RESTART_SEC = 5
export const LIMIT_NOFILE = 65536

/** A path as systemd reads it in ExecStart/WorkingDirectory (spaces and specifiers escaped). */
function unitPath(value: string): string {
  if (/[\s"'\\]/.test(value)) throw new Error(`unsupported character in path for a unit file: ${value}`)
  return value.replaceAll('%', '%%')
}

function serviceSection(plan: ServicePlan, workingDirectory: string, execStart: string[]): string[] {
  return [
    '[Service]',
    'Type=simple',
    `User=${plan.user}`,
    `Group=${plan.user}`,
    `EnvironmentFile=${unitPath(plan.envFile)}`,
    `WorkingDirectory=${unitPath(workingDirectory)}`,
    `ExecStart=${execStart.map(unitPath).join(' ')}`,
    'Restart=on-failure',
    `RestartSec=${RESTART_SEC}`,
    'TimeoutStopSec=20',
    `LimitNOFILE=${LIMIT_NOFILE}`,
    // Ports below 1024 (a console on 443, local-engine deckies on 22/80) without running as root.
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'NoNewPrivileges=true',
    'ProtectSystem=full',
    'PrivateTmp=true',
  ]
}

export function apiUnitFile(plan: ServicePlan): string {
  const apiDir = path.join(plan.repoRoot, 'apps/api')
  return `${[
    '# Written by `decnet init`; `decnet init --uninstall` removes it.',
    '[Unit]',
    'Description=DECNET API (tRPC API and its background workers)',
    `Documentation=file://${unitPath(path.join(plan.repoRoot, 'README.md'))}`,
    'After=network-online.target docker.service',
    'Wants=network-online.target',
    '',
    ...serviceSection(plan, apiDir, [plan.nodeBinary, '--import', 'tsx', path.join(apiDir, 'src/main.ts')]),
    // Reaches the Docker socket through the docker group.
    'SupplementaryGroups=docker',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n')}\n`
}

export function webUnitFile(plan: ServicePlan): string {
  const webDir = path.join(plan.repoRoot, 'apps/web')
  return `${[
    '# Written by `decnet init`; `decnet init --uninstall` removes it.',
    '[Unit]',
    'Description=DECNET console (Next.js production build)',
    `Documentation=file://${unitPath(path.join(plan.repoRoot, 'README.md'))}`,
    `After=network-online.target ${API_UNIT}`,
    `Wants=network-online.target ${API_UNIT}`,
    '',
    ...serviceSection(plan, webDir, [plan.nodeBinary, path.join(webDir, 'server.mjs')]),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n')}\n`
}
