import { HealthPanel } from '../components/health-panel.tsx'

export default function HomePage() {
  return (
    <main>
      <header>
        <h1>DECNET</h1>
        <p className="muted">Honeypot deception network console</p>
      </header>
      <HealthPanel />
    </main>
  )
}
