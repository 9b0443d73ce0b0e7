import { monotonicFactory } from 'ulid'

// Svix ids are a prefix and 27 characters [A-Za-z0-9], time-ordered. Ours: a
// 0 and a lowercase ULID (26 of Crockford's base32, a subset of base36), so
// they also fit hookgate's lowercase id pattern and sort by creation.
const next = monotonicFactory()

export type SvixPrefix = 'app' | 'ep' | 'msg' | 'qtask'
export const newSvixId = (prefix: SvixPrefix) => `${prefix}_0${next().toLowerCase()}`

/** Attempts are rows with a number: the id carries it in base36, zero-padded to 27. */
export const attemptId = (pk: number) => `atmpt_${pk.toString(36).padStart(27, '0')}`
export function attemptPk(id: string): number | null {
	const m = /^atmpt_([0-9a-z]{27})$/.exec(id)
	if (!m) return null
	const n = parseInt(m[1], 36)
	return Number.isSafeInteger(n) ? n : null
}
