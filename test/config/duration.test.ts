import { describe, expect, test } from 'bun:test'
import { formatDuration, parseDuration, parseSize } from '../../src/config/duration'

describe('parseDuration', () => {
	test.each([
		['500ms', 500],
		['5s', 5_000],
		['5m', 300_000],
		['2h', 7_200_000],
		['5d', 432_000_000],
		['1.5s', 1_500],
		['0s', 0],
	])('%s → %d ms', (text, ms) => {
		expect(parseDuration(text)).toEqual({ value: ms })
	})

	test.each(['5', '5 sec', '5S', '-5s', 's', '', '5w', '1e3s'])('refuses %p with a message that names the units', (text) => {
		const r = parseDuration(text)
		expect(r).toEqual({ error: expect.stringContaining('500ms, 5s, 5m, 2h or 5d') })
	})
})

describe('parseSize', () => {
	test.each([
		[262144, 262144],
		['262144', 262144],
		['512KB', 524_288],
		['1MB', 1_048_576],
		['10GB', 10_737_418_240],
		['0', 0],
		['7B', 7],
	] as const)('%p → %d bytes', (input, bytes) => {
		expect(parseSize(input)).toEqual({ value: bytes })
	})

	test.each(['10TB', 'lots', '1.5MB', '-1', -1, 1.5])('refuses %p', (input) => {
		expect(parseSize(input)).toEqual({ error: expect.stringContaining('512KB') })
	})
})

test('formatDuration writes the shortest exact form, which parses back', () => {
	for (const ms of [0, 1, 500, 1_500, 5_000, 300_000, 7_200_000, 432_000_000, 90_000]) {
		expect(parseDuration(formatDuration(ms))).toEqual({ value: ms })
	}
	expect(formatDuration(300_000)).toBe('5m')
	expect(formatDuration(1_500)).toBe('1500ms')
})
