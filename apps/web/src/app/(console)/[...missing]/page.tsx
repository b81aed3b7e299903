import { notFound } from 'next/navigation'

// Every unmatched address lands here, inside the console layout, so its not-found page has the shell.
export default function MissingPage(): never {
  notFound()
}
