import { describe, expect, it } from 'vitest'
import { MASK, maskEventForViewer, maskTextForViewer } from '../src/logs/secret-mask.ts'

// Shapes as the decoys record them (the http framework's `request` event, ftp/redis commands).
describe('the viewer masking policy for captured secrets', () => {
  it('masks a login form body, a JSON body and credential headers in an http request event', () => {
    const headers = JSON.stringify({
      host: 'web-01',
      authorization: 'Basic cm9vdDpodW50ZXIy',
      cookie: 'PHPSESSID=abc123def',
      'user-agent': 'curl/8.5.0',
    })
    const fields = {
      method: 'POST',
      path: '/login',
      headers,
      body: 'log=admin&pwd=S3cretPw&rememberme=forever&user_password=Other1',
      user_agent: 'curl/8.5.0',
    }
    const rawLine = JSON.stringify({ event: 'request', fields })
    const { fields: out, masked } = maskEventForViewer(fields, rawLine)
    expect(masked).toBe(true)
    const text = JSON.stringify(out)
    for (const secret of ['S3cretPw', 'Other1', 'cm9vdDpodW50ZXIy', 'abc123def'])
      expect(text).not.toContain(secret)
    expect(out.body).toBe(`log=admin&pwd=${MASK}&rememberme=forever&user_password=${MASK}`)
    expect(JSON.parse(String(out.headers))).toMatchObject({ host: 'web-01', 'user-agent': 'curl/8.5.0' })
    expect(out.path).toBe('/login')
    const json = maskEventForViewer({ body: '{"username":"root","password":"toor1","remember":true}' }, '')
    expect(JSON.parse(String(json.fields.body))).toEqual({ username: 'root', password: MASK, remember: true })
  })

  it('masks user:pass@ in URLs, query strings and commands, and the same secret wherever it recurs', () => {
    expect(maskTextForViewer('wget ftp://bob:Hunter22@10.0.0.1/x.sh')).toBe(
      `wget ftp://bob:${MASK}@10.0.0.1/x.sh`,
    )
    expect(maskTextForViewer('GET /api?user=a&token=t0k3nvalue&x=1')).toBe(
      `GET /api?user=a&token=${MASK}&x=1`,
    )
    expect(maskTextForViewer('curl -H "Authorization: Bearer abc.def.ghi" x')).not.toContain('abc.def.ghi')
    // A decoy-declared secret field (ftp PASS) also hides the command line that repeated it.
    const { fields } = maskEventForViewer(
      {
        username: 'anonymous',
        password: 'p4ssw0rd!',
        command: 'PASS p4ssw0rd!',
        secret_fields: ['password'],
      },
      'PASS p4ssw0rd!',
    )
    expect(fields).toEqual({
      username: 'anonymous',
      password: MASK,
      command: `PASS ${MASK}`,
      secret_fields: ['password'],
    })
  })

  it('leaves events without secrets as they are, and stays fast on long hostile lines', () => {
    const plain = { method: 'GET', path: '/index.html', body: '', password_set: false }
    expect(maskEventForViewer(plain, 'GET /index.html')).toEqual({ fields: plain, masked: false })
    const hostile = `${'a'.repeat(16_000)}=${'b.'.repeat(16_000)}://${':'.repeat(8_000)}`
    const started = performance.now()
    maskEventForViewer({ body: hostile }, hostile)
    // Quadratic backtracking would take minutes here; a linear pass is milliseconds.
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
