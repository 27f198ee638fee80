import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shippingAddressInput } from '../market/index.ts';
import { paymentStartReply } from '../payments/index.ts';
import { notFound, Problem } from '../../server/problems.ts';
import { deleteMessage, like, muteAuthor, postMessage } from './chat.ts';
import { claimOffer, closeOffer, createOffer, getClaim, orderClaim } from './flash.ts';
import { attachLiveSockets, createLiveHub } from './realtime.ts';
import { getReminder, setReminder } from './reminders.ts';
import { liveFigures, sessionReport } from './report.ts';
import { SESSION_STATUSES, CLAIM_STATUSES, OFFER_STATUSES } from './schema.ts';
import { getCover, getHostView, getSession, listSessions, moveSession, mySessions, pinProduct, scheduleSession, noteExternalStream, setCover, startDemoStream, streamKeyAllows } from './sessions.ts';
import multipart from '@fastify/multipart';
import { PHOTO_MAX_BYTES, photoTooLarge } from '../../server/images.ts';
import { readMultipart } from '../../server/multipart.ts';
import { binary, OPTIONAL_SESSION, PUBLIC, SESSION } from '../../server/openapi.ts';
import { storageFor } from '../../server/storage.ts';
import { HLS_FILE, startVideo } from './video.ts';

const idParams = z.strictObject({ id: z.uuid() });
/** Text a person typed: trimmed, no NUL (the database refuses it), within a length. */
const typed = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'May not contain a NUL character');
const fen = z.number().int().min(1).max(100_000_000);
const isoTime = z.string();

const summary = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was (English readers then see the Chinese title)'),
  coverUrl: z.string().nullable(),
  scheduledAt: isoTime,
  status: z.enum(SESSION_STATUSES),
  likes: z.number().int(),
});
const message = z.object({ id: z.uuid(), authorName: z.string(), body: z.string(), createdAt: isoTime });
const offer = z.object({
  id: z.uuid(),
  productId: z.uuid(),
  variantId: z.uuid(),
  label: z.string(),
  priceFen: z.number().int(),
  regularPriceFen: z.number().int(),
  quota: z.number().int(),
  remaining: z.number().int(),
  status: z.enum(OFFER_STATUSES),
  endsAt: isoTime.nullable(),
});
const product = z.object({
  id: z.uuid(),
  name: z.string(),
  nameEn: z.string().nullable().describe('The name in English as entered, or null'),
  namePinyin: z.string(),
  photoUrl: z.string().nullable(),
  variants: z.array(z.object({ id: z.uuid(), label: z.string(), priceFen: z.number().int(), stock: z.number().int() })),
});
const sessionPage = summary.extend({
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  hlsUrl: z.string().nullable(),
  replayUrl: z.string().nullable().describe('The recorded HLS of an ended session'),
  chapters: z.array(z.object({ productId: z.uuid(), name: z.string(), at: z.number().describe('seconds into the replay') })),
  pinnedProductId: z.uuid().nullable(),
  viewers: z.number().int(),
  seq: z.number().int().describe('The last event number this page reflects: connect the socket with after=seq'),
  products: z.array(product),
  offers: z.array(offer),
  messages: z.array(message),
});
const hostPage = sessionPage.extend({ streamKey: z.string(), rtmpUrl: z.string().nullable(), demoStream: z.boolean().describe('Whether a demo stream (test pattern) can be started here') });
const list = z.object({ items: z.array(summary) });

export const liveRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const hub = createLiveHub(app.dbHandle);
  await hub.start();
  attachLiveSockets(app, hub, app.prefix);
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: PHOTO_MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);
  const video = await startVideo(app.db, app.log, app.config.dataDir);
  app.addHook('preClose', async () => hub.disconnectAll());
  app.addHook('onClose', async () => {
    await hub.stop();
    await video.stop();
  });
  const tags = ['live'];

  // ---- public ----
  app.get(
    '/live/sessions',
    { schema: { security: OPTIONAL_SESSION, tags, summary: 'Live sessions, then upcoming ones, then recently ended', operationId: 'listLiveSessions', response: { 200: list } } },
    async () => listSessions(app.db),
  );

  app.get(
    '/live/sessions/:id',
    { schema: { security: OPTIONAL_SESSION, tags, summary: 'A session page: products, open flash offers, recent chat, video URL', operationId: 'getLiveSession', params: idParams, response: { 200: sessionPage } } },
    async (request) => getSession(app.db, request.params.id, video),
  );

  app.get(
    '/live/sessions/:id/ws',
    {
      schema: {
        tags,
        summary:
          "A session's events over a WebSocket (GET with Upgrade: websocket; ?after=<seq> resumes, ?client=<id> counts one viewer per tab): " +
          'frames {type, seq, data} of chat, chat_deleted, likes, offer, sold_out, pin, status, video; {type: viewers} counts; ready; reset',
        operationId: 'liveSessionSocket',
        security: PUBLIC,
        params: idParams,
        querystring: z.object({ after: z.coerce.number().int().min(0).optional(), client: z.string().max(64).optional() }),
        // OpenAPI 3 cannot describe a WebSocket (its answer is 101, not a 2xx): described in docs/live.md instead.
        hide: true,
      },
    },
    async (_request, reply) => {
      reply.header('upgrade', 'websocket');
      throw new Problem(426, 'upgrade_required', 'Connect with a WebSocket');
    },
  );

  app.get(
    '/live/hls/:id/:file',
    {
      schema: { security: OPTIONAL_SESSION,
        tags,
        summary: "A live session's HLS playlist or segment (while its stream is received)",
        operationId: 'getLiveHls',
        params: z.strictObject({ id: z.uuid(), file: z.string().regex(HLS_FILE) }),
        response: { 200: z.unknown().describe('application/vnd.apple.mpegurl or video/mp2t') },
      },
    },
    async (request, reply) => {
      const dir = video.hlsDir(request.params.id);
      let data = dir ? await readFile(path.join(dir, request.params.file)).catch(() => null) : null;
      if (!data) throw notFound('Stream');
      const playlist = request.params.file.endsWith('.m3u8');
      // The replay of an ended session is a finished recording, even when its encoder never said goodbye.
      if (playlist && !data.includes('#EXT-X-ENDLIST') && (await getSession(app.db, request.params.id, video)).status === 'ended') {
        data = Buffer.concat([data, Buffer.from('#EXT-X-ENDLIST\n')]);
      }
      return reply
        .type(playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
        .header('cache-control', playlist ? 'no-cache' : 'public, max-age=60')
        .send(data);
    },
  );

  // An external media server's publish callback (SRS `on_publish` sends JSON, nginx-rtmp `on_publish` a form):
  // the same rule as the embedded ingest — only the live session's own key may publish.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const ingestBody = z.looseObject({
    stream: z.string().max(200).optional(),
    name: z.string().max(200).optional(),
    param: z.string().max(1000).optional(),
    key: z.string().max(200).optional(),
  });
  /** The session a callback names and whether its key is the session's (live, for a publish). */
  const ingestAllows = async (body: z.infer<typeof ingestBody>, whenLive: boolean) => {
    const sessionId = body.stream ?? body.name ?? '';
    const given = body.key ?? new URLSearchParams(body.param?.replace(/^\?/, '') ?? '').get('key') ?? '';
    if (!z.uuid().safeParse(sessionId).success || !(await streamKeyAllows(app.db, sessionId, given, { whenLive }))) {
      throw new Problem(403, 'publish_refused', 'Wrong stream key, or the session is not live');
    }
    return sessionId;
  };
  app.post(
    '/live/ingest/on-publish',
    {
      schema: { security: PUBLIC,
        tags,
        summary: "A media server asks whether a publish is allowed: 200 { code: 0 } or 403 (SRS's and nginx-rtmp's on_publish)",
        operationId: 'authorizeLivePublish',
        body: ingestBody,
        response: { 200: z.object({ code: z.literal(0) }) },
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request) => {
      await noteExternalStream(app.db, await ingestAllows(request.body, true), true);
      return { code: 0 as const };
    },
  );
  app.post(
    '/live/ingest/on-unpublish',
    {
      schema: { security: PUBLIC,
        tags,
        summary: "A media server says a stream stopped (SRS's on_unpublish, nginx-rtmp's on_publish_done): the page waits again",
        operationId: 'liveUnpublished',
        body: ingestBody,
        response: { 200: z.object({ code: z.literal(0) }) },
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request) => {
      await noteExternalStream(app.db, await ingestAllows(request.body, false), false);
      return { code: 0 as const };
    },
  );

  // ---- viewers ----
  app.post(
    '/live/sessions/:id/messages',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Send a chat message (rate-limited per user)',
        operationId: 'postLiveMessage',
        params: idParams,
        body: z.strictObject({ body: typed(1, 200) }),
        response: { 201: message },
      },
    },
    async (request, reply) => reply.code(201).send(await postMessage(app.db, request.actor, request.params.id, request.body.body)),
  );

  app.post(
    '/live/sessions/:id/likes',
    {
      schema: { security: SESSION, tags, summary: 'Like the session', operationId: 'likeLiveSession', params: idParams, response: { 200: z.object({ likes: z.number().int() }) } },
      config: { rateLimit: { max: 20, timeWindow: '10 seconds', keyGenerator: (r) => r.actor?.id ?? r.ip } },
    },
    async (request) => like(app.db, request.actor, request.params.id),
  );

  app.post(
    '/live/offers/:id/claims',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Claim one unit of a flash offer: it is held for the buyer until they order and pay it, or it expires',
        operationId: 'claimFlashOffer',
        params: idParams,
        response: { 201: z.object({ claimId: z.uuid(), status: z.enum(CLAIM_STATUSES), expiresAt: isoTime }) },
      },
    },
    async (request, reply) => reply.code(201).send(await claimOffer(app.db, request.actor, request.params.id)),
  );

  app.get(
    '/live/claims/:id',
    {
      schema: { security: SESSION,
        tags,
        summary: "The buyer's claim on a flash offer",
        operationId: 'getFlashClaim',
        params: idParams,
        response: {
          200: z.object({ id: z.uuid(), status: z.enum(CLAIM_STATUSES), amountFen: z.number().int(), label: z.string(), sessionId: z.uuid(), expiresAt: isoTime, orderId: z.uuid().nullable() }),
        },
      },
    },
    async (request) => getClaim(app.db, request.actor, request.params.id),
  );

  app.post(
    '/live/claims/:id/order',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Turn a held claim into a Market order to the delivery address given, and start paying it',
        operationId: 'orderFlashClaim',
        params: idParams,
        body: z.strictObject({ address: shippingAddressInput }),
        response: { 200: paymentStartReply.extend({ orderId: z.uuid(), paymentId: z.uuid() }) },
      },
    },
    async (request) => orderClaim(app.db, request.actor, request.params.id, request.body.address),
  );

  // ---- hosts ----
  app.get('/live/mine', { schema: { security: SESSION, tags, summary: 'Sessions of the organizations the user hosts for', operationId: 'myLiveSessions', response: { 200: list } } }, async (request) =>
    mySessions(app.db, request.actor),
  );

  app.post(
    '/live/sessions',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Schedule a session with products of the producer',
        operationId: 'scheduleLiveSession',
        body: z.strictObject({
          orgId: z.uuid(),
          title: typed(1, 80),
          titleEn: typed(0, 120).nullish().describe('The title in English (optional; English readers see the Chinese title without it)'),
          coverUrl: z.string().max(500).regex(/^(\/|https:\/\/)/, 'A path on this site or an https URL').nullable().optional(),
          scheduledAt: z.iso.datetime({ offset: true }),
          productIds: z.array(z.uuid()).max(20).default([]),
        }),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => reply.code(201).send(await scheduleSession(app.db, request.actor, request.body)),
  );

  app.get(
    '/live/sessions/:id/host',
    { schema: { security: SESSION, tags, summary: "The host's view: adds the stream key and ingest URL", operationId: 'getLiveHostView', params: idParams, response: { 200: hostPage } } },
    async (request) => getHostView(app.db, request.actor, request.params.id, video),
  );

  for (const move of ['start', 'end'] as const) {
    app.post(
      `/live/sessions/:id/${move}`,
      {
        schema: {
          security: SESSION,
          tags,
          summary: move === 'start' ? 'Go live' : 'End the session',
          operationId: move === 'start' ? 'startLiveSession' : 'endLiveSession',
          params: idParams,
          response: { 200: z.object({ id: z.uuid(), status: z.enum(SESSION_STATUSES) }) },
        },
      },
      async (request) => moveSession(app.db, request.actor, request.params.id, move),
    );
  }

  app.get(
    '/live/sessions/:id/reminder',
    { schema: { security: SESSION, tags, summary: 'Whether the signed-in user will be told when the session starts', operationId: 'getLiveReminder', params: idParams, response: { 200: z.object({ reminded: z.boolean() }) } } },
    async (request) => getReminder(app.db, request.actor, request.params.id),
  );

  app.put(
    '/live/sessions/:id/reminder',
    {
      schema: {
        security: SESSION,
        tags,
        summary: 'Be told (or stop being told) when the session is about to start and when it goes live',
        operationId: 'setLiveReminder',
        params: idParams,
        body: z.strictObject({ on: z.boolean() }),
        response: { 200: z.object({ reminded: z.boolean() }) },
      },
    },
    async (request) => setReminder(app.db, request.actor, request.params.id, request.body.on),
  );

  app.put(
    '/live/sessions/:id/pin',
    {
      schema: {
        tags,
        summary: 'Host: present a product of the session to the viewers (null: none); a chapter of the replay',
        operationId: 'pinLiveProduct',
        security: SESSION,
        params: idParams,
        body: z.strictObject({ productId: z.uuid().nullable() }),
        response: { 200: z.object({ pinnedProductId: z.uuid().nullable() }) },
      },
    },
    async (request) => pinProduct(app.db, request.actor, request.params.id, request.body.productId),
  );

  app.post(
    '/live/sessions/:id/demo-stream',
    {
      schema: {
        tags,
        summary: 'Host: publish a generated test pattern as the live session\'s stream (embedded ingest), to see real video without a camera',
        operationId: 'startLiveDemoStream',
        security: SESSION,
        params: idParams,
        response: { 202: z.object({ started: z.literal(true) }) },
      },
    },
    async (request, reply) => reply.code(202).send(await startDemoStream(app.db, request.actor, request.params.id, video)),
  );

  app.get(
    '/live/sessions/:id/figures',
    {
      schema: {
        tags,
        summary: "Host: the session's live figures",
        operationId: 'getLiveFigures',
        security: SESSION,
        params: idParams,
        response: {
          200: z.object({
            viewers: z.number().int(),
            peakViewers: z.number().int(),
            likes: z.number().int(),
            heldOrders: z.number().int(),
            paidOrders: z.number().int(),
            revenueFen: z.number().int(),
          }),
        },
      },
    },
    async (request) => liveFigures(app.db, request.actor, request.params.id),
  );

  app.get(
    '/live/sessions/:id/report',
    {
      schema: {
        tags,
        summary: 'Host or county admin: the report of a session (viewers over time, peak, chat rate, conversion, revenue per product)',
        operationId: 'getLiveReport',
        security: SESSION,
        params: idParams,
        response: {
          200: z.object({
            id: z.uuid(),
            title: z.string(),
            titleEn: z.string().nullable(),
            status: z.enum(SESSION_STATUSES),
            startedAt: isoTime.nullable(),
            endedAt: isoTime.nullable(),
            viewers: z.array(z.object({ at: isoTime, viewers: z.number().int() })),
            peakViewers: z.number().int(),
            uniqueViewers: z.number().int(),
            likes: z.number().int(),
            messages: z.number().int(),
            chatters: z.number().int(),
            chatPerMinute: z.number(),
            chat: z.array(z.object({ at: isoTime, messages: z.number().int() })),
            buyers: z.number().int(),
            paidOrders: z.number().int(),
            conversion: z.number(),
            revenueFen: z.number().int(),
            products: z.array(z.object({ productId: z.uuid(), label: z.string(), units: z.number().int(), claimed: z.number().int(), revenueFen: z.number().int() })),
          }),
        },
      },
    },
    async (request) => sessionReport(app.db, request.actor, request.params.id),
  );

  app.post(
    '/live/sessions/:id/cover',
    {
      schema: {
        tags,
        summary: 'Host: upload a JPEG, PNG or WebP cover image for the session (field "file")',
        operationId: 'uploadLiveCover',
        security: SESSION,
        consumes: ['multipart/form-data'],
        params: idParams,
        response: { 201: z.object({ coverUrl: z.string() }) },
      },
    },
    async (request, reply) => {
      const { file } = await readMultipart(request, PHOTO_MAX_BYTES, photoTooLarge);
      return reply.code(201).send(await setCover(app.db, storage, request.actor, request.params.id, { data: file.data, declaredType: file.mimetype }));
    },
  );

  app.get(
    '/live/sessions/:id/cover',
    { schema: { tags, summary: "A session's uploaded cover image", operationId: 'getLiveCover', security: PUBLIC, params: idParams, response: { 200: binary('image/jpeg', 'image/png', 'image/webp') } } },
    async (request, reply) => {
      const { data, type } = await getCover(app.db, storage, request.params.id);
      return reply.type(type).header('cache-control', 'public, max-age=300').send(data);
    },
  );

  app.delete(
    '/live/messages/:id',
    { schema: { security: SESSION, tags, summary: 'Host: delete a chat message for everyone', operationId: 'deleteLiveMessage', params: idParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await deleteMessage(app.db, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/live/messages/:id/mute',
    {
      schema: { security: SESSION,
        tags,
        summary: "Host: mute a message's author for the rest of the session (the message is deleted too)",
        operationId: 'muteLiveViewer',
        params: idParams,
        response: { 200: z.object({ muted: z.boolean() }) },
      },
    },
    async (request) => muteAuthor(app.db, request.actor, request.params.id),
  );

  app.post(
    '/live/sessions/:id/offers',
    {
      schema: { security: SESSION,
        tags,
        summary: 'Host: pin a flash offer (a variant, a special price, a small quota)',
        operationId: 'createFlashOffer',
        params: idParams,
        body: z.strictObject({
          productId: z.uuid(),
          variantId: z.uuid(),
          priceFen: fen,
          quota: z.number().int().min(1).max(1000),
          durationMinutes: z.number().int().min(1).max(240).optional(),
        }),
        response: { 201: offer },
      },
    },
    async (request, reply) => reply.code(201).send(await createOffer(app.db, request.actor, request.params.id, request.body)),
  );

  app.post(
    '/live/offers/:id/close',
    { schema: { security: SESSION, tags, summary: 'Host: close a flash offer', operationId: 'closeFlashOffer', params: idParams, response: { 200: offer } } },
    async (request) => closeOffer(app.db, request.actor, request.params.id),
  );
};
