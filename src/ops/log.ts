import pino from 'pino'

export type Logger = pino.Logger

// Plain JSON lines on stdout: pino's transports (worker threads) break inside
// compiled Bun binaries. Known secret-bearing paths are censored as a second
// line of defence; code never logs secrets in the first place.
export function createLogger(level: string, destination: pino.DestinationStream | number = 1): Logger {
	return pino({
		level,
		base: undefined,
		timestamp: pino.stdTimeFunctions.isoTime,
		formatters: { level: (label) => ({ level: label }) },
		redact: {
			paths: ['secret', '*.secret', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'signing.secret', 'signing.previous.secret'],
			censor: '[redacted]',
		},
	}, typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination)
}
