/**
 * What the audit log adds to a mutation (issue 15): one redaction and one insert after the call. Measured
 * in one process, interleaved so both see the same machine load: a cheap mutation end to end
 * (config.setDeploymentLimit, whose own work is one settings write, audit included) against the audit
 * step alone (redactedInput + db.audit.append of a 4 KB deploy input).
 */
import { performance } from 'node:perf_hooks'
import { auditEntryOf } from '../src/audit/operator-audit.ts'
import { readyAdmin } from '../test/support/accounts.ts'
import { NO_WORKERS, startInProcessApi } from '../test/support/in-process.ts'
import { percentile } from './bench-api.ts'

const SAMPLES = 500
const api = await startInProcessApi({ env: NO_WORKERS })
try {
  const { client: admin } = await readyAdmin(api)
  const session = await api.services.db.users.findByUsername('admin')
  if (!session) throw new Error('no admin')
  const ini = `[bench-a]\nservices = ssh, http\n${'; comment line of an operator INI\n'.repeat(120)}`
  const ctx = {
    clientIp: '198.51.100.7',
    session: {
      user: { ...session, mustChangePassword: false },
      jti: 'j',
      issuedAtMs: 0,
      expiresAt: new Date(),
    },
  }
  const mutation: number[] = []
  const auditStep: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    let started = performance.now()
    await admin.config.setDeploymentLimit({ deploymentLimit: 100 + (i % 50) })
    mutation.push(performance.now() - started)
    started = performance.now()
    const entry = auditEntryOf({
      ctx,
      path: 'fleet.deploy',
      audit: undefined,
      rawInput: { ini, replaceFleet: false },
      outcome: 'ok',
    })
    if (entry) await api.services.db.audit.append(entry)
    auditStep.push(performance.now() - started)
  }
  console.log(`\nAudit overhead (${SAMPLES} samples each, interleaved, SQLite)\n`)
  console.log('measured                                   p50        p95        p99')
  for (const [label, values] of [
    ['config.setDeploymentLimit (audit included)', mutation],
    ['audit step alone (redact + one insert)', auditStep],
  ] as const) {
    console.log(
      `${label.padEnd(42)} ${percentile(values, 50).toFixed(2).padStart(7)}ms ${percentile(values, 95).toFixed(2).padStart(7)}ms ${percentile(values, 99).toFixed(2).padStart(7)}ms`,
    )
  }
} finally {
  await api.stop()
}
