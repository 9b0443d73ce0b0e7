// Own-property access for values that came from producers: inherited keys never count.

export function own(obj: Record<string, unknown>, key: string): unknown {
	return Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** Sets a key as an own data property, even `__proto__`, without touching any prototype. */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
