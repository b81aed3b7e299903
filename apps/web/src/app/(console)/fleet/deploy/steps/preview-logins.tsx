// The accounts a previewed decky's ssh/telnet will accept: the persona's own (different on every
// decky) unless the operator set them. Passwords are live credentials: masked until asked for.
import type { RouterOutputs } from '@/trpc/client.ts'

type Logins = RouterOutputs['fleet']['preview']['create'][number]['logins']

const POLICY_WORDS: Record<Logins[number]['policy'], string> = {
  persona: "persona's accounts",
  list: 'configured accounts only',
  nth: 'nth attempt',
  never: 'refuses every login',
}

export function PreviewLogins({ logins, showPasswords }: { logins: Logins; showPasswords: boolean }) {
  if (logins.length === 0) return <span className="muted">—</span>
  return (
    <div className="small" data-testid="preview-logins">
      {logins.map((login) => (
        <div key={login.service} data-testid={`preview-logins-${login.service}`}>
          <strong>{login.service}</strong>{' '}
          <span className="muted">
            ({POLICY_WORDS[login.policy]}
            {login.policy === 'nth' ? `: attempt ${login.acceptAttempt}` : ''})
          </span>
          <ul className="mono" style={{ margin: 0, paddingLeft: 16 }}>
            {login.accounts.map((account) => (
              <li key={account.user} data-testid="preview-login-account">
                {account.user}:
                {account.password === null ? (
                  <span className="muted"> locked</span>
                ) : showPasswords ? (
                  <span data-testid="preview-login-password">{account.password}</span>
                ) : (
                  <span data-testid="preview-login-password">••••••••</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  )
}
