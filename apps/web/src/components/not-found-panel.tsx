import Link from 'next/link'
import type { ReactNode } from 'react'
import '@/styles/decky.css'

/** A page or record that does not exist, inside the console, with the ways back. */
export function NotFoundPanel({
  title,
  children,
  back = { href: '/fleet', label: 'Back to the fleet' },
}: {
  title: string
  children?: ReactNode
  back?: { href: string; label: string }
}) {
  return (
    <section className="panel not-found-panel" data-testid="not-found" aria-labelledby="not-found-title">
      <p className="code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-title">{title}</h1>
      {children}
      <div className="row">
        <Link href={back.href} className="button primary" data-testid="not-found-back">
          {back.label}
        </Link>
        {back.href !== '/logs' && (
          <Link href="/logs" className="button">
            Logs
          </Link>
        )}
      </div>
    </section>
  )
}
