import Link from 'next/link'
import { HealthPanel } from '@/components/health-panel.tsx'

export default function HomePage() {
  return (
    <main>
      <header className="row spread">
        <div>
          <h1>DECNET</h1>
          <p className="muted">Honeypot deception network console</p>
        </div>
        <Link href="/fleet" className="button primary">
          Open the console
        </Link>
      </header>
      <HealthPanel />
    </main>
  )
}
