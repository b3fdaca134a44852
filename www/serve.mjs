// A small static server for dist/site: the right MIME types (application/wasm for
// instantiateStreaming), the Content-Security-Policy header, no directory listings, and
// nothing outside the root. Usage: node www/serve.mjs [root] [port] [host]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] || 'dist/site');
const port = Number(process.argv[3] || process.env.PORT || 8080);
const host = process.argv[4] || '127.0.0.1';

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  // plotters measures text with a <span style="…"> per font size; those exact styles only.
  "style-src 'self' 'unsafe-hashes' 'sha256-HpM7Zw7sdoWfqU8OxaKAjjJqnojjg1NuemtUOHiL0hc=' 'sha256-chQg04KvdxnwJbeFBNHIDgBS5CxQuNladn4MNh/z+e4=' 'sha256-AqBU5mrSDk5Sdm8Bgh6AzM4DKwgYsWSH0S30X2r11Yw=' 'sha256-cTnd7GExtBn99HOgXNN/engJAaiZnqe59mGxK9jHko0='",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8', '.ts': 'text/plain; charset=utf-8',
};

const server = createServer(async (req, res) => {
  const headers = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const url = new URL(req.url, 'http://localhost');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    let s = await stat(path).catch(() => null);
    if (s && s.isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { ...headers, Location: url.pathname + '/' }).end();
        return;
      }
      path = join(path, 'index.html');
      s = await stat(path).catch(() => null);
    }
    if (!s || !s.isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readFile(path);
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(path)] || 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    res.writeHead(500, headers).end('error');
  }
});

server.listen(port, host, () => {
  console.log(`serving ${root} on http://${host}:${port}/ (playground: http://${host}:${port}/playground/)`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
