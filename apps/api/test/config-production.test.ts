// The production settings of issue 25 read from the environment: TLS files go together and must
// exist, TLS turns Secure cookies on by default, the metrics allow-list and log settings are strict.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { writeSelfSignedPair } from '../src/tls/self-signed.ts'
import { readTlsPair } from '../src/tls/tls-pair.ts'

describe('production settings', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-config-tls-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const pair = writeSelfSignedPair(dir, ['decnet.example.org', '192.0.2.7'])

  it('serves TLS from an existing pair, with Secure cookies unless turned off', () => {
    const config = loadConfig({ DECNET_TLS_CERT: pair.certFile, DECNET_TLS_KEY: pair.keyFile })
    expect(config.tls).toEqual({ certFile: pair.certFile, keyFile: pair.keyFile })
    expect(config.secureCookies).toBe(true)
    expect(config.apiTls).toBe(false)
    expect(
      loadConfig({
        DECNET_TLS_CERT: pair.certFile,
        DECNET_TLS_KEY: pair.keyFile,
        DECNET_SECURE_COOKIES: 'off',
      }).secureCookies,
    ).toBe(false)
    expect(loadConfig({}).secureCookies).toBe(false)
    expect(loadConfig({}).tls).toBeUndefined()
  })

  it('refuses half a pair, a missing file, and API TLS without a pair', () => {
    expect(() => loadConfig({ DECNET_TLS_CERT: pair.certFile })).toThrow(/go together/)
    expect(() =>
      loadConfig({ DECNET_TLS_CERT: pair.certFile, DECNET_TLS_KEY: path.join(dir, 'nope.key') }),
    ).toThrow(/DECNET_TLS_KEY: no file/)
    expect(() => loadConfig({ DECNET_API_TLS: '1' })).toThrow(/DECNET_API_TLS needs/)
  })

  it('generates a pair valid for the names given plus localhost and 127.0.0.1, key private', async () => {
    const { X509Certificate } = await import('node:crypto')
    const loaded = readTlsPair(pair)
    const cert = new X509Certificate(loaded.cert)
    expect(cert.subjectAltName).toContain('DNS:decnet.example.org')
    expect(cert.subjectAltName).toContain('IP Address:192.0.2.7')
    expect(cert.checkHost('localhost')).toBe('localhost')
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(loaded.key))).toBe(true)
    expect(loaded.fingerprint).toBe(pair.fingerprint)
    const { statSync } = await import('node:fs')
    expect(statSync(pair.keyFile).mode & 0o777).toBe(0o600)
  })

  it('reads the metrics allow-list and the log settings strictly', () => {
    expect(loadConfig({}).metrics).toEqual({ allow: ['loopback'], token: undefined })
    expect(loadConfig({ DECNET_METRICS_ALLOW: 'none' }).metrics.allow).toEqual([])
    expect(() => loadConfig({ DECNET_METRICS_ALLOW: '10.0.0.0/8, nope' })).toThrow(
      /DECNET_METRICS_ALLOW: "nope"/,
    )
    expect(loadConfig({}).logging).toEqual({ format: 'text', level: 'info' })
    expect(() => loadConfig({ DECNET_LOG_FORMAT: 'xml' })).toThrow(/DECNET_LOG_FORMAT must be text, json/)
    expect(() => loadConfig({ DECNET_LOG_LEVEL: 'trace' })).toThrow(/DECNET_LOG_LEVEL/)
  })
})
