import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthorized } from '../../server/problems.ts';
import { clearSessionCookie, setSessionCookie } from '../../server/session.ts';
import { login, logout, registerBuyer, type LoginPolicy } from './auth.service.ts';
import { changePassword, createPasswordReset, resetPassword } from './password.service.ts';
import { ORG_KINDS, ROLES } from './schema.ts';
import * as governance from './service.ts';

const username = z.string().trim().regex(/^[A-Za-z0-9_.-]{3,32}$/, 'Use 3–32 letters, digits, dot, dash or underscore');
const password = z.string().min(8, 'At least 8 characters').max(200);
const displayName = z.string().trim().min(1).max(80);
const idParams = z.strictObject({ id: z.uuid() });
const grantInput = z.strictObject({ role: z.enum(ROLES), unitId: z.uuid().optional(), orgId: z.uuid().optional() });
const paging = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) };

export const governanceRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const policy: LoginPolicy = {
    sessionHours: app.config.sessionHours,
    maxFailures: app.config.loginMaxFailures,
    lockoutMinutes: app.config.loginLockoutMinutes,
  };
  const me = (request: { actor: unknown; csrfToken: string | null }) => ({ ...(request.actor as object), csrfToken: request.csrfToken });

  // ---- auth ----
  app.post(
    '/auth/register',
    {
      schema: { tags: ['auth'], summary: 'Register a buyer account and sign in', body: z.strictObject({ username, password, displayName }) },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const session = await registerBuyer(app.db, request.body, policy);
      setSessionCookie(request, reply, session);
      return reply.code(201).send({ ...session.actor, csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in', body: z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }) },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const session = await login(app.db, request.body, policy);
      setSessionCookie(request, reply, session);
      return { ...session.actor, csrfToken: session.csrfToken };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (request, reply) => {
    if (!request.actor || !request.sessionToken) throw unauthorized();
    await logout(app.db, request.actor, request.sessionToken);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change my password (the current one is required; my other sessions end)',
        operationId: 'changePassword',
        body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: password }),
        response: { 204: z.null() },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await changePassword(app.db, request.actor, request.sessionToken, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a one-time reset link',
        operationId: 'resetPassword',
        body: z.strictObject({ token: z.string().min(20).max(100), newPassword: password }),
        response: { 204: z.null() },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await resetPassword(app.db, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:id/password-reset',
    {
      schema: {
        tags: ['users'],
        summary: "Make a one-time link that resets a user's password (an administrator of their county)",
        operationId: 'createPasswordReset',
        params: idParams,
        response: { 201: z.object({ path: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await createPasswordReset(app.db, request.actor, request.params.id)),
  );

  app.get('/me', { schema: { tags: ['auth'], summary: 'The signed-in user, their roles and CSRF token' } }, async (request) => {
    if (!request.actor) throw unauthorized();
    return me(request);
  });

  // ---- admin units ----
  app.get('/county', { schema: { tags: ['units'], summary: 'The county, its townships and villages' } }, async () =>
    governance.getCountyTree(app.db),
  );

  app.get('/units/:id', { schema: { tags: ['units'], params: idParams } }, async (request) => governance.getUnit(app.db, request.params.id));

  app.patch(
    '/units/:id',
    {
      schema: {
        tags: ['units'],
        summary: 'Edit an admin unit (officials of the unit or above)',
        params: idParams,
        body: z
          .strictObject({
            nameZh: z.string().trim().min(1).max(80).optional(),
            namePinyin: z.string().trim().max(120).optional(),
            description: z.string().max(20_000).optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'),
      },
    },
    async (request) => governance.updateUnit(app.db, request.actor, request.params.id, request.body),
  );

  // ---- organizations ----
  app.get(
    '/organizations',
    { schema: { tags: ['organizations'], querystring: z.strictObject({ unitId: z.uuid().optional(), kind: z.enum(ORG_KINDS).optional() }) } },
    async (request) => governance.listOrganizations(app.db, request.query),
  );

  app.get(
    '/organizations/:id/members',
    { schema: { tags: ['organizations'], summary: "An organization's people and their roles (its managers and its own members)", params: idParams } },
    async (request) => governance.organizationMembers(app.db, request.actor, request.params.id),
  );

  app.post(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        body: z.strictObject({ unitId: z.uuid(), kind: z.enum(ORG_KINDS), name: z.string().trim().min(1).max(120), description: z.string().max(20_000).optional() }),
      },
    },
    async (request, reply) => reply.code(201).send(await governance.createOrganization(app.db, request.actor, request.body)),
  );

  // ---- users and grants (county admin) ----
  app.get(
    '/users',
    { schema: { tags: ['users'], querystring: z.strictObject({ q: z.string().trim().max(64).optional(), ...paging }) } },
    async (request) => governance.listUsers(app.db, request.actor, request.query),
  );

  app.post(
    '/users',
    { schema: { tags: ['users'], body: z.strictObject({ username, displayName, password, grants: z.array(grantInput).max(20).default([]) }) } },
    async (request, reply) => reply.code(201).send(await governance.createUser(app.db, request.actor, request.body)),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        params: idParams,
        body: z
          .strictObject({ displayName: displayName.optional(), disabled: z.boolean().optional(), password: password.optional(), unlock: z.literal(true).optional() })
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'),
      },
    },
    async (request) => governance.updateUser(app.db, request.actor, request.params.id, request.body),
  );

  app.post('/users/:id/grants', { schema: { tags: ['users'], params: idParams, body: grantInput } }, async (request, reply) =>
    reply.code(201).send(await governance.addGrant(app.db, request.actor, request.params.id, request.body)),
  );

  app.delete('/grants/:id', { schema: { tags: ['users'], params: idParams } }, async (request, reply) => {
    await governance.removeGrant(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: z.strictObject({ entity: z.string().max(64).optional(), entityId: z.string().max(64).optional(), ...paging }),
      },
    },
    async (request) => governance.listAudit(app.db, request.actor, request.query),
  );
};
