// The exporter behind `betterauth config export`. The Go binary embeds this
// file, writes it to a temporary directory and runs it with the machine's
// node, in the app's directory (with the app's tsx registered, or its jiti
// used, for TypeScript). It loads the app's auth module with the app's own
// installed better-auth, asks Better Auth itself how the options resolve
// (getAuthTables from better-auth/db, and `await auth.$context`), and
// writes a JSON document that never holds a secret. Options it does not
// understand become warnings that name the option, never its value.
//
// argv[2] is a JSON object: {appDir, authFile (absolute), out (absolute),
// loader: "tsx" | "jiti" | "node"}.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const FORMAT = "betterauth-go.config";
const FORMAT_VERSION = 1;

const args = JSON.parse(process.argv[2]);
const warnings = [];
const warn = (msg) => warnings.push(msg);
const appRequire = createRequire(path.join(args.appDir, "package.json"));

// redact keeps credentials of the environment and of URLs out of a message.
function redact(message) {
	let out = String(message).replace(/\/\/[^/@\s]*@/g, "//…@");
	for (const k of ["BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "DATABASE_URL", "REDIS_URL"]) {
		const v = process.env[k];
		if (v && v.length >= 6) out = out.split(v).join("…");
	}
	return out.slice(0, 500);
}

function fail(message) {
	process.stderr.write(`betterauth config export: ${message}\n`);
	process.exit(3);
}

function appImport(specifier) {
	let resolved;
	try {
		resolved = appRequire.resolve(specifier);
	} catch {
		fail(`cannot resolve ${specifier} from ${args.appDir}: is it installed there (npm install)?`);
	}
	return import(pathToFileURL(resolved).href);
}

// tsconfig.json's compilerOptions.paths as jiti aliases ("@/" → dir/src/).
function tsconfigAliases(dir) {
	const file = path.join(dir, "tsconfig.json");
	if (!fs.existsSync(file)) return {};
	const text = fs.readFileSync(file, "utf8");
	let config;
	try {
		config = JSON.parse(stripJSONComments(text));
	} catch {
		warn("tsconfig.json could not be parsed; path aliases are not applied");
		return {};
	}
	const opts = config.compilerOptions || {};
	const base = path.join(dir, opts.baseUrl || ".");
	const out = {};
	for (const [alias, targets] of Object.entries(opts.paths || {})) {
		if (!Array.isArray(targets) || targets.length === 0) continue;
		const from = alias.endsWith("*") ? alias.slice(0, -1) : alias;
		const to = targets[0].endsWith("*") ? targets[0].slice(0, -1) : targets[0];
		out[from] = path.join(base, to) + (to.endsWith("/") ? "/" : "");
	}
	return out;
}

// Removes // and /* */ comments outside strings, and trailing commas.
function stripJSONComments(text) {
	let out = "";
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j;
		} else if (c === "/" && text[i + 1] === "/") {
			while (i < text.length && text[i] !== "\n") i++;
			out += "\n";
		} else if (c === "/" && text[i + 1] === "*") {
			i += 2;
			while (i < text.length && !(text[i] === "*" && text[i + 1] === "/")) i++;
			i++;
		} else out += c;
	}
	return out.replace(/,(\s*[}\]])/g, "$1");
}

async function loadAuthModule() {
	const url = pathToFileURL(args.authFile).href;
	if (args.loader === "jiti") {
		const jitiModule = await appImport("jiti");
		const createJiti = jitiModule.createJiti || jitiModule.default?.createJiti;
		if (typeof createJiti !== "function") fail("the app's jiti is older than 2.0 (no createJiti): upgrade it, or add tsx (npm i -D tsx)");
		const jiti = createJiti(pathToFileURL(path.join(args.appDir, "/")).href, {
			alias: tsconfigAliases(args.appDir),
			interopDefault: true,
		});
		return jiti.import(args.authFile);
	}
	return import(url);
}

const isInstance = (v) => v && typeof v === "object" && "$context" in v && "options" in v;

async function findAuth(mod) {
	const candidates = [mod?.auth, mod?.default, mod?.default?.auth, mod?.default?.default];
	for (const c of candidates) if (isInstance(c)) return c;
	// An options object: build the instance with the app's better-auth.
	for (const c of [mod?.options, mod?.authOptions, mod?.default?.options, mod?.default]) {
		if (c && typeof c === "object" && !isInstance(c) && ("database" in c || "plugins" in c || "emailAndPassword" in c || "secondaryStorage" in c)) {
			const { betterAuth } = await appImport("better-auth");
			return betterAuth(c);
		}
	}
	const names = Object.keys(mod || {}).join(", ") || "none";
	fail(`${path.relative(args.appDir, args.authFile)} exports no Better Auth instance: export it as \`auth\` or as the default export (exports found: ${names})`);
}

const isFunction = (v) => typeof v === "function";

// jsonSafe keeps JSON values; functions are dropped (the caller warns).
function jsonSafe(v) {
	if (v === undefined || isFunction(v)) return undefined;
	if (v === null || typeof v === "string" || typeof v === "boolean") return v;
	if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
	if (typeof v === "bigint") return v.toString();
	if (v instanceof Date) return v.toISOString();
	if (v instanceof RegExp) return v.source;
	if (Array.isArray(v)) return v.map(jsonSafe).filter((x) => x !== undefined);
	if (typeof v === "object") {
		const out = {};
		for (const [k, x] of Object.entries(v)) {
			const s = jsonSafe(x);
			if (s !== undefined) out[k] = s;
		}
		return out;
	}
	return undefined;
}

// pick copies the keys a spec names from obj and warns about the rest.
// A spec entry is true (copy the JSON value), a nested spec (an object),
// a function (convert: (value, path) => result), or null (known, shown
// elsewhere in the document, e.g. schema renames in "tables").
function pick(obj, spec, where) {
	if (obj === undefined || obj === null) return undefined;
	if (typeof obj !== "object") {
		warn(`${where} is not an object; ignored`);
		return undefined;
	}
	const out = {};
	for (const [key, value] of Object.entries(obj)) {
		const p = `${where}.${key}`;
		if (!(key in spec)) {
			if (value !== undefined) warn(`${p} is not used by the Go side`);
			continue;
		}
		const s = spec[key];
		if (s === null || value === undefined) continue;
		if (isFunction(s)) {
			const r = s(value, p);
			if (r !== undefined) out[key] = r;
			continue;
		}
		if (isFunction(value)) {
			warn(`${p} is a function, which only Better Auth can run`);
			continue;
		}
		if (s === true) {
			const v = jsonSafe(value);
			if (v !== undefined) out[key] = v;
			continue;
		}
		const v = pick(value, s, p);
		if (v !== undefined) out[key] = v;
	}
	return out;
}

const presence = (value) => (value ? true : undefined);
const callback = (what) => (value, p) => {
	if (value) warn(`${p} is set: ${what}`);
	return undefined;
};
const statementsOf = (roles, p) => {
	if (!roles || typeof roles !== "object") return undefined;
	const out = {};
	for (const [name, role] of Object.entries(roles)) {
		const statements = role?.statements;
		if (statements && typeof statements === "object") out[name] = jsonSafe(statements);
		else warn(`${p}.${name} has no statements the Go side can read`);
	}
	return out;
};
const stringList = (value) => (typeof value === "string" ? value.split(",") : jsonSafe(value));

// The options each known plugin exposes to the Go side. Anything else in a
// plugin's options is a warning.
const pluginSpecs = {
	// Its providers are in the document's oauthProviders (no secrets).
	"generic-oauth": { config: null },
	admin: {
		defaultRole: true,
		adminRoles: stringList,
		adminUserIds: stringList,
		roles: statementsOf,
		ac: null,
		impersonationSessionDuration: true,
		defaultBanReason: true,
		defaultBanExpiresIn: true,
		bannedUserMessage: (v, p) => (typeof v === "string" ? v : (warn(`${p} is a function, which only Better Auth can run`), undefined)),
		schema: null,
	},
	organization: {
		teams: { enabled: true, maximumTeams: true, allowRemovingAllTeams: true, defaultTeam: { enabled: true } },
		roles: statementsOf,
		ac: (ac, p) => {
			if (ac?.statements && typeof ac.statements === "object") return jsonSafe(ac.statements);
			warn(`${p} has no statements the Go side can read`);
			return undefined;
		},
		creatorRole: true,
		membershipLimit: true,
		organizationLimit: true,
		invitationExpiresIn: true,
		invitationLimit: true,
		allowUserToCreateOrganization: true,
		requireEmailVerificationOnInvitation: true,
		cancelPendingInvitationsOnReInvite: true,
		dynamicAccessControl: { enabled: true, maximumRolesPerOrganization: true },
		sendInvitationEmail: callback("the app sends invitation emails"),
		schema: null,
	},
	"two-factor": {
		issuer: true,
		skipVerificationOnEnable: true,
		twoFactorCookieMaxAge: true,
		trustDeviceMaxAge: true,
		totpOptions: { digits: true, period: true, disable: true, backupCodes: null },
		otpOptions: { period: true, digits: true, allowedAttempts: true, storeOTP: (v, p) => (typeof v === "string" ? v : (warn(`${p} is a custom encryption only Better Auth can run`), "custom")), sendOTP: callback("the app sends one-time codes") },
		backupCodeOptions: { amount: true, length: true, storeBackupCodes: (v, p) => (typeof v === "string" ? v : (warn(`${p} is a custom encryption only Better Auth can run`), "custom")) },
		schema: null,
	},
	bearer: { requireSignature: true },
	jwt: {
		jwks: { keyPairConfig: { alg: true, crv: true, modulusLength: true }, disablePrivateKeyEncryption: true, remoteUrl: true, jwksPath: true, rotationInterval: true, gracePeriod: true },
		jwt: {
			issuer: true,
			audience: (v) => (typeof v === "string" ? [v] : jsonSafe(v)),
			expirationTime: (v) => (typeof v === "number" ? String(v) : jsonSafe(v)),
			definePayload: callback("the app shapes the JWT payload"),
			getSubject: callback("the app chooses the JWT subject"),
		},
		disableSettingJwtHeader: true,
		schema: null,
	},
	"api-key": {
		apiKeyHeaders: (v) => (typeof v === "string" ? [v] : jsonSafe(v)),
		defaultPrefix: true,
		defaultKeyLength: true,
		enableMetadata: true,
		disableKeyHashing: true,
		enableSessionForAPIKeys: true,
		schema: null,
	},
	username: {
		minUsernameLength: true,
		maxUsernameLength: true,
		usernameValidator: callback("only Better Auth applies it"),
		displayUsernameValidator: callback("only Better Auth applies it"),
		usernameNormalization: callback("only Better Auth applies it"),
		displayUsernameNormalization: callback("only Better Auth applies it"),
		schema: null,
	},
};

function exportPlugins(plugins) {
	const out = [];
	for (const plugin of plugins || []) {
		const id = plugin?.id;
		if (typeof id !== "string") {
			warn("a plugin has no id");
			continue;
		}
		const entry = { id };
		if (typeof plugin.version === "string") entry.version = plugin.version;
		const spec = pluginSpecs[id];
		if (spec) {
			const opts = pick(plugin.options || {}, spec, `plugins.${id}`);
			if (opts && Object.keys(opts).length) entry.options = opts;
		} else {
			warn(`plugin ${id} is not known to the Go side`);
		}
		out.push(entry);
	}
	return out;
}

// The field attributes Better Auth's schema functions define. Functions
// among them (defaultValue, onUpdate, validators, transforms) are marked.
const fieldKeys = new Set(["type", "required", "unique", "index", "sortable", "bigint", "input", "returned", "references", "defaultValue", "onUpdate", "fieldName", "validator", "transform"]);

function exportTables(tables, usePlural) {
	const out = [];
	for (const [model, table] of Object.entries(tables)) {
		const modelName = table.modelName || model;
		const t = { model, modelName, tableName: usePlural ? `${modelName}s` : modelName };
		if (table.disableMigrations) t.disableMigrations = true;
		t.fields = [];
		for (const [name, f] of Object.entries(table.fields || {})) {
			const field = { name, fieldName: f.fieldName || name };
			if (Array.isArray(f.type)) {
				field.type = "string";
				field.enum = f.type.map(String);
			} else field.type = f.type;
			field.required = f.required !== false;
			if (f.required === true) field.inputRequired = true;
			for (const k of ["unique", "index", "sortable", "bigint"]) if (f[k]) field[k] = true;
			field.input = f.input !== false;
			field.returned = f.returned !== false;
			if (f.references) {
				field.references = { model: f.references.model, field: f.references.field || "id", onDelete: f.references.onDelete || "cascade" };
			}
			if (isFunction(f.defaultValue)) field.defaultIsFunction = true;
			else if (f.defaultValue !== undefined) {
				const v = jsonSafe(f.defaultValue);
				if (v !== undefined) field.defaultValue = v;
			}
			if (f.validator) field.hasValidator = true;
			if (f.transform) field.hasTransform = true;
			for (const k of Object.keys(f)) if (!fieldKeys.has(k) && f[k] !== undefined) warn(`tables.${model}.fields.${name}.${k} is not used by the Go side`);
			t.fields.push(field);
		}
		out.push(t);
	}
	return out;
}

function storeIdentifierOf(v, p) {
	const one = (o, q) => {
		if (o === "plain" || o === "hashed") return o;
		if (o && typeof o === "object" && isFunction(o.hash)) {
			warn(`${q} is a custom hash, which only Better Auth can run`);
			return "custom";
		}
		warn(`${q} is not plain or hashed`);
		return "custom";
	};
	if (v === undefined) return { default: "plain" };
	if (v && typeof v === "object" && "default" in v) {
		const out = { default: one(v.default, `${p}.default`) };
		const overrides = Object.entries(v.overrides || {}).map(([prefix, o]) => ({ prefix, option: one(o, `${p}.overrides`) }));
		if (overrides.length) out.overrides = overrides;
		return out;
	}
	return { default: one(v, p) };
}

// Strings that must never reach the document: the auth secrets, client
// secrets, database URLs and passwords. Checked on the final text.
function secretsOf(raw, ctx) {
	const found = new Set();
	const add = (v) => {
		if (typeof v === "string" && v.length >= 6) found.add(v);
	};
	add(ctx.secret);
	add(raw.secret);
	for (const s of raw.secrets || []) add(s?.value);
	for (const k of ["BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_SECRET", "DATABASE_URL", "REDIS_URL"]) add(process.env[k]);
	for (const p of Object.values(raw.socialProviders || {})) {
		if (p && typeof p === "object") {
			add(p.clientSecret);
			add(p.privateKey);
		}
	}
	for (const c of genericOAuthConfigs(raw)) add(c.clientSecret);
	// The database handle (a pg or mysql2 pool, a Kysely instance, an
	// adapter) keeps its credentials somewhere inside: collect every string
	// under a credential-like key, a few levels deep.
	const seen = new Set();
	const credential = /pass|secret|connection|uri|url|dsn|token|key/i;
	const walk = (v, depth) => {
		if (!v || typeof v !== "object" || seen.has(v) || depth > 5) return;
		seen.add(v);
		let entries;
		try {
			entries = Object.entries(v);
		} catch {
			return;
		}
		for (const [k, x] of entries) {
			if (typeof x === "string" && credential.test(k)) add(x);
			else if (x && typeof x === "object") walk(x, depth + 1);
		}
	};
	walk(raw.database, 0);
	walk(raw.secondaryStorage, 0);
	return [...found];
}

// The generic-oauth plugin's provider configs.
function genericOAuthConfigs(raw) {
	const out = [];
	for (const plugin of raw.plugins || []) {
		if (plugin?.id !== "generic-oauth" || !Array.isArray(plugin.options?.config)) continue;
		for (const c of plugin.options.config) if (c && typeof c === "object" && typeof c.providerId === "string") out.push(c);
	}
	return out;
}

// What refreshing a provider's tokens needs, never its client secret: the
// social providers' client ids (and gitlab's issuer, microsoft's tenant
// and authority), the generic-oauth providers' client ids, token URLs
// (read from the discovery document when only discoveryUrl is given) and
// client authentication.
async function exportOAuthProviders(raw) {
	const str = (v) => (typeof v === "string" && v ? v : undefined);
	const clientIdOf = (v) => str(v) ?? (Array.isArray(v) ? str(v[0]) : undefined);
	const out = [];
	for (const [id, p] of Object.entries(raw.socialProviders || {})) {
		if (!p || typeof p !== "object" || p.enabled === false) continue;
		out.push({ id, type: "social", clientId: clientIdOf(p.clientId), issuer: id === "gitlab" ? str(p.issuer) : undefined,
			tenantId: id === "microsoft" ? str(p.tenantId) : undefined, authority: id === "microsoft" ? str(p.authority) : undefined });
		if (isFunction(p.refreshAccessToken)) warn(`socialProviders.${id}.refreshAccessToken is a function, which only Better Auth can run: the Go side refreshes at the provider's token endpoint`);
	}
	for (const c of genericOAuthConfigs(raw)) {
		let tokenUrl = str(c.tokenUrl);
		if (!tokenUrl && str(c.discoveryUrl)) {
			try {
				const res = await fetch(c.discoveryUrl, { signal: AbortSignal.timeout(5000), headers: { accept: "application/json" } });
				if (res.ok) tokenUrl = str((await res.json())?.token_endpoint);
			} catch {}
			if (!tokenUrl) warn(`plugins.generic-oauth.config (${c.providerId}): its discoveryUrl gave no token_endpoint at export; the Go side cannot refresh its tokens`);
		}
		if (c.tokenEndpointAuth) warn(`plugins.generic-oauth.config (${c.providerId}).tokenEndpointAuth is not followed by the Go side`);
		if (c.refreshTokenParams || c.authorizationHeaders) warn(`plugins.generic-oauth.config (${c.providerId}): refreshTokenParams and authorizationHeaders are not followed by the Go side`);
		out.push({ id: c.providerId, type: "generic", clientId: clientIdOf(c.clientId), tokenUrl, discoveryUrl: str(c.discoveryUrl),
			authentication: c.authentication === "basic" ? "basic" : undefined,
			accessTokenExpiresIn: typeof c.accessTokenExpiresIn === "number" && c.accessTokenExpiresIn > 0 ? c.accessTokenExpiresIn : undefined });
	}
	return out;
}

const topLevel = {
	appName: null,
	baseURL: null,
	basePath: null,
	secret: null,
	secrets: null,
	database: null,
	secondaryStorage: null,
	emailAndPassword: null,
	emailVerification: null,
	socialProviders: null,
	plugins: null,
	user: null,
	session: null,
	account: null,
	verification: null,
	trustedOrigins: null,
	rateLimit: null,
	advanced: null,
	logger: null,
	telemetry: null,
	databaseHooks: callback("only Better Auth runs them: users, sessions and accounts the Go side writes skip them"),
	hooks: callback("only Better Auth runs them"),
	onAPIError: null,
	disabledPaths: (v, p) => {
		if (Array.isArray(v) && v.length) warn(`${p} is set: the Go side still serves its own routes`);
		return undefined;
	},
};

async function main() {
	const mod = await loadAuthModule();
	const auth = await findAuth(mod);
	const raw = auth.options;
	const ctx = await auth.$context;
	const { getAuthTables } = await appImport("better-auth/db");
	const usePlural = !!ctx.adapter?.options?.adapterConfig?.usePlural;

	pick(raw, topLevel, "options");
	const advanced = pick(raw.advanced || {}, {
		cookiePrefix: true,
		useSecureCookies: true,
		crossSubDomainCookies: { enabled: true, domain: true, additionalCookies: null },
		cookies: null,
		defaultCookieAttributes: true,
		database: { generateId: null, defaultFindManyLimit: null },
		generateId: null,
		ipAddress: callback("pass --trusted-proxies to serve for the same client addresses"),
		disableCSRFCheck: callback("the Go side keeps its CSRF and origin checks"),
		disableOriginCheck: callback("the Go side keeps its origin check"),
		trustedProxyHeaders: null,
		backgroundTasks: null,
	}, "options.advanced");
	void advanced;
	const adv = raw.advanced || {};
	const cookieNames = {};
	for (const [name, c] of Object.entries(adv.cookies || {})) {
		if (name !== "session_token" && name !== "session_data") warn(`options.advanced.cookies.${name} is not used by the Go side`);
		if (c?.attributes) warn(`options.advanced.cookies.${name}.attributes: the Go side writes Better Auth's default attributes`);
		if (c?.name) cookieNames[name] = c.name;
	}
	let generateId = adv.database?.generateId ?? adv.generateId;
	if (isFunction(generateId)) generateId = "function";
	else if (generateId === false) generateId = "false";
	else if (generateId === undefined) generateId = "";

	const sessionRaw = raw.session || {};
	pick(sessionRaw, {
		modelName: null, fields: null, additionalFields: null,
		expiresIn: null, updateAge: null, freshAge: null, disableSessionRefresh: null,
		storeSessionInDatabase: null, preserveSessionInDatabase: null, cookieCache: null,
		deferSessionRefresh: null,
	}, "options.session");
	const cookieCache = ctx.options.session?.cookieCache || {};
	pick(cookieCache, { enabled: null, strategy: null, maxAge: null, version: null, refreshCache: null }, "options.session.cookieCache");
	if (isFunction(cookieCache.version)) warn("options.session.cookieCache.version is a function, which only Better Auth can run");

	const verRaw = raw.verification || {};
	pick(verRaw, { modelName: null, fields: null, additionalFields: null, disableCleanup: null, storeIdentifier: null, storeInDatabase: null }, "options.verification");

	const ep = raw.emailAndPassword || {};
	pick(ep, {
		enabled: null, disableSignUp: null, requireEmailVerification: null, minPasswordLength: null, maxPasswordLength: null,
		sendResetPassword: null, resetPasswordTokenExpiresIn: null, password: null, autoSignIn: null,
		revokeSessionsOnPasswordReset: null, onPasswordReset: callback("only Better Auth runs it after a reset"),
		onExistingUserSignUp: callback("only Better Auth runs it"), customSyntheticUser: callback("only Better Auth runs it"),
	}, "options.emailAndPassword");
	const customHash = !!(ep.password && (ep.password.hash || ep.password.verify));
	if (customHash) warn("options.emailAndPassword.password.hash/verify are the app's own: passwords the Go side hashes (scrypt) will not verify in Better Auth, nor the app's in Go");

	const ev = raw.emailVerification || {};
	pick(ev, { sendOnSignUp: null, sendOnSignIn: null, autoSignInAfterVerification: null, expiresIn: null, sendVerificationEmail: null, afterEmailVerification: callback("only Better Auth runs it"), beforeEmailVerification: callback("only Better Auth runs it") }, "options.emailVerification");

	pick(raw.user || {}, { modelName: null, fields: null, additionalFields: null, changeEmail: null, deleteUser: null }, "options.user");
	pick(raw.account || {}, { modelName: null, fields: null, additionalFields: null, encryptOAuthTokens: null, accountLinking: null, storeStateStrategy: null, storeAccountCookie: null, skipStateCookieCheck: null, updateAccountOnSignIn: null }, "options.account");
	const changeEmail = raw.user?.changeEmail || {};
	pick(changeEmail, { enabled: null, updateEmailWithoutVerification: null, sendChangeEmailConfirmation: null }, "options.user.changeEmail");
	const deleteUserRaw = raw.user?.deleteUser || {};
	pick(deleteUserRaw, {
		enabled: null, sendDeleteAccountVerification: null, deleteTokenExpiresIn: null,
		beforeDelete: callback("only Better Auth runs it; serve's delete-user does not"),
		afterDelete: callback("only Better Auth runs it; serve's delete-user does not"),
	}, "options.user.deleteUser");

	const rl = raw.rateLimit || {};
	pick(rl, { enabled: null, window: null, max: null, storage: null, customRules: null, modelName: null, fields: null, customStorage: callback("the Go side counts in memory or Redis") }, "options.rateLimit");
	const customRules = [];
	for (const [p, rule] of Object.entries(rl.customRules || {})) {
		if (rule === false) customRules.push({ path: p, disabled: true });
		else if (isFunction(rule)) {
			customRules.push({ path: p, dynamic: true });
			warn(`options.rateLimit.customRules[${JSON.stringify(p)}] is a function, which only Better Auth can run`);
		} else if (rule && typeof rule === "object") customRules.push({ path: p, window: jsonSafe(rule.window), max: jsonSafe(rule.max) });
	}

	let baseURL = "";
	let dynamicBaseURL = false;
	if (typeof raw.baseURL === "string") baseURL = ctx.options.baseURL || "";
	else if (raw.baseURL && typeof raw.baseURL === "object") {
		dynamicBaseURL = true;
		warn("options.baseURL is dynamic (allowedHosts): give the Go side its public URL with BETTER_AUTH_URL");
	}
	let trustedOrigins = [];
	let dynamicTrustedOrigins = false;
	if (Array.isArray(raw.trustedOrigins)) trustedOrigins = raw.trustedOrigins.filter((o) => typeof o === "string");
	else if (isFunction(raw.trustedOrigins)) {
		dynamicTrustedOrigins = true;
		warn("options.trustedOrigins is a function, which only Better Auth can run: give the Go side the origins with --trusted-origins");
	}

	const socialProviders = [];
	for (const [id, p] of Object.entries(raw.socialProviders || {})) {
		if (p && typeof p === "object" && p.enabled === false) continue;
		socialProviders.push(id);
	}
	if (socialProviders.length) warn(`socialProviders (${socialProviders.join(", ")}): the Go side does not serve social sign-in; sessions Better Auth creates through it verify as any other`);
	const oauthProviders = await exportOAuthProviders(raw);

	const doc = {
		format: FORMAT,
		formatVersion: FORMAT_VERSION,
		betterAuthVersion: ctx.version || "",
		authFile: path.relative(args.appDir, args.authFile).split(path.sep).join("/"),
		baseURL,
		dynamicBaseURL: dynamicBaseURL || undefined,
		basePath: ctx.options.basePath || "/api/auth",
		trustedOrigins,
		dynamicTrustedOrigins: dynamicTrustedOrigins || undefined,
		secondaryStorage: !!raw.secondaryStorage,
		database: { adapter: ctx.adapter?.id || "", usePlural, generateId: generateId || undefined },
		tables: exportTables(getAuthTables(raw), usePlural),
		cookies: {
			prefix: adv.cookiePrefix || undefined,
			useSecureCookies: typeof adv.useSecureCookies === "boolean" ? adv.useSecureCookies : null,
			crossSubDomainCookies: { enabled: !!adv.crossSubDomainCookies?.enabled, domain: adv.crossSubDomainCookies?.domain || undefined },
			sessionTokenName: cookieNames.session_token,
			sessionDataName: cookieNames.session_data,
			defaultAttributes: jsonSafe(adv.defaultCookieAttributes),
			resolved: jsonSafe({ sessionToken: ctx.authCookies.sessionToken, sessionData: ctx.authCookies.sessionData, dontRememberToken: ctx.authCookies.dontRememberToken }),
		},
		session: {
			expiresIn: ctx.sessionConfig.expiresIn,
			updateAge: ctx.sessionConfig.updateAge,
			freshAge: ctx.sessionConfig.freshAge,
			disableSessionRefresh: sessionRaw.disableSessionRefresh || undefined,
			storeSessionInDatabase: sessionRaw.storeSessionInDatabase || undefined,
			preserveSessionInDatabase: sessionRaw.preserveSessionInDatabase || undefined,
			deferSessionRefresh: sessionRaw.deferSessionRefresh || undefined,
			cookieCache: {
				enabled: !!cookieCache.enabled,
				strategy: cookieCache.strategy || "compact",
				maxAge: cookieCache.maxAge || 300,
				version: typeof cookieCache.version === "string" ? cookieCache.version : undefined,
			},
		},
		verification: {
			storeInDatabase: verRaw.storeInDatabase || undefined,
			storeIdentifier: storeIdentifierOf(verRaw.storeIdentifier, "options.verification.storeIdentifier"),
		},
		account: {
			encryptOAuthTokens: raw.account?.encryptOAuthTokens || undefined,
			storeAccountCookie: ctx.options.account?.storeAccountCookie || undefined,
			accountLinking: { allowUnlinkingAll: raw.account?.accountLinking?.allowUnlinkingAll || undefined },
		},
		user: {
			deleteUser: {
				enabled: deleteUserRaw.enabled || undefined,
				sendDeleteAccountVerification: presence(deleteUserRaw.sendDeleteAccountVerification),
				deleteTokenExpiresIn: deleteUserRaw.deleteTokenExpiresIn || 86400,
			},
			changeEmail: changeEmail.enabled
				? {
						enabled: true,
						updateEmailWithoutVerification: changeEmail.updateEmailWithoutVerification || undefined,
						sendChangeEmailConfirmation: presence(changeEmail.sendChangeEmailConfirmation),
					}
				: undefined,
		},
		emailAndPassword: {
			enabled: !!ep.enabled,
			minPasswordLength: ctx.password?.config?.minPasswordLength ?? 8,
			maxPasswordLength: ctx.password?.config?.maxPasswordLength ?? 128,
			requireEmailVerification: ep.requireEmailVerification || undefined,
			disableSignUp: ep.disableSignUp || undefined,
			autoSignIn: ep.autoSignIn !== false,
			revokeSessionsOnPasswordReset: ep.revokeSessionsOnPasswordReset || undefined,
			resetPasswordTokenExpiresIn: ep.resetPasswordTokenExpiresIn ?? 3600,
			customPasswordHash: customHash || undefined,
			sendResetPassword: presence(ep.sendResetPassword),
		},
		emailVerification: {
			sendOnSignUp: typeof ev.sendOnSignUp === "boolean" ? ev.sendOnSignUp : undefined,
			sendOnSignIn: ev.sendOnSignIn || undefined,
			autoSignInAfterVerification: ev.autoSignInAfterVerification || undefined,
			expiresIn: ev.expiresIn ?? 3600,
			sendVerificationEmail: presence(ev.sendVerificationEmail),
		},
		rateLimit: {
			enabled: typeof rl.enabled === "boolean" ? rl.enabled : null,
			window: ctx.rateLimit.window,
			max: ctx.rateLimit.max,
			storage: ctx.rateLimit.storage,
			customRules: customRules.length ? customRules : undefined,
		},
		socialProviders: socialProviders.length ? socialProviders : undefined,
		oauthProviders: oauthProviders.length ? oauthProviders : undefined,
		plugins: exportPlugins(raw.plugins),
		warnings,
	};
	const text = JSON.stringify(doc, null, 2) + "\n";
	for (const secret of secretsOf(raw, ctx)) {
		if (text.includes(secret)) fail("refusing to write the export: it would contain a secret (an auth secret, client secret or database URL); nothing was written");
	}
	fs.writeFileSync(args.out, text, { mode: 0o600 });
}

main().then(
	() => process.exit(0),
	(err) => {
		const msg = err && typeof err.message === "string" ? err.message.split("\n")[0] : String(err);
		fail(`loading the auth module failed: ${redact(msg)}`);
	},
);
