// Test-only OpenID Connect provider for the system tests.
// Built on the npm package oidc-provider (9.13.3). NEVER use in production.
//
//   node provider.mjs --config <config.json> --cert <cert.pem> --key <key.pem> [--port N]
//
// Prints exactly one JSON line to stdout once ready: {"issuer":"https://127.0.0.1:PORT"}.
// Everything else goes to stderr. Exits when stdin closes or on SIGTERM/SIGINT.
// See README.md for the control API.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';

import Provider from 'oidc-provider';
import {
  CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK,
} from 'jose';

// oidc-provider prints "NOTICE" lines through console.info (stdout). stdout is
// reserved for the single ready line, so route every console output to stderr.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

const log = (...args) => console.error('[oidc-provider]', ...args);

// ---------------------------------------------------------------------------
// command line
function parseArgs(argv) {
  const out = { port: 0 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${arg}`);
      i += 1;
      return argv[i];
    };
    switch (arg) {
      case '--config': out.config = value(); break;
      case '--cert': out.cert = value(); break;
      case '--key': out.key = value(); break;
      case '--port': out.port = Number.parseInt(value(), 10); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!out.config || !out.cert || !out.key) {
    throw new Error('usage: node provider.mjs --config <config.json> --cert <cert.pem> --key <key.pem> [--port N]');
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) {
    throw new Error('--port must be an integer 0..65535');
  }
  return out;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

const config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
if (!Array.isArray(config.clients) || !Array.isArray(config.users)) {
  console.error('config must have "clients" and "users" arrays');
  process.exit(2);
}

// ---------------------------------------------------------------------------
// users
const usersByName = new Map();
const usersById = new Map();
for (const u of config.users) {
  const user = { groups: [], ...u, disabled: Boolean(u.disabled) };
  usersByName.set(user.username, user);
  usersById.set(user.id, user);
}

async function findAccount(_ctx, sub) {
  const user = usersById.get(sub);
  if (!user || user.disabled) return undefined; // -> invalid_grant on code/refresh grants
  return {
    accountId: user.id,
    async claims() {
      return {
        sub: user.id,
        email: user.email,
        email_verified: true,
        preferred_username: user.username,
        name: user.name,
        groups: [...user.groups],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// storage shared by every Provider instance (they are swapped on key rotation)
const store = new Map(); // key -> { payload, expiresAt }
const grantIndex = new Map(); // grantId -> Set<key>
const uidIndex = new Map(); // session uid -> key
const userCodeIndex = new Map(); // userCode -> key
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

function storeGet(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry.payload;
}

class SharedMemoryAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
    store.set(key, { payload, expiresAt });
    if (this.model === 'Session' && payload.uid) uidIndex.set(payload.uid, id);
    if (payload.userCode) userCodeIndex.set(payload.userCode, id);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(key);
    }
  }

  async find(id) {
    return storeGet(this.key(id));
  }

  async findByUid(uid) {
    const id = uidIndex.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = userCodeIndex.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = storeGet(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    const keys = grantIndex.get(grantId);
    if (keys) for (const key of keys) store.delete(key);
    grantIndex.delete(grantId);
  }
}

function destroySessionsOf(accountId) {
  for (const [key, entry] of store) {
    if (key.startsWith('Session:') && entry.payload?.accountId === accountId) store.delete(key);
  }
}

// ---------------------------------------------------------------------------
// signing keys
async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  jwk.kid = crypto.randomBytes(12).toString('base64url');
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}

let signingKeys = []; // private JWKs, [current, previous]

// ---------------------------------------------------------------------------
// tampering of the next token endpoint response
const TAMPER_MODES = new Set(['audience', 'expired', 'replay', 'foreign-key', 'issuer']);
let pendingTamper; // mode or undefined
let lastGenuineIdToken; // id_token of the previous successful token response

async function resign(idToken, mutate, jwk) {
  const header = decodeProtectedHeader(idToken);
  const payload = decodeJwt(idToken);
  mutate(payload);
  const key = await importJWK(jwk, 'RS256');
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: 'RS256', kid: signingKeys[0].kid })
    .sign(key);
}

async function tamper(mode, genuine, issuer) {
  const current = signingKeys[0];
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'audience':
      return resign(genuine, (p) => { p.aud = 'someone-else'; }, current);
    case 'expired':
      return resign(genuine, (p) => { p.iat = now - 7200; p.exp = now - 3600; }, current);
    case 'issuer':
      return resign(genuine, (p) => { p.iss = `${issuer}/evil`; }, current);
    case 'foreign-key': {
      const foreign = await newSigningKey();
      return resign(genuine, () => {}, foreign);
    }
    case 'replay':
      return lastGenuineIdToken;
    default:
      throw new Error(`unknown tamper mode ${mode}`);
  }
}

// ---------------------------------------------------------------------------
// provider construction (re-done on key rotation; storage is shared)
const REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://[::1]/callback'];

function clientMetadata(c) {
  const meta = {
    client_id: c.client_id,
    application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: c.redirect_uris ?? REDIRECT_URIS,
  };
  if (c.client_secret) {
    meta.client_secret = c.client_secret;
    meta.token_endpoint_auth_method = c.token_endpoint_auth_method ?? 'client_secret_basic';
  } else {
    meta.token_endpoint_auth_method = 'none';
  }
  return meta;
}

let issuer;
let provider;
let providerCallback;

function buildProvider() {
  const p = new Provider(issuer, {
    adapter: SharedMemoryAdapter,
    clients: config.clients.map(clientMetadata),
    findAccount,
    jwks: { keys: signingKeys },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true }, // S256 is the only method oidc-provider 9 supports
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>error</title><h1>${escapeHtml(out.error)}</h1>`
        + `<p id="error_description">${escapeHtml(out.error_description ?? '')}</p>\n`;
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
  });

  p.on('server_error', (_ctx, err) => log('server_error', err));

  // Tamper with the next token response that carries an id_token.
  p.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 200) return;
    const body = ctx.body;
    if (!body || typeof body !== 'object' || typeof body.id_token !== 'string') return;
    const genuine = body.id_token;
    if (pendingTamper) {
      const mode = pendingTamper;
      pendingTamper = undefined;
      body.id_token = await tamper(mode, genuine, issuer);
      log(`tampered id_token (${mode})`);
    }
    lastGenuineIdToken = genuine;
  });

  return p;
}

function installProvider() {
  provider = buildProvider();
  providerCallback = provider.callback();
}

// ---------------------------------------------------------------------------
// helpers for the raw HTTP handler
function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendHtml(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1024 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function loginPage(uid, error) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<h1>Sign in</h1>
${error ? `<p class="error" id="error">${escapeHtml(error)}</p>\n` : ''}<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Username <input type="text" name="username" autocomplete="username" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
</body></html>
`;
}

// Create and save a Grant covering everything the authorization request asked for.
async function grantEverything(details, accountId) {
  const { params } = details;
  let grant;
  if (details.grantId) {
    grant = await provider.Grant.find(details.grantId);
    if (grant && grant.accountId !== accountId) grant = undefined;
  }
  if (!grant) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  if (params.scope) grant.addOIDCScope(params.scope);
  const missing = details.prompt?.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (params.claims) {
    try {
      const claims = JSON.parse(params.claims);
      const names = new Set([
        ...Object.keys(claims.id_token ?? {}),
        ...Object.keys(claims.userinfo ?? {}),
      ]);
      if (names.size) grant.addOIDCClaims([...names]);
    } catch { /* ignore malformed claims parameter */ }
  }
  return grant.save();
}

async function handleInteraction(req, res, pathname) {
  const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(pathname);
  if (!m) return sendJson(res, 404, { error: 'not_found' });
  const [, uid, login] = m;

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return sendHtml(res, 400, `<!DOCTYPE html><p>${escapeHtml(err.message)}</p>\n`);
  }

  if (!login) {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
    if (details.prompt.name === 'consent') {
      // Automatic consent: no page, grant everything requested and resume.
      const grantId = await grantEverything(details, details.session.accountId);
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return sendHtml(res, 200, loginPage(uid));
  }

  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
  const form = new URLSearchParams(await readBody(req));
  const user = usersByName.get(form.get('username') ?? '');
  if (!user || user.password !== form.get('password')) {
    return sendHtml(res, 200, loginPage(uid, 'Invalid username or password.'));
  }
  if (user.disabled) {
    return sendHtml(res, 200, loginPage(uid, 'This account is disabled.'));
  }
  // Login and (automatic) consent in one go: the resume goes straight to the callback.
  const grantId = await grantEverything(details, user.id);
  return provider.interactionFinished(req, res, {
    login: { accountId: user.id },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function handleControl(req, res, pathname) {
  if (pathname === '/__test/health') return sendJson(res, 200, { ok: true });
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });

  const um = /^\/__test\/users\/([^/]+)\/(disable|enable)$/.exec(pathname);
  if (um) {
    const username = decodeURIComponent(um[1]);
    const user = usersByName.get(username);
    if (!user) return sendJson(res, 404, { error: 'unknown_user', username });
    user.disabled = um[2] === 'disable';
    if (user.disabled) destroySessionsOf(user.id);
    log(`user ${username} ${um[2]}d`);
    return sendJson(res, 200, { ok: true, username, disabled: user.disabled });
  }

  if (pathname === '/__test/rotate') {
    const fresh = await newSigningKey();
    signingKeys = [fresh, signingKeys[0]];
    installProvider();
    log(`rotated signing key, new kid ${fresh.kid}`);
    return sendJson(res, 200, { kid: fresh.kid });
  }

  if (pathname === '/__test/tamper') {
    let mode;
    try {
      ({ mode } = JSON.parse((await readBody(req)) || '{}'));
    } catch {
      return sendJson(res, 400, { error: 'invalid_json' });
    }
    if (!TAMPER_MODES.has(mode)) {
      return sendJson(res, 400, { error: 'invalid_mode', modes: [...TAMPER_MODES] });
    }
    if (mode === 'replay' && !lastGenuineIdToken) {
      return sendJson(res, 409, { error: 'no_previous_id_token' });
    }
    pendingTamper = mode;
    return sendJson(res, 200, { ok: true, mode });
  }

  return sendJson(res, 404, { error: 'not_found' });
}

// oidc-provider drops offline_access unless prompt contains "consent" (OIDC Core 11).
// Consent is automatic here, so add prompt=consent to such authorization requests.
function addConsentPromptForOfflineAccess(req, url) {
  const scope = url.searchParams.get('scope');
  if (!scope || !scope.split(' ').includes('offline_access')) return;
  const prompt = (url.searchParams.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompt.includes('consent') || prompt.includes('none')) return;
  prompt.push('consent');
  url.searchParams.set('prompt', prompt.join(' '));
  req.url = `${url.pathname}${url.search}`;
}

// oidc-provider scopes its `_interaction` / `_interaction_resume` cookies to
// /interaction/<uid> and /auth/<uid>, and reads them (not the URL) to find the
// interaction. A client that ignores cookie paths may send several values of the
// same name after more than one sign-in; keep only the one matching the URL uid.
function pinCookie(req, name, uid) {
  const header = req.headers.cookie;
  if (!header) return;
  const parts = header.split(/;\s*/).filter(Boolean);
  const isName = (part) => part.slice(0, part.indexOf('=')) === name;
  const matching = parts.filter((part) => isName(part));
  if (matching.length < 2 || !matching.includes(`${name}=${uid}`)) return;
  req.headers.cookie = parts.filter((part) => !isName(part) || part === `${name}=${uid}`).join('; ');
}

async function handler(req, res) {
  let url;
  try {
    url = new URL(req.url, issuer);
  } catch {
    return sendJson(res, 400, { error: 'bad_url' });
  }
  const { pathname } = url;
  try {
    if (pathname.startsWith('/__test/')) return await handleControl(req, res, pathname);
    if (pathname.startsWith('/interaction/')) {
      pinCookie(req, '_interaction', pathname.split('/')[2]);
      return await handleInteraction(req, res, pathname);
    }
    if (pathname.startsWith('/auth/')) pinCookie(req, '_interaction_resume', pathname.split('/')[2]);
    if (req.method === 'GET' && pathname === '/auth') addConsentPromptForOfflineAccess(req, url);
    return await providerCallback(req, res);
  } catch (err) {
    log('handler error', err);
    if (!res.headersSent) return sendJson(res, 500, { error: 'server_error', message: err.message });
    res.destroy();
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// start: bind first, then build the provider with the resulting issuer
const server = https.createServer({
  cert: fs.readFileSync(args.cert),
  key: fs.readFileSync(args.key),
}, (req, res) => { handler(req, res); });

function shutdown(code = 0) {
  server.close();
  server.closeAllConnections?.();
  process.exit(code);
}

server.on('error', (err) => {
  console.error('server error:', err.message);
  process.exit(1);
});

server.listen(args.port, '127.0.0.1', async () => {
  try {
    const { port } = server.address();
    issuer = `https://127.0.0.1:${port}`;
    signingKeys = [await newSigningKey()];
    installProvider();
    process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  } catch (err) {
    console.error('startup failed:', err);
    process.exit(1);
  }
});

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
process.stdin.on('end', () => shutdown(0));
process.stdin.on('close', () => shutdown(0));
process.stdin.on('error', () => shutdown(0));
process.stdin.resume();
