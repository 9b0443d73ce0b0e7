// Minting, revoking and checking portal links. A link belongs to one flow and
// carries its capabilities and expiry in the signed token; the flow's key in
// the database signs it, and replacing that key revokes the flow's links.
import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import { HttpError, unauthorized } from '../../errors'
import type { AdminDeps } from '../deps'
import type { portalLinkInput } from '../model/portal'
import { toMs } from '../../config/fields'
import { findFlow } from '../services/lookup'
import { CAPABILITIES, decodeToken, macMatches, signToken, type Capability, type PortalClaims } from './token'

const DEFAULT_TTL_MS = 3_600_000

export const tokenExpired = () => new HttpError(401, 'token_expired', 'this link has expired')

const newKey = () => randomBytes(32).toString('base64url')

/** The claims of a genuine, unexpired, unrevoked token, or 401. */
export async function verifyPortalToken(deps: AdminDeps, token: string): Promise<{ kind: 'portal' } & PortalClaims> {
	const decoded = decodeToken(token)
	if (!decoded) throw unauthorized()
	const key = await deps.store.portalKey(decoded.claims.flow)
	if (!key || !macMatches(decoded, Buffer.from(key, 'base64url'))) throw unauthorized()
	if (decoded.claims.expiresAt <= deps.now()) throw tokenExpired()
	return { kind: 'portal', ...decoded.claims }
}

/** In canonical order, `view` always in. */
export function withView(capabilities: readonly Capability[]): Capability[] {
	return CAPABILITIES.filter((c) => c === 'view' || capabilities.includes(c))
}

// A Host header is the client's word: keep it only when it is a plain host[:port].
const HOST_RE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** Where browsers reach the gateway: server.publicUrl, else the request's scheme and Host. */
export function publicBase(configured: string, request: Request): string {
	if (configured) return configured
	const u = new URL(request.url)
	const host = request.headers.get('host')
	return `${u.protocol}//${host && HOST_RE.test(host) ? host : u.host}`
}

export async function mintLink(deps: AdminDeps, flow: string, input: z.output<typeof portalLinkInput>, request: Request) {
	findFlow(deps, flow)
	const now = deps.now()
	const key = await deps.store.ensurePortalKey(flow, newKey(), now)
	const claims: PortalClaims = {
		flow,
		capabilities: withView(input.capabilities),
		expiresAt: now + (input.ttl ? toMs(input.ttl) : DEFAULT_TTL_MS),
	}
	const token = signToken(claims, Buffer.from(key, 'base64url'), randomBytes(8))
	deps.log.info({ flow, capabilities: claims.capabilities, expiresAt: new Date(claims.expiresAt).toISOString() }, 'portal link minted')
	return {
		url: `${publicBase(deps.catalog.config.server.publicUrl, request)}/ui/portal#token=${token}`,
		token,
		flow,
		capabilities: claims.capabilities,
		expiresAt: new Date(claims.expiresAt).toISOString(),
	}
}

export async function revokeLinks(deps: AdminDeps, flow: string): Promise<void> {
	findFlow(deps, flow)
	await deps.store.replacePortalKey(flow, newKey(), deps.now())
	deps.log.info({ flow }, 'portal links revoked')
}
