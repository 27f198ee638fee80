// The people module's HTTP surface: thin routes, zod on what comes in and what goes out.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { binary, OPTIONAL_SESSION, PUBLIC, SESSION } from '../../server/openapi.ts';
import { affairsRoutes } from './affairs-routes.ts';
import { apprenticeshipRoutes } from './apprenticeship-routes.ts';
import { documentsRoutes } from './documents-routes.ts';
import * as artisans from './artisans.ts';
import * as jobs from './jobs.ts';
import { importRegister, registerTemplate } from './import.ts';
import { readMultipart } from '../../server/multipart.ts';
import { Problem } from '../../server/problems.ts';
import * as programmes from './programmes.ts';
import * as residents from './residents.ts';
import { confirmPhoneCode, requestPhoneCode } from './phone-enrol.ts';
import { apprenticeshipReply, artisanReply, day, fen, idParams, sessionReply, text } from './route-schemas.ts';
import { JOB_APPLICATION_STATUSES, JOB_PAY_UNITS, JOB_POSTER_KINDS, JOB_STATUSES, APPLICATION_ACTIONS, APPLICATION_STATUSES, APPRENTICESHIP_STATUSES, ARTISAN_LEVELS, PROGRAMME_KINDS, RESIDENT_STATUSES } from './schema.ts';

const year = new Date().getUTCFullYear();

const residentFields = {
  fullName: text(60, 1),
  household: text(60).optional(),
  birthYear: z.number().int().min(1900).max(year),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{0,20}$/, 'Digits only')
    .optional(),
  status: z.enum(RESIDENT_STATUSES),
  statusSince: day.nullish(),
  returnedFrom: text(120).nullish(),
  occupation: text(120).optional(),
  skills: z.array(text(40, 1)).max(20).optional(),
  userId: z.uuid().nullish(),
};
const residentBody = z.strictObject({ villageId: z.uuid(), ...residentFields, consent: z.literal(true, 'The person must consent to being registered') });
const residentPatch = z.strictObject(residentFields);

const maskedResident = z.object({
  id: z.uuid(),
  villageId: z.uuid(),
  name: z.string(),
  phone: z.string(),
  ageBand: z.string(),
  status: z.enum(RESIDENT_STATUSES),
  statusSince: z.string().nullable(),
  returnedFrom: z.string().nullable(),
  occupation: z.string(),
  enrolled: z.boolean(),
});
const fullResident = maskedResident.extend({
  household: z.string(),
  birthYear: z.number(),
  skills: z.array(z.string()),
  userId: z.uuid().nullable(),
  consentAt: z.string(),
  updatedAt: z.string(),
});

/** The full record as opened, with the entrepreneur's shops and inns (through the organizations they hold a role in). */
const viewedResident = fullResident.extend({
  ventures: z.array(z.object({ kind: z.enum(['shop', 'inn']), name: z.string(), path: z.string() })),
});

const programmeBody = z.strictObject({
  unitId: z.uuid(),
  kind: z.enum(PROGRAMME_KINDS),
  title: text(120, 2),
  titleEn: text(160).nullish().describe('The title in English (optional; English readers see the Chinese title without it)'),
  description: text(10_000).optional(),
  criteria: text(4_000).optional(),
  returneesOnly: z.boolean().optional(),
  budgetFen: fen.min(1),
  maxAwardFen: fen.min(1),
  deadline: day,
  documents: z.array(text(60, 1)).max(10).optional(),
});
const programme = z.object({
  id: z.uuid(),
  unitId: z.uuid(),
  kind: z.enum(PROGRAMME_KINDS),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was'),
  description: z.string(),
  criteria: z.string(),
  returneesOnly: z.boolean(),
  budgetFen: z.number(),
  maxAwardFen: z.number(),
  disbursedFen: z.number(),
  deadline: z.string(),
  documents: z.array(z.string()),
  open: z.boolean(),
});
const status = z.enum(APPLICATION_STATUSES);
const application = z.object({
  id: z.uuid(),
  programmeId: z.uuid(),
  programmeTitle: z.string(),
  programmeTitleEn: z.string().nullable(),
  programmeKind: z.enum(PROGRAMME_KINDS),
  residentId: z.uuid(),
  villageId: z.uuid(),
  applicant: z.string(),
  amountFen: z.number(),
  plan: z.string(),
  businessLink: z.string().nullable(),
  status,
  reason: z.string().nullable(),
  disbursedFen: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(z.object({ from: status, to: status, note: z.string(), at: z.string() })),
  requiredDocuments: z.array(z.string()),
  documents: z.array(z.object({ id: z.uuid(), name: z.string(), contentType: z.string(), bytes: z.number() })),
});
const decisionBody = z
  .strictObject({
    action: z.enum(APPLICATION_ACTIONS),
    from: status,
    note: text(2000).optional(),
    reason: text(2000, 2).optional(),
    amountFen: fen.min(1).optional(),
  })
  .refine((b) => b.action !== 'reject' || !!b.reason, { message: 'Give the applicant a reason', path: ['reason'] });

const artisanBody = z.strictObject({
  residentId: z.uuid(),
  publicName: text(60, 1),
  craft: text(60, 1),
  craftAssetId: z.uuid().nullish(),
  level: z.enum(ARTISAN_LEVELS),
  orgId: z.uuid().nullish(),
  bio: text(4000).optional(),
  places: z.number().int().min(0).max(50),
});
const artisan = artisanReply;
const apprenticeship = apprenticeshipReply;
const session = sessionReply;

const job = z.object({
  id: z.uuid(),
  posterKind: z.enum(JOB_POSTER_KINDS),
  posterName: z.string(),
  orgId: z.uuid().nullable(),
  projectId: z.uuid().nullable(),
  unitId: z.uuid(),
  unitName: z.string(),
  title: z.string(),
  titleEn: z.string().nullable().describe('The title in English as entered; null when none was'),
  description: z.string(),
  payFen: z.number(),
  payUnit: z.enum(JOB_PAY_UNITS),
  positions: z.number(),
  closesOn: z.string(),
  status: z.enum(JOB_STATUSES),
  open: z.boolean(),
  createdAt: z.string(),
});
const jobApplication = z.object({ id: z.uuid(), jobId: z.uuid(), status: z.enum(JOB_APPLICATION_STATUSES) });
const jobBody = z.strictObject({
  orgId: z.uuid().nullish(),
  projectId: z.uuid().nullish(),
  title: text(120, 2),
  titleEn: text(160).nullish().describe('The title in English (optional; English readers see the Chinese title without it)'),
  description: text(4000).optional(),
  payFen: fen,
  payUnit: z.enum(JOB_PAY_UNITS),
  positions: z.number().int().min(1).max(500),
  closesOn: day,
});
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 -]{5,20}$/, 'A phone number');

const invitation = z.object({ residentId: z.uuid(), name: z.string(), code: z.string(), link: z.string(), qrSvg: z.string(), expiresAt: z.string() });
/** The invitation's link as a QR code (SVG) the official prints or shows for the person to scan. */
async function withQr<T extends { link: string }>(request: FastifyRequest, i: T) {
  return { ...i, qrSvg: await QRCode.toString(`${request.protocol}://${request.host}${i.link}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
}

export const peopleRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];
  await app.register(affairsRoutes);
  await app.register(apprenticeshipRoutes);
  await app.register(documentsRoutes);

  // ---- residents ----
  app.get(
    '/people/residents',
    {
      schema: {
        tags,
        operationId: 'listResidents', security: SESSION,
        summary: 'The register of the villages in the official’s scope, with masked names and phones',
        querystring: z.strictObject({ villageId: z.uuid().optional(), status: z.enum(RESIDENT_STATUSES).optional() }),
        response: { 200: z.array(maskedResident) },
      },
    },
    async (request) => residents.listResidents(app.db, request.actor, request.query),
  );
  app.post(
    '/people/residents',
    { schema: { tags, operationId: 'registerResident', security: SESSION, summary: 'Register a resident of a village, with their consent (village official and above)', body: residentBody, response: { 201: fullResident } } },
    async (request, reply) => reply.code(201).send(await residents.registerResident(app.db, request.actor, request.body)),
  );
  app.get(
    '/people/residents/:id',
    { schema: { tags, operationId: 'viewResident', security: SESSION, summary: 'A resident’s full record (the person, or officials of their village and above), with the shops and inns they run; audited', params: idParams, response: { 200: viewedResident } } },
    async (request) => residents.viewResident(app.db, request.actor, request.params.id),
  );
  app.put(
    '/people/residents/:id',
    { schema: { tags, operationId: 'updateResident', security: SESSION, summary: 'Correct a resident’s record or their status (officials)', params: idParams, body: residentPatch, response: { 200: fullResident } } },
    async (request) => residents.updateResident(app.db, request.actor, request.params.id, request.body),
  );
  app.get(
    '/people/residents/export.csv',
    {
      schema: {
        tags,
        operationId: 'exportResidents',
        security: SESSION,
        summary: 'Export the register in scope: counts per village, status and age band; rows only for the county admin with a stated purpose (audited)',
        querystring: z.strictObject({ purpose: text(500, 10).optional() }),
        response: { 200: binary('text/csv') },
      },
    },
    async (request, reply) => {
      const out = await residents.exportResidents(app.db, request.actor, request.query);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${out.filename}"`).header('cache-control', 'no-store').send(out.data);
    },
  );
  app.post(
    '/people/residents/:id/invitation',
    {
      schema: {
        tags,
        operationId: 'inviteResident', security: SESSION,
        summary: 'A one-time enrolment code (14 days) for a resident to link their own account (officials); shown once, with its link and QR code',
        params: idParams,
        response: { 200: invitation },
      },
    },
    async (request) => withQr(request, await residents.inviteResident(app.db, request.actor, request.params.id)),
  );
  app.post(
    '/people/households/invitations',
    {
      schema: {
        tags,
        operationId: 'inviteHousehold', security: SESSION,
        summary: 'One sheet for a household: a code, link and QR code for each member not yet enrolled (officials of the village)',
        body: z.strictObject({ villageId: z.uuid(), household: text(60, 1) }),
        response: { 200: z.object({ household: z.string(), members: z.array(invitation) }) },
      },
    },
    async (request) => {
      const sheet = await residents.inviteHousehold(app.db, request.actor, request.body);
      return { household: sheet.household, members: await Promise.all(sheet.members.map((m) => withQr(request, m))) };
    },
  );
  app.post(
    '/people/enrol',
    {
      schema: {
        tags,
        operationId: 'enrolAsResident', security: SESSION,
        summary: 'Redeem an enrolment code: the signed-in account becomes the resident’s',
        body: z.strictObject({ code: z.string().trim().regex(/^[A-Za-z0-9 -]{6,20}$/, 'The code from your village official') }),
        response: { 200: fullResident },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request) => residents.enrol(app.db, request.actor, request.body.code),
  );
  app.post(
    '/people/enrol/phone',
    {
      schema: {
        tags,
        operationId: 'requestEnrolmentSms',
        security: SESSION,
        summary: 'Enrol by phone, step one: a one-time code by SMS to the number, if it is on a village register (the answer is the same either way)',
        body: z.strictObject({ phone: phone }),
        response: { 202: z.object({ expiresAt: z.string() }) },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => reply.code(202).send(await requestPhoneCode(app.db, request.actor, request.body.phone)),
  );
  app.post(
    '/people/enrol/phone/confirm',
    {
      schema: {
        tags,
        operationId: 'confirmEnrolmentSms',
        security: SESSION,
        summary: 'Enrol by phone, step two: the code from the SMS links the signed-in account to the register’s record (five attempts)',
        body: z.strictObject({ phone: phone, code: z.string().trim().regex(/^[0-9]{6}$/, 'The six digits of the text message') }),
        response: { 200: fullResident },
      },
      config: { rateLimit: { max: app.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (request) => confirmPhoneCode(app.db, request.actor, request.body.phone, request.body.code),
  );
  app.get(
    '/people/villages/:id/summary',
    {
      schema: {
        tags,
        operationId: 'villagePeopleSummary', security: PUBLIC,
        summary: 'How many residents live in the village, work away, came back (public, nobody named)',
        params: idParams,
        response: { 200: z.object({ villageId: z.uuid(), living: z.number(), workingAway: z.number(), returned: z.number() }) },
      },
    },
    async (request) => residents.villageSummary(app.db, request.params.id),
  );
  app.get(
    '/people/me',
    {
      schema: {
        tags,
        operationId: 'myPeopleRecord', security: SESSION,
        summary: 'The signed-in person’s own record (null when no village registered them), applications and apprenticeships',
        response: {
          200: z.object({
            resident: fullResident.nullable(),
            applications: z.array(application),
            masterOf: z.array(artisan),
            apprenticeships: z.array(apprenticeship.extend({ master: z.string(), craft: z.string() })),
            jobApplications: z.array(jobApplication.extend({ title: z.string(), titleEn: z.string().nullable(), posterName: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const row = await residents.myResidentRow(app.db, request.actor);
      const craft = await artisans.myCraft(app.db, request.actor);
      return {
        resident: row && residents.fullResident(row),
        applications: await programmes.myApplications(app.db, request.actor),
        ...craft,
        jobApplications: await jobs.myJobApplications(app.db, request.actor),
      };
    },
  );

  // ---- programmes and applications ----
  app.get(
    '/people/programmes',
    { schema: { tags, operationId: 'listProgrammes', security: PUBLIC, summary: 'Support programmes of the county and its townships (public)', response: { 200: z.array(programme) } } },
    async () => programmes.listProgrammes(app.db),
  );
  app.post(
    '/people/programmes',
    { schema: { tags, operationId: 'createProgramme', security: SESSION, summary: 'Set up a support programme (county admin, or a township official for their township)', body: programmeBody, response: { 201: programme } } },
    async (request, reply) => reply.code(201).send(await programmes.createProgramme(app.db, request.actor, request.body)),
  );
  app.get(
    '/people/programmes/:id',
    {
      schema: {
        tags,
        operationId: 'getProgramme', security: PUBLIC,
        summary: 'A programme with public figures: applications, approvals, disbursed',
        params: idParams,
        response: { 200: programme.extend({ applied: z.number(), approved: z.number() }) },
      },
    },
    async (request) => ({ ...(await programmes.getProgramme(app.db, request.params.id)), ...(await programmes.programmeFigures(app.db, request.params.id)) }),
  );
  app.post(
    '/people/programmes/:id/applications',
    {
      schema: {
        tags,
        operationId: 'applyToProgramme', security: SESSION,
        summary: 'Apply to a programme (a registered resident)',
        params: idParams,
        body: z.strictObject({ amountFen: fen.min(1), plan: text(10_000, 10), businessLink: text(300).nullish() }),
        response: { 201: application },
      },
    },
    async (request, reply) => reply.code(201).send(await programmes.apply(app.db, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/people/applications',
    {
      schema: {
        tags,
        operationId: 'reviewQueue', security: SESSION,
        summary: 'Applications from the villages in the official’s scope',
        querystring: z.strictObject({ status: status.optional(), programmeId: z.uuid().optional() }),
        response: { 200: z.array(application) },
      },
    },
    async (request) => programmes.reviewQueue(app.db, request.actor, request.query),
  );
  app.get(
    '/people/applications/:id',
    { schema: { tags, operationId: 'getApplication', security: SESSION, summary: 'One application with its trail (its applicant, or officials in scope)', params: idParams, response: { 200: application } } },
    async (request) => programmes.getApplication(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/applications/:id/decisions',
    {
      schema: {
        tags,
        operationId: 'decideApplication', security: SESSION,
        summary: 'Take a step: approve (each level at its own), reject with a reason, disburse (county), withdraw (applicant)',
        params: idParams,
        body: decisionBody,
        response: { 200: application },
      },
    },
    async (request) => programmes.decide(app.db, request.actor, request.params.id, request.body),
  );

  // ---- artisans and apprenticeships ----
  app.get(
    '/people/crafts',
    {
      schema: {
        tags,
        operationId: 'listCrafts', security: PUBLIC,
        summary: 'Masters and apprentices per craft (public; apprentices masked)',
        response: {
          200: z.array(
            z.object({
              craft: z.string(),
              apprentices: z.number(),
              masters: z.array(artisan.extend({ atlasCraft: z.object({ id: z.uuid(), name: z.string(), path: z.string() }).nullable(), apprentices: z.array(z.object({ name: z.string(), status: z.enum(APPRENTICESHIP_STATUSES) })) })),
            }),
          ),
        },
      },
    },
    async () => artisans.crafts(app.db),
  );
  app.post(
    '/people/artisans',
    { schema: { tags, operationId: 'registerArtisan', security: SESSION, summary: 'Record a resident as a master of a craft (officials of their village and above)', body: artisanBody, response: { 201: artisan } } },
    async (request, reply) => reply.code(201).send(await artisans.registerArtisan(app.db, request.actor, request.body)),
  );
  app.post(
    '/people/artisans/:id/apprenticeships',
    {
      schema: {
        tags,
        operationId: 'applyForApprenticeship', security: SESSION,
        summary: 'Ask a master to take you on (a registered resident)',
        params: idParams,
        body: z.strictObject({ motivation: text(2000).optional() }),
        response: { 201: apprenticeship },
      },
    },
    async (request, reply) => reply.code(201).send(await artisans.applyForApprenticeship(app.db, request.actor, request.params.id, request.body.motivation ?? '')),
  );
  app.post(
    '/people/apprenticeships/:id/decisions',
    {
      schema: {
        tags,
        operationId: 'decideApprenticeship', security: SESSION,
        summary: 'Accept, decline or complete an apprenticeship (the master, or officials)',
        params: idParams,
        body: z.strictObject({ action: z.enum(['accept', 'decline', 'complete']) }),
        response: { 200: apprenticeship },
      },
    },
    async (request) => artisans.decideApprenticeship(app.db, request.actor, request.params.id, request.body.action),
  );
  app.post(
    '/people/apprenticeships/:id/sessions',
    {
      schema: {
        tags,
        operationId: 'logTrainingSession', security: SESSION,
        summary: 'Log a training session with an active apprentice (the master, or officials)',
        params: idParams,
        body: z.strictObject({ heldOn: day, minutes: z.number().int().min(1).max(1440), skills: text(500).optional(), note: text(2000).optional() }),
        response: { 201: session },
      },
    },
    async (request, reply) => reply.code(201).send(await artisans.logSession(app.db, request.actor, request.params.id, request.body)),
  );

  // ---- the local jobs board ----
  app.get(
    '/people/jobs',
    { schema: { tags, operationId: 'listJobs', security: PUBLIC, summary: 'Open jobs of inns, cooperatives, workshops and intervention projects (public)', response: { 200: z.array(job) } } },
    async () => jobs.listJobs(app.db),
  );
  app.get(
    '/people/jobs/posting-options',
    {
      schema: {
        tags,
        operationId: 'jobPostingOptions',
        security: SESSION,
        summary: 'The organizations and intervention projects the signed-in person may post jobs for',
        response: {
          200: z.object({
            organizations: z.array(z.object({ id: z.uuid(), name: z.string(), nameEn: z.string().nullable(), namePinyin: z.string(), kind: z.string() })),
            projects: z.array(z.object({ id: z.uuid(), title: z.string(), titleEn: z.string().nullable(), villageId: z.uuid() })),
          }),
        },
      },
    },
    async (request) => jobs.postingOptions(app.db, request.actor),
  );
  app.post(
    '/people/jobs',
    { schema: { tags, operationId: 'postJob', security: SESSION, summary: 'Post a job for an organization or an intervention project', body: jobBody, response: { 201: job } } },
    async (request, reply) => reply.code(201).send(await jobs.postJob(app.db, request.actor, request.body)),
  );
  app.get(
    '/people/jobs/:id',
    {
      schema: {
        tags,
        operationId: 'getJob',
        security: OPTIONAL_SESSION,
        summary: 'One job; with a session, whether you may decide on it, may apply, or have applied',
        params: idParams,
        response: { 200: job.extend({ canManage: z.boolean(), canApply: z.boolean(), myApplication: z.object({ id: z.uuid(), status: z.enum(JOB_APPLICATION_STATUSES) }).nullable() }) },
      },
    },
    async (request) => jobs.getJob(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/jobs/:id/close',
    { schema: { tags, operationId: 'closeJob', security: SESSION, summary: 'Stop taking applications (the poster)', params: idParams, response: { 200: job } } },
    async (request) => jobs.closeJob(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/jobs/:id/applications',
    {
      schema: {
        tags,
        operationId: 'applyForJob',
        security: SESSION,
        summary: 'Apply for a job (a registered resident), with the phone the poster may call',
        params: idParams,
        body: z.strictObject({ contact: phone.optional(), note: text(2000).optional() }),
        response: { 201: jobApplication },
      },
    },
    async (request, reply) => reply.code(201).send(await jobs.applyForJob(app.db, request.actor, request.params.id, request.body)),
  );
  app.get(
    '/people/jobs/:id/applications',
    {
      schema: {
        tags,
        operationId: 'listJobApplications',
        security: SESSION,
        summary: 'The applications to a job, with the contact each applicant gave (the poster); audited',
        params: idParams,
        response: { 200: z.array(z.object({ id: z.uuid(), name: z.string(), contact: z.string(), note: z.string(), status: z.enum(JOB_APPLICATION_STATUSES), createdAt: z.string() })) },
      },
    },
    async (request) => jobs.jobApplicationsFor(app.db, request.actor, request.params.id),
  );
  app.post(
    '/people/job-applications/:id/decisions',
    {
      schema: {
        tags,
        operationId: 'decideJobApplication',
        security: SESSION,
        summary: 'Accept or decline an application (the poster), or withdraw it (the applicant)',
        params: idParams,
        body: z.strictObject({ action: z.enum(['accept', 'decline', 'withdraw']) }),
        response: { 200: jobApplication },
      },
    },
    async (request) => jobs.decideJobApplication(app.db, request.actor, request.params.id, request.body.action),
  );

  // ---- a village's household register from XLSX ----
  const REGISTER_MAX_BYTES = 5 * 1024 * 1024;
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: REGISTER_MAX_BYTES, files: 1 } });
  app.get(
    '/people/import/residents/template.xlsx',
    { schema: { tags, operationId: 'registerTemplate', security: PUBLIC, summary: 'The XLSX template of a household register (columns, one example row, notes)', response: { 200: binary('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') } } },
    async (_request, reply) =>
      reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="household-register-template.xlsx"')
        .send(await registerTemplate()),
  );
  app.post(
    '/people/import/residents',
    {
      schema: {
        tags,
        operationId: 'importRegister',
        security: SESSION,
        summary: 'Import a village’s household register from XLSX (officials): every row is checked and reported; all are written or none (422 with the report)',
        consumes: ['multipart/form-data'],
        querystring: z.strictObject({ villageId: z.uuid(), dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }),
        response: {
          200: z.object({
            rows: z.number(),
            imported: z.number(),
            dryRun: z.boolean(),
            report: z.array(z.object({ row: z.number(), field: z.string(), code: z.string(), reason: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const { file } = await readMultipart(request, REGISTER_MAX_BYTES, () => new Problem(413, 'import_too_large', `The file is larger than ${REGISTER_MAX_BYTES / 1048576} MB`, { field: 'file' }));
      return importRegister(app.db, request.actor, { villageId: request.query.villageId, dryRun: request.query.dryRun, data: file.data });
    },
  );
};
