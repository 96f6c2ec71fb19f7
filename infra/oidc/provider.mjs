// The development OpenID Connect provider: node-oidc-provider (OpenID Certified, MIT) with the demo
// people of users.json. Authorization code + PKCE; ID and access tokens signed with RS256 and
// carrying `roles`, `gemeenten` and `org`. A deployment uses its own provider instead (Keycloak,
// Entra ID, a gemeente's IdP) and points WEGWIJS_OIDC_ISSUER at it; this one runs in development
// and in the tests only, and refuses to start anywhere else.
//
//   node infra/oidc/provider.mjs               serve on the issuer's port, on its host (or on
//                                               WEGWIJS_OIDC_LISTEN, e.g. 0.0.0.0 in a container)
//   node infra/oidc/provider.mjs --rotate-keys  put a new signing key in front of the key file,
//                                               keeping the old ones to check tokens already out
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const env = process.env;
const ISSUER = env.WEGWIJS_OIDC_ISSUER || 'http://127.0.0.1:8090';
const AUDIENCE = env.WEGWIJS_JWT_AUDIENCE || 'wegwijs';
const RESOURCE = 'urn:wegwijs:api'; // the API's resource indicator (RFC 8707); its tokens' `aud` is AUDIENCE
const WERKPLEK = env.WEGWIJS_WERKPLEK_URL || 'http://127.0.0.1:8080';
const CLIENT_SECRET = env.WEGWIJS_OIDC_CLIENT_SECRET || '';
const KEYS_FILE = env.WEGWIJS_OIDC_KEYS_FILE || join(ROOT, '.run', 'oidc-keys.json');
const TOKEN_SECONDS = Number(env.WEGWIJS_OIDC_ACCESS_TOKEN_SECONDS || 900);
const KEEP_KEYS = 3; // the signing key and the two before it, for tokens still out
const { password: PASSWORD_HASH, users: USERS } = JSON.parse(
  readFileSync(join(HERE, 'users.json'), 'utf8'),
);

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

function writeKeys(keys) {
  mkdirSync(dirname(KEYS_FILE), { recursive: true });
  const temporary = `${KEYS_FILE}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ keys }), { mode: 0o600 });
  renameSync(temporary, KEYS_FILE);
}

function loadKeys() {
  if (!existsSync(KEYS_FILE)) writeKeys([newKey()]);
  return JSON.parse(readFileSync(KEYS_FILE, 'utf8')).keys;
}

function passwordMatches(given) {
  const [, salt, hash] = PASSWORD_HASH.split('$');
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(String(given), salt, expected.length);
  return timingSafeEqual(actual, expected);
}

function accountBySub(sub) {
  return Object.values(USERS).find((user) => user.sub === sub);
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(title)} - Wegwijs</title>
  <link rel="stylesheet" href="/assets/utrecht.css">
  <link rel="stylesheet" href="/assets/theme.css">
  <style>main { max-inline-size: 32rem; margin: 3rem auto; padding: 0 1rem; }
    .utrecht-form-field { margin-block-end: 1.5rem; }</style>
</head>
<body class="voorbeeld-theme utrecht-document utrecht-document--surface">
  <main class="utrecht-page-content" id="main">
${body}
  </main>
</body>
</html>`;
}

function loginPage(uid, { login = '', error = '' } = {}) {
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const message = error
    ? `<p class="utrecht-form-field-error-message" id="login-error">${escape(error)}</p>`
    : '';
  return page('Inloggen', `
    <h1 class="utrecht-heading-1">Inloggen bij Wegwijs</h1>
    <p class="utrecht-paragraph">Log in met uw gebruikersnaam en wachtwoord.</p>
    <form class="utrecht-form" method="post" action="/interaction/${escape(uid)}/login" novalidate>
      <div class="utrecht-form-field utrecht-form-field--text">
        <label class="utrecht-form-label" for="login">Gebruikersnaam</label>
        ${message}
        <input class="utrecht-textbox utrecht-textbox--html-input" id="login" name="login"
          type="text" autocomplete="username" required value="${escape(login)}"${invalid}>
      </div>
      <div class="utrecht-form-field utrecht-form-field--text">
        <label class="utrecht-form-label" for="password">Wachtwoord</label>
        <input class="utrecht-textbox utrecht-textbox--html-input" id="password" name="password"
          type="password" autocomplete="current-password" required${invalid}>
      </div>
      <button class="utrecht-button utrecht-button--primary-action" type="submit">Inloggen</button>
    </form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new errors.InvalidRequest('the form is too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

function configuration(keys) {
  return {
    clients: [{
      client_id: 'werkplek',
      client_name: 'Wegwijs Werkplek',
      client_secret: CLIENT_SECRET,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${WERKPLEK}/auth/callback`],
      post_logout_redirect_uris: [`${WERKPLEK}/uitgelogd`],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'wegwijs'],
    claims: { openid: ['sub'], profile: ['name'], wegwijs: ['roles', 'gemeenten', 'org'] },
    conformIdTokenClaims: false,
    // The Werkplek keeps its people's sessions going past an access token's 15 minutes.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: TOKEN_SECONDS,
      AuthorizationCode: 60,
      IdToken: TOKEN_SECONDS,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      RefreshToken: 8 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource) => {
          if (resource !== RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: 'wegwijs',
            audience: AUDIENCE,
            accessTokenTTL: TOKEN_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // The person chose "Uitloggen" in the Werkplek already: no second question.
        logoutSource: async (ctx, form) => {
          ctx.body = page('Uitloggen', `
    <h1 class="utrecht-heading-1">Uitloggen</h1>
    ${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
    <p class="utrecht-paragraph">U wordt uitgelogd.</p>
    <button class="utrecht-button utrecht-button--primary-action" type="submit"
      form="op.logoutForm">Uitloggen</button>
    <script src="/assets/submit-logout.js"></script>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Uitgelogd', `
    <h1 class="utrecht-heading-1">U bent uitgelogd</h1>
    <p class="utrecht-paragraph"><a class="utrecht-link" href="${escape(WERKPLEK)}">Opnieuw inloggen</a></p>`);
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      const user = accountBySub(token.accountId);
      return user && { name: user.name, roles: user.roles, gemeenten: user.gemeenten, org: user.org };
    },
    findAccount: async (ctx, sub) => {
      const user = accountBySub(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub, name: user.name, roles: user.roles, gemeenten: user.gemeenten, org: user.org,
        }),
      };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Er ging iets mis', `
    <h1 class="utrecht-heading-1">Inloggen lukt nu niet</h1>
    <p class="utrecht-paragraph">${escape(out.error_description || out.error)}</p>
    <p class="utrecht-paragraph"><a class="utrecht-link" href="${escape(WERKPLEK)}">Terug naar Wegwijs</a></p>`);
    },
  };
}

const ASSETS = {
  '/assets/utrecht.css': ['text/css', 'node_modules/@utrecht/component-library-css/dist/index.css'],
  '/assets/theme.css': ['text/css', 'node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css'],
  '/assets/submit-logout.js': ['text/javascript', null],
};
const SUBMIT_LOGOUT = "document.getElementById('op.logoutForm').submit();\n";

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new errors.SessionNotFound('interaction session not found');
  const { prompt, params } = details;
  if (prompt.name === 'consent') {
    // The Werkplek is the platform's own application: its people are not asked to consent.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scope] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(resource, scope.join(' '));
    }
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
  }
  if (action !== 'login' || req.method !== 'POST') return send(res, 200, loginPage(uid));
  const form = await readForm(req);
  const login = (form.get('login') || '').trim().toLowerCase();
  const user = Object.hasOwn(USERS, login) ? USERS[login] : undefined;
  if (!user || !passwordMatches(form.get('password') || '')) {
    return send(res, 200, loginPage(uid, {
      login, error: 'De gebruikersnaam of het wachtwoord klopt niet. Probeer het opnieuw.',
    }));
  }
  return provider.interactionFinished(
    req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false },
  );
}

function serve() {
  if ((env.WEGWIJS_ENVIRONMENT || 'development') !== 'development') {
    console.error('oidc: this provider holds demo people and runs in development only;'
      + ' point WEGWIJS_OIDC_ISSUER at your own provider');
    process.exit(2);
  }
  if (CLIENT_SECRET.length < 32) {
    console.error('oidc: WEGWIJS_OIDC_CLIENT_SECRET must be at least 32 characters');
    process.exit(2);
  }
  const provider = new Provider(ISSUER, configuration(loadKeys()));
  const callback = provider.callback();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, ISSUER);
    const asset = ASSETS[url.pathname];
    if (asset) {
      res.writeHead(200, { 'content-type': asset[0], 'cache-control': 'max-age=3600' });
      return res.end(asset[1] ? readFileSync(join(ROOT, asset[1])) : SUBMIT_LOGOUT);
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (!match) return callback(req, res);
    try {
      return await interaction(provider, req, res, match[1], match[2]);
    } catch (err) {
      const expired = err instanceof errors.SessionNotFound;
      return send(res, expired ? 400 : 500, page('Er ging iets mis', `
    <h1 class="utrecht-heading-1">${expired ? 'Uw inlogpoging is verlopen' : 'Er ging iets mis'}</h1>
    <p class="utrecht-paragraph"><a class="utrecht-link" href="${escape(WERKPLEK)}">Begin opnieuw</a></p>`));
    }
  });
  const { hostname, port } = new URL(ISSUER);
  server.listen(Number(port || 80), env.WEGWIJS_OIDC_LISTEN || hostname, () => {
    console.log(`oidc: issuer ${ISSUER} (discovery at ${ISSUER}/.well-known/openid-configuration)`);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
}

if (process.argv.includes('--rotate-keys')) {
  const keys = [newKey(), ...loadKeys()].slice(0, KEEP_KEYS);
  writeKeys(keys);
  console.log(`oidc: new signing key ${keys[0].kid}; ${keys.length - 1} earlier key(s) kept to check tokens`);
} else {
  serve();
}
