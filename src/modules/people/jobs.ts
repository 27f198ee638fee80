// The local jobs board: inns, cooperatives and workshops (their organization) and intervention projects (the officials
// of the project's village) post jobs; registered residents apply; the poster sees the applications and decides.
import { and, asc, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound, refusedTransition } from '../../server/problems.ts';
import { authorize, getUnit, holdsPermissionAnywhere, listOrganizations, requireActor, type Actor } from '../governance/index.ts';
import { activeProjects } from '../interventions/index.ts';
import { myResidentRow } from './residents.ts';
import { jobApplications, jobs, residents, type JobApplicationStatus, type JobPayUnit } from './schema.ts';

type Job = typeof jobs.$inferSelect;

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export interface JobInput {
  orgId?: string | null;
  projectId?: string | null;
  title: string;
  titleEn?: string | null;
  description?: string;
  payFen: number;
  payUnit: JobPayUnit;
  positions: number;
  closesOn: string;
}

const jobView = (j: Job, unitName: string) => ({
  id: j.id,
  posterKind: j.posterKind,
  posterName: j.posterName,
  orgId: j.orgId,
  projectId: j.projectId,
  unitId: j.unitId,
  unitName,
  title: j.title,
  titleEn: j.titleEn,
  description: j.description,
  payFen: j.payFen,
  payUnit: j.payUnit,
  positions: j.positions,
  closesOn: j.closesOn,
  status: j.status,
  open: j.status === 'open' && j.closesOn >= shanghaiToday(),
  createdAt: j.createdAt.toISOString(),
});

/** Who may post and decide for a job: the organization's people (or officials above it), or the project village's officials. */
async function authorizePoster(db: Db, actor: Actor | null, j: { orgId: string | null; unitId: string }) {
  return j.orgId ? authorize(db, actor, 'people.jobs.post', { orgId: j.orgId }) : authorize(db, actor, 'people.jobs.manage_project', { unitId: j.unitId });
}

/** What the actor may post for: their organizations, and the funded or running projects of the villages they serve. */
export async function postingOptions(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const orgs = holdsPermissionAnywhere(who, 'people.jobs.post') ? await listOrganizations(db, {}) : [];
  const mayOrgs = [];
  for (const o of orgs) {
    try {
      await authorize(db, who, 'people.jobs.post', { orgId: o.id });
      mayOrgs.push({ id: o.id, name: o.name, nameEn: o.nameEn, namePinyin: o.namePinyin, kind: o.kind });
    } catch {
      // not theirs
    }
  }
  const projects = holdsPermissionAnywhere(who, 'people.jobs.manage_project') ? await activeProjects(db, who.countyId) : [];
  const mayProjects = [];
  for (const p of projects) {
    try {
      await authorize(db, who, 'people.jobs.manage_project', { unitId: p.villageId });
      mayProjects.push({ id: p.id, title: p.title, titleEn: p.titleEn, villageId: p.villageId });
    } catch {
      // not in their scope
    }
  }
  return { organizations: mayOrgs, projects: mayProjects };
}

export async function postJob(db: Db, actor: Actor | null, input: JobInput) {
  const who = requireActor(actor);
  if (!!input.orgId === !!input.projectId) throw badRequest('body/orgId', 'Post for one organization or one project');
  let poster: { posterKind: 'organization' | 'project'; orgId: string | null; projectId: string | null; posterName: string; unitId: string };
  if (input.orgId) {
    const [org] = (await listOrganizations(db, {})).filter((o) => o.id === input.orgId);
    if (!org) throw badRequest('body/orgId', 'No such organization');
    poster = { posterKind: 'organization', orgId: org.id, projectId: null, posterName: org.name, unitId: org.unitId };
  } else {
    const project = (await activeProjects(db, who.countyId)).find((p) => p.id === input.projectId);
    if (!project) throw badRequest('body/projectId', 'Jobs are posted for a funded or running intervention project');
    poster = { posterKind: 'project', orgId: null, projectId: project.id, posterName: project.title, unitId: project.villageId };
  }
  await authorizePoster(db, who, poster);
  if (input.closesOn < shanghaiToday()) throw badRequest('body/closesOn', 'The closing day is already past');
  const unit = await getUnit(db, poster.unitId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(jobs)
      .values({
        countyId: who.countyId,
        ...poster,
        title: input.title,
        titleEn: input.titleEn || null,
        description: input.description ?? '',
        payFen: input.payFen,
        payUnit: input.payUnit,
        positions: input.positions,
        closesOn: input.closesOn,
        createdBy: who.id,
      })
      .returning();
    await recordAudit(tx, who, { action: 'people.job.post', entity: 'people_job', entityId: row.id, details: { posterKind: row.posterKind, orgId: row.orgId, projectId: row.projectId } });
    return jobView(row, unit.nameZh);
  });
}

async function loadJob(db: Db, id: string) {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw notFound('Job');
  return row;
}

/** Open jobs, newest first (public: no applicant is named). */
export async function listJobs(db: Db) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, 'open'), gte(jobs.closesOn, shanghaiToday())))
    .orderBy(desc(jobs.createdAt))
    .limit(200);
  const names = await unitNames(db, rows.map((r) => r.unitId));
  return rows.map((r) => jobView(r, names.get(r.unitId) ?? ''));
}

async function unitNames(db: Db, ids: string[]) {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) out.set(id, (await getUnit(db, id)).nameZh);
  return out;
}

/** One job (public), with how many have applied and whether the viewer may decide on it or has applied. */
export async function getJob(db: Db, actor: Actor | null, id: string) {
  const row = await loadJob(db, id);
  const unit = await getUnit(db, row.unitId);
  let canManage = false;
  if (actor) {
    try {
      await authorizePoster(db, actor, row);
      canManage = true;
    } catch {
      canManage = false;
    }
  }
  const me = actor ? await myResidentRow(db, actor) : null;
  const [mine] = me
    ? await db
        .select({ id: jobApplications.id, status: jobApplications.status })
        .from(jobApplications)
        .where(and(eq(jobApplications.countyId, row.countyId), eq(jobApplications.jobId, id), eq(jobApplications.residentId, me.id)))
    : [];
  return { ...jobView(row, unit.nameZh), canManage, canApply: !!me, myApplication: mine ?? null };
}

export async function closeJob(db: Db, actor: Actor | null, id: string) {
  const row = await loadJob(db, id);
  const who = await authorizePoster(db, actor, row);
  return db.transaction(async (tx) => {
    const [closed] = await tx
      .update(jobs)
      .set({ status: 'closed', updatedAt: new Date() })
      .where(and(eq(jobs.countyId, row.countyId), eq(jobs.id, id), eq(jobs.status, 'open')))
      .returning();
    if (!closed) throw refusedTransition('This job is already closed', 'closed');
    await recordAudit(tx, who, { action: 'people.job.close', entity: 'people_job', entityId: id });
    return jobView(closed, (await getUnit(tx, closed.unitId)).nameZh);
  });
}

/** A registered resident applies, giving the contact the poster may use. */
export async function applyForJob(db: Db, actor: Actor | null, id: string, input: { contact?: string; note?: string }) {
  const who = requireActor(actor);
  const me = await myResidentRow(db, who);
  if (!me) throw forbidden('Only residents on a village’s register apply; ask your village official for an enrolment code');
  const row = await loadJob(db, id);
  if (row.status !== 'open' || row.closesOn < shanghaiToday()) throw conflict('job_closed', 'This job no longer takes applications');
  const contact = input.contact?.trim() || me.phone;
  if (!contact) throw badRequest('body/contact', 'Give a phone number the poster can call');
  return db.transaction(async (tx) => {
    const [app] = await tx
      .insert(jobApplications)
      .values({ countyId: row.countyId, jobId: id, residentId: me.id, contact, note: input.note ?? '' })
      .onConflictDoNothing()
      .returning();
    if (!app) throw conflict('already_applied', 'You have already applied to this job');
    await recordAudit(tx, who, { action: 'people.job.apply', entity: 'people_job_application', entityId: app.id, details: { jobId: id } });
    return { id: app.id, jobId: id, status: app.status };
  });
}

/** The applications to a job, for its poster: the applicant's name, the contact they gave, their note. Audited. */
export async function jobApplicationsFor(db: Db, actor: Actor | null, id: string) {
  const row = await loadJob(db, id);
  const who = await authorizePoster(db, actor, row);
  const rows = await db
    .select({ a: jobApplications, name: residents.fullName })
    .from(jobApplications)
    .innerJoin(residents, and(eq(residents.countyId, jobApplications.countyId), eq(residents.id, jobApplications.residentId)))
    .where(and(eq(jobApplications.countyId, row.countyId), eq(jobApplications.jobId, id)))
    .orderBy(asc(jobApplications.createdAt));
  // The poster reads personal data the applicants chose to give: each reading leaves a row (naming no one).
  await recordAudit(db, who, { action: 'people.job.applications.view', entity: 'people_job', entityId: id, details: { applications: rows.length } });
  return rows.map(({ a, name }) => ({ id: a.id, name, contact: a.contact, note: a.note, status: a.status, createdAt: a.createdAt.toISOString() }));
}

const NEXT: Record<'accept' | 'decline' | 'withdraw', { from: JobApplicationStatus[]; to: JobApplicationStatus }> = {
  accept: { from: ['applied', 'declined'], to: 'accepted' },
  decline: { from: ['applied', 'accepted'], to: 'declined' },
  withdraw: { from: ['applied', 'accepted'], to: 'withdrawn' },
};

/** The poster accepts or declines; the applicant withdraws. A conditional update: a stale decision is refused. */
export async function decideJobApplication(db: Db, actor: Actor | null, applicationId: string, action: 'accept' | 'decline' | 'withdraw') {
  const who = requireActor(actor);
  const [app] = await db.select().from(jobApplications).where(and(eq(jobApplications.countyId, who.countyId), eq(jobApplications.id, applicationId)));
  if (!app) throw notFound('Job application');
  const job = await loadJob(db, app.jobId);
  if (action === 'withdraw') {
    const me = await myResidentRow(db, who);
    if (me?.id !== app.residentId) throw forbidden('Only the applicant withdraws an application');
  } else await authorizePoster(db, who, job);
  const step = NEXT[action];
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobApplications)
      .set({ status: step.to, updatedAt: new Date() })
      .where(and(eq(jobApplications.countyId, app.countyId), eq(jobApplications.id, applicationId), inArray(jobApplications.status, step.from)))
      .returning();
    if (!row) throw refusedTransition(`An application that is ${app.status} cannot be ${step.to}`, app.status, { field: 'body/action' });
    await recordAudit(tx, who, { action: `people.job.${action}`, entity: 'people_job_application', entityId: applicationId, details: { jobId: app.jobId, from: app.status } });
    return { id: row.id, jobId: row.jobId, status: row.status };
  });
}

/** The signed-in resident's job applications. */
export async function myJobApplications(db: Db, actor: Actor | null) {
  const me = await myResidentRow(db, actor);
  if (!me) return [];
  const rows = await db
    .select({ id: jobApplications.id, jobId: jobApplications.jobId, status: jobApplications.status, title: jobs.title, titleEn: jobs.titleEn, posterName: jobs.posterName })
    .from(jobApplications)
    .innerJoin(jobs, and(eq(jobs.countyId, jobApplications.countyId), eq(jobs.id, jobApplications.jobId)))
    .where(and(eq(jobApplications.countyId, me.countyId), eq(jobApplications.residentId, me.id)))
    .orderBy(desc(jobApplications.createdAt));
  return rows;
}
