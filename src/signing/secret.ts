// Secrets: making new ones, checking configured ones, and showing them safely.

import { randomBytes } from 'node:crypto'
import type { SigningScheme } from '../domain'

const WHSEC = 'whsec_'
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
export const MIN_HMAC_SECRET_LENGTH = 8

export function generateSecret(scheme: Exclude<SigningScheme, 'none'>): string {
	const bytes = randomBytes(32)
	return scheme === 'standard-webhooks' ? WHSEC + bytes.toString('base64') : bytes.toString('hex')
}

/** `…` and the last 4 characters, keeping a `whsec_` prefix so the kind of secret stays visible. */
export function redactSecret(secret: string): string {
	const prefix = secret.startsWith(WHSEC) ? WHSEC : ''
	const rest = secret.slice(prefix.length)
	// a secret of 4 characters or fewer would be shown whole
	return `${prefix}…${rest.length > 4 ? rest.slice(-4) : ''}`
}

/** Why a secret cannot be used with the scheme, or null. Never echoes the secret. */
export function validateSecret(scheme: SigningScheme, secret: string): string | null {
	switch (scheme) {
		case 'none':
			return null
		case 'hmac-sha256':
			return secret.length >= MIN_HMAC_SECRET_LENGTH
				? null
				: `an hmac-sha256 secret must be at least ${MIN_HMAC_SECRET_LENGTH} characters`
		case 'standard-webhooks': {
			if (!secret.startsWith(WHSEC)) return 'a standard-webhooks secret must start with whsec_'
			const encoded = secret.slice(WHSEC.length)
			if (!BASE64.test(encoded)) return 'a standard-webhooks secret must be whsec_ followed by base64'
			const bytes = Buffer.from(encoded, 'base64').length
			return bytes >= 24 && bytes <= 64 ? null : 'a standard-webhooks secret must encode 24 to 64 bytes'
		}
	}
}
