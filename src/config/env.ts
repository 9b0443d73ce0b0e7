// `${VAR}` and `${VAR:-default}` in string values, expanded on the YAML nodes
// themselves so every later error still points at the value's line and column.
// `$${` writes a literal `${`.

import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml'

export type Env = Record<string, string | undefined>

export type Expanded = { value: string } | { error: string }

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Expands one string. Like the shell, `:-` also applies when the variable is set but empty. */
export function expandEnv(text: string, env: Env): Expanded {
	let out = ''
	let i = 0
	while (i < text.length) {
		const at = text.indexOf('$', i)
		if (at < 0) break
		out += text.slice(i, at)
		if (text.startsWith('$${', at)) {
			out += '${'
			i = at + 3
			continue
		}
		if (text[at + 1] !== '{') {
			out += '$'
			i = at + 1
			continue
		}
		const close = text.indexOf('}', at + 2)
		if (close < 0) return { error: 'has a `${` with no closing `}`' }
		const inner = text.slice(at + 2, close)
		const sep = inner.indexOf(':-')
		const name = sep < 0 ? inner : inner.slice(0, sep)
		if (!NAME_RE.test(name)) return { error: 'has a malformed `${VAR}` reference (write `$${` for a literal `${`)' }
		const set = env[name]
		if (set !== undefined && (set !== '' || sep < 0)) out += set
		else if (sep >= 0) out += inner.slice(sep + 2)
		else return { error: `environment variable ${name} is not set (give a default with \${${name}:-...})` }
		i = close + 1
	}
	return { value: out + text.slice(i) }
}

export interface EnvIssue {
	path: (string | number)[]
	node: Node
	message: string
}

/** Expands every string scalar value in place (keys are left alone) and returns the failures. */
export function expandDocumentEnv(doc: Document, env: Env): EnvIssue[] {
	const issues: EnvIssue[] = []
	const visit = (node: unknown, path: (string | number)[]): void => {
		if (isScalar(node)) {
			if (typeof node.value !== 'string' || !node.value.includes('$')) return
			const r = expandEnv(node.value, env)
			if ('error' in r) {
				issues.push({ path, node, message: r.error })
				// Leave nothing half-expanded behind: later checks skip this path.
				node.value = ''
			} else node.value = r.value
		} else if (isMap(node)) {
			for (const pair of node.items) {
				if (!isPair(pair)) continue
				const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
				visit(pair.value, [...path, key])
			}
		} else if (isSeq(node)) {
			node.items.forEach((item, i) => visit(item, [...path, i]))
		}
	}
	visit(doc.contents, [])
	return issues
}
