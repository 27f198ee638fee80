import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unauthorized } from '../../server/problems.ts';
import { clearSessionCookie, setSessionCookie } from '../../server/session.ts';
import { login, logout, registerBuyer, type LoginPolicy } from './auth.service.ts';
import { changePassword, createPasswordReset, resetPassword } from './password.service.ts';
import type { Actor } from './permissions.ts';
import { ORG_KINDS, ROLES, type Role } from './schema.ts';
import * as governance from './service.ts';
import { PUBLIC, SESSION, noContent } from '../../server/openapi.ts';
import { displayName, password, username } from './fields.ts';
import { setupRoutes } from './setup.routes.ts';

// ---- replies: what each route answers (the serializer and the OpenAPI document use them) ----
/** The signed-in user, their role grants and the CSRF token of their session (sign-in, registration, /me). */
const meReply = z.object({
  csrfToken: z.string(),
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  countyId: z.string(),
  locale: z.string(),
  grants: z.array(z.object({ id: z.string(), role: z.enum(ROLES), unitId: z.string().nullable(), orgId: z.string().nullable() })),
});
/** The signed-in user as /me answers: the kernel's actor (whose roles are strings) with governance's role words. */
const me = (actor: Actor, csrfToken: string) => ({ ...actor, grants: actor.grants.map((g) => ({ ...g, role: g.role as Role })), csrfToken });
const getCountyTreeReply = z.object({
  county: z.object({
    id: z.string(),
    parentId: z.string().nullable(),
    level: z.enum(['county', 'township', 'village']),
    nameZh: z.string(),
    namePinyin: z.string(),
    description: z.string(),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    listingBatch: z.number().nullable(),
  }),
  townships: z.array(z.object({
    villages: z.array(z.object({
      id: z.string(),
      parentId: z.string().nullable(),
      level: z.enum(['county', 'township', 'village']),
      nameZh: z.string(),
      namePinyin: z.string(),
      description: z.string(),
      lon: z.number().nullable(),
      lat: z.number().nullable(),
      listingBatch: z.number().nullable(),
    })),
    id: z.string(),
    parentId: z.string().nullable(),
    level: z.enum(['county', 'township', 'village']),
    nameZh: z.string(),
    namePinyin: z.string(),
    description: z.string(),
    lon: z.number().nullable(),
    lat: z.number().nullable(),
    listingBatch: z.number().nullable(),
  })),
});
const getUnitReply = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  level: z.enum(['county', 'township', 'village']),
  nameZh: z.string(),
  namePinyin: z.string(),
  description: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  listingBatch: z.number().nullable(),
});
const listOrganizationsReply = z.array(z.object({
  id: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  kind: z.enum(['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm']),
  name: z.string(),
  nameEn: z.string().nullable().describe('The name in English as entered; null when none was'),
  namePinyin: z.string().describe('The name in pinyin, shown to English readers without an English name'),
  description: z.string(),
  members: z.number(),
}));
const organizationMembersReply = z.array(z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['logistics_operator', 'county_admin', 'town_official', 'village_official', 'resident', 'producer', 'innkeeper', 'artisan']),
}));
const createOrganization201Reply = z.object({
  description: z.string(),
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  countyId: z.string(),
  createdAt: z.date(),
  unitId: z.string(),
  kind: z.enum(['cooperative', 'company', 'inn', 'workshop', 'logistics_operator', 'family_farm']),
});
const listUsersReply = z.object({
  total: z.number(),
  items: z.array(z.object({
    grants: z.array(z.object({
      id: z.string(),
      role: z.enum(['logistics_operator', 'county_admin', 'town_official', 'village_official', 'resident', 'producer', 'innkeeper', 'artisan']),
      unitId: z.string().nullable(),
      unitName: z.string().nullable(),
      orgId: z.string().nullable(),
      orgName: z.string().nullable(),
    })),
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    disabled: z.boolean(),
    lockedUntil: z.date().nullable(),
    createdAt: z.date(),
  })),
});
const createUser201Reply = z.object({ id: z.string(), username: z.string(), displayName: z.string() });
const updateUserReply = z.object({ id: z.string(), username: z.string(), displayName: z.string(), disabled: z.boolean() });
const addGrant201Reply = z.object({
  id: z.string(),
  countyId: z.string(),
  createdAt: z.date(),
  unitId: z.string().nullable(),
  userId: z.string(),
  role: z.enum(['logistics_operator', 'county_admin', 'town_official', 'village_official', 'resident', 'producer', 'innkeeper', 'artisan']),
  orgId: z.string().nullable(),
});
const listAuditReply = z.object({
  items: z.array(z.object({
    id: z.string(),
    at: z.date(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    unitId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    actor: z.string().nullable(),
    actorName: z.string().nullable(),
  })),
  total: z.number().int(),
  names: z.object({
    units: z.record(z.string(), z.object({ nameZh: z.string(), namePinyin: z.string(), level: z.enum(['county', 'township', 'village']) })),
    users: z.record(z.string(), z.object({ username: z.string(), displayName: z.string() })),
  }),
});


const idParams = z.strictObject({ id: z.uuid() });
const grantInput = z.strictObject({ role: z.enum(ROLES), unitId: z.uuid().optional(), orgId: z.uuid().optional() });
const paging = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) };
// An instant with its offset (the browser sends the start of the reader's local day); `to` is exclusive.
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const auditQuery = z.strictObject({
  who: z.string().trim().min(1).max(32).optional(),
  entity: z.string().regex(/^[a-z_]{1,64}$/, 'A record type such as atlas_building').optional(),
  action: z.string().regex(/^[a-z_.-]{1,64}$/, 'An action such as building.update, or its start such as building.').optional(),
  entityId: z.string().max(64).optional(),
  unitId: z.uuid().optional(),
  from: instant.optional(),
  to: instant.optional(),
  ...paging,
});

export const governanceRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const policy: LoginPolicy = {
    sessionHours: app.config.sessionHours,
    maxFailures: app.config.loginMaxFailures,
    lockoutMinutes: app.config.loginLockoutMinutes,
  };
  await app.register(setupRoutes(policy));

  // ---- auth ----
  app.post(
    '/auth/register',
    {
      schema: { tags: ['auth'], summary: 'Register a buyer account and sign in', body: z.strictObject({ username, password, displayName }), operationId: 'registerBuyer', security: PUBLIC, response: { 201: meReply } },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const session = await registerBuyer(app.db, request.body, policy);
      setSessionCookie(request, reply, session);
      return reply.code(201).send(me(session.actor, session.csrfToken));
    },
  );

  app.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in', body: z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }), operationId: 'login', security: PUBLIC, response: { 200: meReply } },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const session = await login(app.db, request.body, policy);
      setSessionCookie(request, reply, session);
      return me(session.actor, session.csrfToken);
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out', operationId: 'logout', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
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
        security: SESSION,
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
        security: PUBLIC,
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
        security: SESSION,
        params: idParams,
        response: { 201: z.object({ path: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await createPasswordReset(app.db, request.actor, request.params.id)),
  );

  app.get('/me', { schema: { tags: ['auth'], summary: 'The signed-in user, their roles and CSRF token', operationId: 'getMe', security: SESSION, response: { 200: meReply } } }, async (request) => {
    if (!request.actor || request.csrfToken === null) throw unauthorized();
    return me(request.actor, request.csrfToken);
  });

  app.patch(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: "The signed-in user's own language, used for the emails and pushes sent to them",
        operationId: 'updateMe',
        security: SESSION,
        body: z.strictObject({ locale: z.enum(governance.LOCALES) }),
        response: { 200: z.object({ locale: z.enum(governance.LOCALES) }) },
      },
    },
    async (request) => governance.setOwnLocale(app.db, request.actor, request.body.locale),
  );

  // ---- admin units ----
  app.get('/county', { schema: { tags: ['units'], summary: 'The county, its townships and villages', operationId: 'getCountyTree', security: PUBLIC, response: { 200: getCountyTreeReply } } }, async () =>
    governance.getCountyTree(app.db),
  );

  app.get('/units/:id', { schema: { tags: ['units'], params: idParams, summary: 'An admin unit with its parent and children', operationId: 'getUnit', security: PUBLIC, response: { 200: getUnitReply } } }, async (request) => governance.getUnit(app.db, request.params.id));

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
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'), operationId: 'updateUnit', security: SESSION, response: { 200: getUnitReply },
      },
    },
    async (request) => governance.updateUnit(app.db, request.actor, request.params.id, request.body),
  );

  // ---- organizations ----
  app.get(
    '/organizations',
    { schema: { tags: ['organizations'], querystring: z.strictObject({ unitId: z.uuid().optional(), kind: z.enum(ORG_KINDS).optional() }), summary: 'Organizations (cooperatives, enterprises, inns) in the county', operationId: 'listOrganizations', security: PUBLIC, response: { 200: listOrganizationsReply } } },
    async (request) => governance.listOrganizations(app.db, request.query),
  );

  app.get(
    '/organizations/:id/members',
    { schema: { tags: ['organizations'], summary: "An organization's people and their roles (its managers and its own members)", params: idParams, operationId: 'organizationMembers', security: SESSION, response: { 200: organizationMembersReply } } },
    async (request) => governance.organizationMembers(app.db, request.actor, request.params.id),
  );

  app.post(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        body: z.strictObject({ unitId: z.uuid(), kind: z.enum(ORG_KINDS), name: z.string().trim().min(1).max(120), nameEn: z.string().trim().max(120).nullish().describe('The name in English (optional; English readers see the pinyin without it)'), description: z.string().max(20_000).optional() }), summary: 'Add an organization', operationId: 'createOrganization', security: SESSION, response: { 201: createOrganization201Reply },
      },
    },
    async (request, reply) => reply.code(201).send(await governance.createOrganization(app.db, request.actor, request.body)),
  );

  // ---- users and grants (county admin) ----
  app.get(
    '/users',
    { schema: { tags: ['users'], querystring: z.strictObject({ q: z.string().trim().max(64).optional(), ...paging }), summary: 'Users, searchable by name (officials)', operationId: 'listUsers', security: SESSION, response: { 200: listUsersReply } } },
    async (request) => governance.listUsers(app.db, request.actor, request.query),
  );

  app.post(
    '/users',
    { schema: { tags: ['users'], body: z.strictObject({ username, displayName, password, grants: z.array(grantInput).max(20).default([]) }), summary: 'Add a user account', operationId: 'createUser', security: SESSION, response: { 201: createUser201Reply } } },
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
          .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change'), summary: 'Edit a user (name, locale, active)', operationId: 'updateUser', security: SESSION, response: { 200: updateUserReply },
      },
    },
    async (request) => governance.updateUser(app.db, request.actor, request.params.id, request.body),
  );

  app.post('/users/:id/grants', { schema: { tags: ['users'], params: idParams, body: grantInput, summary: 'Grant a user a role on a unit or organization', operationId: 'addGrant', security: SESSION, response: { 201: addGrant201Reply } } }, async (request, reply) =>
    reply.code(201).send(await governance.addGrant(app.db, request.actor, request.params.id, request.body)),
  );

  app.delete('/grants/:id', { schema: { tags: ['users'], params: idParams, summary: 'Revoke a role grant', operationId: 'removeGrant', security: SESSION, response: { 204: noContent } } }, async (request, reply) => {
    await governance.removeGrant(app.db, request.actor, request.params.id);
    return reply.code(204).send();
  });

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: auditQuery, summary: 'The audit log, newest first, filtered by who, what, unit and date', operationId: 'listAudit', security: SESSION, response: { 200: listAuditReply },
      },
    },
    async (request) => governance.listAudit(app.db, request.actor, request.query),
  );
};
