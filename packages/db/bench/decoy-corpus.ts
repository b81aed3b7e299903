// The benchmark corpus in the shape the decoys emit, for the intelligence stage's rules.
import type { LogEventInput } from '../src/types.ts'

/**
 * The search corpus reshaped into what the decoys emit (auth_attempt with success, shell commands
 * with `cmd`/`via`, HTTP requests with user agent and headers), plus the fingerprint events of TLS
 * and SSH handshakes, so every rule family has work to do.
 */
export function* decoyShaped(events: Iterable<LogEventInput>): Generator<LogEventInput> {
  let n = 0
  for (const event of events) {
    n++
    const fields = event.fields ?? {}
    if (event.eventType === 'login_attempt') {
      yield { ...event, eventType: 'auth_attempt', fields: { ...fields, success: false } }
    } else if (event.eventType === 'command') {
      yield { ...event, fields: { username: fields.username, cmd: fields.command, cwd: '/root', via: 'ssh' } }
    } else if (event.eventType === 'request') {
      yield {
        ...event,
        fields: {
          ...fields,
          host: '10.0.0.5',
          headers: JSON.stringify({ 'user-agent': fields.user_agent, accept: '*/*' }),
          header_order: 'host,user-agent,accept',
          ja4h: 'ge11nn020000_4740ae6347b0_000000000000_000000000000',
          body: '',
          status: 404,
        },
      }
    } else if (n % 3 === 0) {
      yield {
        ...event,
        service: 'https',
        eventType: 'tls_client_hello',
        fields: {
          ja3: '771,4865-4866-4867-49195,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0',
          ja3_hash: `${(n % 97).toString(16).padStart(2, '0')}9f4c3ba6bb7d7c5c0e7f0b2a8f1d9e`,
          ja4: 't13d1516h2_8daaf6152771_02713d6af862',
          tls_sni: 'decky.example',
          tls_version: '1.3',
        },
      }
    } else if (n % 3 === 1) {
      yield {
        ...event,
        service: 'ssh',
        eventType: 'ssh_client_kexinit',
        fields: {
          client_version: 'SSH-2.0-libssh_0.9.6',
          hassh: 'f555226df1963d1d3c09daf865abdc9a',
          hassh_algorithms: 'curve25519-sha256;aes128-ctr;hmac-sha2-256;none',
        },
      }
    } else {
      yield event
    }
  }
}
