// One vocabulary for config problems, and the translation of zod's issues into
// it. zod's own messages are replaced where they would read poorly in a config
// error; none of ours repeats a submitted value.

import type { z } from 'zod'

export type Path = (string | number)[]

export interface ConfigIssue {
	path: Path
	message: string
	/** point at the key rather than the value (unknown, duplicate, overriding keys) */
	atKey?: boolean
}

const EXPECTED: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	int: 'a whole number',
	boolean: 'true or false',
	object: 'a map',
	record: 'a map',
	array: 'a list',
}

function describe(input: unknown): string {
	if (input === null) return 'nothing'
	if (Array.isArray(input)) return 'a list'
	if (typeof input === 'object') return 'a map'
	if (typeof input === 'boolean') return 'true/false'
	if (typeof input === 'number') return Number.isInteger(input) ? 'a whole number' : 'a number'
	return `a ${typeof input}`
}

function isPlainObject(v: unknown): boolean {
	return typeof v === 'object' && v !== null && !Array.isArray(v)
}

type Issue = z.core.$ZodIssue & { input?: unknown }

/** zod issues (parsed with `reportInput: true`) → config issues, `prefix` prepended to every path. */
export function fromZod(issues: readonly Issue[], prefix: Path = []): ConfigIssue[] {
	const out: ConfigIssue[] = []
	for (const issue of issues) {
		const path = [...prefix, ...(issue.path as Path)]
		switch (issue.code) {
			case 'unrecognized_keys':
				for (const key of issue.keys) out.push({ path: [...path, key], message: 'unknown key', atKey: true })
				break
			case 'invalid_type':
				if (issue.input === undefined) out.push({ path, message: 'required' })
				else if (issue.message.startsWith('Invalid input')) {
					const expected = EXPECTED[issue.expected] ?? issue.expected
					out.push({ path, message: `expected ${expected}, got ${describe(issue.input)}` })
				} else out.push({ path, message: issue.message })
				break
			case 'invalid_union': {
				// A map that is close to one branch (headers' {value, sensitive}, {template})
				// is best explained by that branch's own complaints.
				const branch = isPlainObject(issue.input)
					? issue.errors.find((errs) => !errs.some((e) => e.path.length === 0 && e.code === 'invalid_type'))
					: undefined
				if (branch) out.push(...fromZod(branch as Issue[], path))
				else if (issue.input === undefined) out.push({ path, message: 'required' })
				else out.push({ path, message: issue.message })
				break
			}
			case 'invalid_value':
				out.push({
					path,
					message: issue.message.startsWith('Invalid')
						? `must be one of ${issue.values.map(String).join(', ')}`
						: issue.message,
				})
				break
			case 'too_small':
			case 'too_big': {
				const bound = issue.code === 'too_small' ? 'at least' : 'at most'
				const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum
				out.push({ path, message: issue.message.startsWith('Too') ? `must be ${bound} ${limit}` : issue.message })
				break
			}
			default:
				out.push({ path, message: issue.message })
		}
	}
	return out
}
