// A Better Auth app configured as a production one is: its pool through
// the "@/" alias, a cookie prefix, 30-day sessions, a longer minimum
// password, additional user fields (required with a default, input:false,
// boolean and string defaults, optional), admin + organization (teams) +
// twoFactor, and a social provider whose client secret must never be
// exported. FIXTURE_REDIS_URL adds Redis secondaryStorage (keys under
// FIXTURE_REDIS_PREFIX, by default the package's "better-auth:").
// sendResetPassword writes the reset token to FIXTURE_RESET_FILE when set
// (one JSON line per email), so the tests can redeem it elsewhere.
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { admin, organization, twoFactor } from "better-auth/plugins";
import { redisStorage } from "@better-auth/redis-storage";
import { appendFileSync } from "node:fs";
import { Redis } from "ioredis";
import { pool } from "@/lib/db";

const redisURL = process.env.FIXTURE_REDIS_URL;
const redisPrefix = process.env.FIXTURE_REDIS_PREFIX;
const resetFile = process.env.FIXTURE_RESET_FILE;

const options = {
  appName: "My App",
  database: pool,
  baseURL: process.env.BETTER_AUTH_URL ?? "http://localhost:3000",
  trustedOrigins: ["https://app.example.com"],
  advanced: { cookiePrefix: "myapp" },
  session: {
    expiresIn: 60 * 60 * 24 * 30,
    updateAge: 60 * 60 * 24,
  },
  emailAndPassword: {
    enabled: true,
    minPasswordLength: 10,
    async sendResetPassword({ user, url, token }) {
      console.error(`reset link for the fixture: ${url.length} characters`);
      if (resetFile) appendFileSync(resetFile, JSON.stringify({ email: user.email, token }) + "\n");
    },
  },
  socialProviders: {
    github: {
      clientId: process.env.GITHUB_CLIENT_ID ?? "fixture-github-client-id",
      clientSecret: process.env.GITHUB_CLIENT_SECRET ?? "fixture-github-client-secret",
    },
  },
  user: {
    additionalFields: {
      plan: { type: "string", required: true, defaultValue: "free" },
      stripeCustomerId: { type: "string", required: false, input: false },
      notificationsEnabled: { type: "boolean", required: false, defaultValue: true },
      theme: { type: "string", required: false, defaultValue: "system" },
      bio: { type: "string", required: false },
    },
  },
  plugins: [admin(), organization({ teams: { enabled: true } }), twoFactor()],
  telemetry: { enabled: false },
  ...(redisURL
    ? { secondaryStorage: redisStorage({
          client: new Redis(redisURL, { lazyConnect: true }),
          ...(redisPrefix ? { keyPrefix: redisPrefix } : {}),
        }) }
    : {}),
} satisfies BetterAuthOptions;

export const auth = betterAuth(options);
