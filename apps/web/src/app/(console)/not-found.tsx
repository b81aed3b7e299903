import { NotFoundPanel } from '@/components/not-found-panel.tsx'

/** Any console address that leads nowhere: said inside the console, with a way back. */
export default function ConsoleNotFound() {
  return (
    <NotFoundPanel title="Nothing here">
      <p className="muted">This page does not exist. It may have been a decky or a record that is gone.</p>
    </NotFoundPanel>
  )
}
