// What the signed-in token may see and do: everything for an operator, one
// flow and its capabilities for a portal link.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { Capability } from './types'

export interface Scope {
	portal: boolean
	/** the portal's flow; null for an operator */
	flow: string | null
	can: (c: Capability) => boolean
	/** where a job opens: its own page for operators, the side panel in the portal */
	base: string
}

export const operatorScope: Scope = { portal: false, flow: null, can: () => true, base: '/ui/jobs' }
export const ScopeContext = createContext<Scope>(operatorScope)
export const useScope = () => useContext(ScopeContext)
