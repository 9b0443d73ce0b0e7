// Portal tokens: `hgp_` + base64url of a small binary claim and its HMAC.
// Base64url only, so a link's fragment carries the token unencoded. The key is
// the flow's own (kept in the database); replacing it revokes every token of
// the flow at once, with no list of tokens to keep.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const CAPABILITIES = ['view', 'manage_endpoints', 'rotate_secret', 'replay', 'test'] as const
export type Capability = (typeof CAPABILITIES)[number]

export const TOKEN_PREFIX = 'hgp_'

export interface PortalClaims {
	flow: string
	capabilities: Capability[]
	/** Unix ms */
	expiresAt: number
}

const VERSION = 1
const MAC_BYTES = 32
const NONCE_BYTES = 8
// version, expiry (6 bytes of ms), capability bits, nonce, flow length
const HEAD_BYTES = 1 + 6 + 1 + NONCE_BYTES + 1
const DOMAIN = Buffer.from('hookgate portal token\0')

function mac(key: Buffer, signed: Buffer): Buffer {
	return createHmac('sha256', key).update(DOMAIN).update(signed).digest()
}

function bits(capabilities: readonly Capability[]): number {
	return CAPABILITIES.reduce((b, c, i) => (capabilities.includes(c) ? b | (1 << i) : b), 0)
}

/** `nonce` makes two links minted alike in the same millisecond differ. */
export function signToken(claims: PortalClaims, key: Buffer, nonce: Buffer): string {
	const flow = Buffer.from(claims.flow, 'utf8')
	if (flow.length > 255) throw new Error('flow id too long for a portal token')
	const head = Buffer.alloc(HEAD_BYTES)
	head.writeUInt8(VERSION, 0)
	head.writeUIntBE(claims.expiresAt, 1, 6)
	head.writeUInt8(bits(claims.capabilities), 7)
	nonce.copy(head, 8, 0, NONCE_BYTES)
	head.writeUInt8(flow.length, 8 + NONCE_BYTES)
	const signed = Buffer.concat([head, flow])
	return TOKEN_PREFIX + Buffer.concat([signed, mac(key, signed)]).toString('base64url')
}

export interface DecodedToken {
	claims: PortalClaims
	signed: Buffer
	mac: Buffer
}

/** The claims as written, not yet trusted; null when the token is not shaped like one of ours. */
export function decodeToken(token: string): DecodedToken | null {
	if (!token.startsWith(TOKEN_PREFIX)) return null
	const body = token.slice(TOKEN_PREFIX.length)
	if (!/^[A-Za-z0-9_-]+$/.test(body)) return null
	const raw = Buffer.from(body, 'base64url')
	// a re-encoding that differs means extra or malformed characters
	if (raw.toString('base64url') !== body) return null
	if (raw.length < HEAD_BYTES + MAC_BYTES || raw.readUInt8(0) !== VERSION) return null
	const flowLength = raw.readUInt8(8 + NONCE_BYTES)
	if (raw.length !== HEAD_BYTES + flowLength + MAC_BYTES) return null
	const signed = raw.subarray(0, HEAD_BYTES + flowLength)
	const capBits = raw.readUInt8(7)
	return {
		claims: {
			flow: signed.subarray(HEAD_BYTES).toString('utf8'),
			capabilities: CAPABILITIES.filter((_, i) => capBits & (1 << i)),
			expiresAt: raw.readUIntBE(1, 6),
		},
		signed,
		mac: raw.subarray(HEAD_BYTES + flowLength),
	}
}

export function macMatches(decoded: DecodedToken, key: Buffer): boolean {
	return timingSafeEqual(mac(key, decoded.signed), decoded.mac)
}
