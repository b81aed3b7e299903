import Link from 'next/link'
import { HealthPanel } from '@/components/health-panel.tsx'
import { SignedInRedirect } from '@/components/signed-in-redirect.tsx'

export default function HomePage() {
  return (
    <main>
      <SignedInRedirect to="/dashboard" />
      <header className="row spread">
        <div>
          <h1>DECNET</h1>
          <p className="muted">Honeypot deception network console</p>
        </div>
        <Link href="/dashboard" className="button primary">
          Open the console
        </Link>
      </header>
      <HealthPanel />
    </main>
  )
}
