// From a path in the config (as zod and our own checks report it) back to the
// YAML node, so an error can name its line and column.

import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml'
import type { Path } from './issues'

/** `flows[0].endpoints[1].url`; the document itself is `(root)`. */
export function formatPath(path: Path): string {
	let out = ''
	for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg
	return out || '(root)'
}

function keyText(key: unknown): string {
	return isScalar(key) ? String(key.value) : String(key)
}

function deref(doc: Document, node: unknown): unknown {
	return isAlias(node) ? node.resolve(doc) : node
}

/**
 * Where to point for `path`. `atKey`: the key itself (unknown, duplicate and
 * overriding keys). A path whose end is not in the file (a missing value) points
 * at the key holding the nearest map that is there, or at that map's start when
 * it is a list item. A key written with no value (`url:`) counts as missing.
 */
export function locate(doc: Document, path: Path, atKey = false): number {
	let node: unknown = doc.contents
	let holderKey: Node | null = null
	for (let i = 0; i < path.length; i++) {
		const seg = path[i]
		node = deref(doc, node)
		let next: unknown
		let nextKey: Node | null = null
		if (isMap(node)) {
			const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg))
			if (pair) {
				next = pair.value
				nextKey = isScalar(pair.key) ? pair.key : null
			}
		} else if (isSeq(node) && typeof seg === 'number') {
			next = node.items[seg]
		}
		const last = i === path.length - 1
		if (next === undefined && nextKey === null) return start(node, holderKey)
		if (last && atKey && nextKey) return nextKey.range?.[0] ?? 0
		if (isScalar(next) && next.value === null && next.range && next.range[0] === next.range[1]) {
			return nextKey?.range?.[0] ?? next.range[0]
		}
		if (next == null) return nextKey?.range?.[0] ?? start(node, holderKey)
		node = next
		holderKey = nextKey
	}
	return start(node, null)
}

function start(node: unknown, holderKey: Node | null): number {
	if (holderKey?.range) return holderKey.range[0]
	const range = (node as Node | null)?.range
	return range ? range[0] : 0
}

export interface KeyIssue {
	path: Path
	offset: number
	message: string
}

/** Duplicate keys at every level, reported at the second (and later) occurrence. */
export function findDuplicateKeys(doc: Document): KeyIssue[] {
	const issues: KeyIssue[] = []
	const visit = (node: unknown, path: Path): void => {
		if (isMap(node)) {
			const seen = new Set<string>()
			for (const pair of node.items) {
				if (!isPair(pair)) continue
				const key = keyText(pair.key)
				if (seen.has(key)) {
					const offset = (pair.key as Node | null)?.range?.[0] ?? 0
					issues.push({ path: [...path, key], offset, message: 'duplicate key' })
				}
				seen.add(key)
				visit(pair.value, [...path, key])
			}
		} else if (isSeq(node)) {
			node.items.forEach((item, i) => visit(item, [...path, i]))
		}
	}
	visit(doc.contents, [])
	return issues
}
