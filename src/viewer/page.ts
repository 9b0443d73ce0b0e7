// The one HTML page of the viewer. It holds no data and no inline script or
// style, so `default-src 'self'` is all the CSP it needs.
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>hookgate</title>
<link rel="icon" href="/ui/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/assets/app.css">
<script type="module" src="/ui/assets/app.js"></script>
</head>
<body>
<div id="app"><noscript>The hookgate viewer needs JavaScript.</noscript></div>
</body>
</html>
`

export function csp(frameAncestors: string): string {
	return `default-src 'self'; frame-ancestors ${frameAncestors}`
}
