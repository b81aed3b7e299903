// `npm run bench`: every package's `bench` script, one at a time (benchmarks must not compete for the
// two cores). Each prints its medians and its ratio against a baseline measured in the same run.
import {
  ensureDebianPackages,
  ensureDockerDaemon,
  ensurePnpm,
  installDependencies,
  log,
  run,
} from './lib.mjs'

// The mass-scan soak (apps/api) points real attacker tools at its deckies.
ensureDebianPackages(['docker.io', 'nmap', 'hydra', 'hping3'])

await ensureDockerDaemon()
ensurePnpm()
installDependencies()
run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'])
// The Docker benchmarks deploy the decoy image of this tree (rebuilt only when its content changed).
run('pnpm', ['--filter', '@decnet/decoys', 'run', 'build:image'])
log('running benchmarks (sequentially)')
// --no-bail: a benchmark that misses its target says so, and the others still run.
const status = run(
  'pnpm',
  ['--recursive', '--workspace-concurrency=1', '--no-bail', '--if-present', 'run', 'bench'],
  {
    allowFailure: true,
  },
)
if (status !== 0) log('at least one benchmark missed its target (see MISSED/FAIL above)')
process.exit(status)
