// Support programmes the county or a township sets, residents' applications, and the approval chain
// (village → township → county, then the county disburses), every step audited and kept in the trail.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { badRequest, conflict, forbidden, notFound, refusedTransition } from '../../server/problems.ts';
import { authorize, getUnit, holdsPermissionAnywhere, requireActor, type Actor } from '../governance/index.ts';
import { myResidentRow, scopeFilter } from './residents.ts';
import { applicationDocuments, applications, applicationSteps, programmes, residents, type ApplicationAction, type ApplicationStatus, type ProgrammeKind } from './schema.ts';

type Programme = typeof programmes.$inferSelect;

export interface ProgrammeInput {
  unitId: string;
  kind: ProgrammeKind;
  title: string;
  titleEn?: string | null;
  description?: string;
  criteria?: string;
  returneesOnly?: boolean;
  budgetFen: number;
  maxAwardFen: number;
  deadline: string;
  documents?: string[];
}

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

function programmeView(p: Programme) {
  return {
    id: p.id,
    unitId: p.unitId,
    kind: p.kind,
    title: p.title,
    titleEn: p.titleEn,
    description: p.description,
    criteria: p.criteria,
    returneesOnly: p.returneesOnly,
    budgetFen: p.budgetFen,
    maxAwardFen: p.maxAwardFen,
    disbursedFen: p.disbursedFen,
    deadline: p.deadline,
    documents: p.documents,
    open: p.deadline >= shanghaiToday(),
  };
}

export async function createProgramme(db: Db, actor: Actor | null, input: ProgrammeInput) {
  const unit = await getUnit(db, input.unitId);
  if (unit.level === 'village') throw badRequest('body/unitId', 'Programmes are set by the county or a township');
  const who = await authorize(db, actor, 'people.programmes.manage', { unitId: unit.id });
  if (input.maxAwardFen > input.budgetFen) throw badRequest('body/maxAwardFen', 'The largest award cannot exceed the budget');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(programmes)
      .values({
        countyId: who.countyId,
        unitId: unit.id,
        kind: input.kind,
        title: input.title,
        titleEn: input.titleEn || null,
        description: input.description ?? '',
        criteria: input.criteria ?? '',
        returneesOnly: input.returneesOnly ?? false,
        budgetFen: input.budgetFen,
        maxAwardFen: input.maxAwardFen,
        deadline: input.deadline,
        documents: input.documents ?? [],
        createdBy: who.id,
      })
      .returning();
    await recordAudit(tx, who, { action: 'people.programme.create', entity: 'people_programme', entityId: row.id, details: { title: row.title, budgetFen: row.budgetFen, deadline: row.deadline } });
    return programmeView(row);
  });
}

/** Every programme of the county (public: what is offered, to whom, until when). */
export async function listProgrammes(db: Db) {
  const rows = await db.select().from(programmes).orderBy(desc(programmes.deadline), asc(programmes.title));
  return rows.map(programmeView);
}

async function loadProgramme(db: Db, id: string) {
  const [row] = await db.select().from(programmes).where(eq(programmes.id, id));
  if (!row) throw notFound('Programme');
  return row;
}

export async function getProgramme(db: Db, id: string) {
  return programmeView(await loadProgramme(db, id));
}

// ---- applications ----

type ApplicationRow = typeof applications.$inferSelect;

async function stepsOf(db: Db, countyId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, { from: ApplicationStatus; to: ApplicationStatus; note: string; at: string }[]>();
  const rows = await db
    .select()
    .from(applicationSteps)
    .where(and(eq(applicationSteps.countyId, countyId), inArray(applicationSteps.applicationId, ids)))
    .orderBy(asc(applicationSteps.at), asc(applicationSteps.id));
  const out = new Map<string, { from: ApplicationStatus; to: ApplicationStatus; note: string; at: string }[]>();
  for (const s of rows) out.set(s.applicationId, [...(out.get(s.applicationId) ?? []), { from: s.fromStatus, to: s.toStatus, note: s.note, at: s.at.toISOString() }]);
  return out;
}

/** The documents attached to the given applications, by application. */
async function documentsOf(db: Db, countyId: string, ids: string[]) {
  const out = new Map<string, { id: string; name: string; contentType: string; bytes: number }[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: applicationDocuments.id, applicationId: applicationDocuments.applicationId, name: applicationDocuments.name, contentType: applicationDocuments.contentType, bytes: applicationDocuments.bytes })
    .from(applicationDocuments)
    .where(and(eq(applicationDocuments.countyId, countyId), inArray(applicationDocuments.applicationId, ids)))
    .orderBy(asc(applicationDocuments.createdAt), asc(applicationDocuments.id));
  for (const { applicationId, ...d } of rows) out.set(applicationId, [...(out.get(applicationId) ?? []), d]);
  return out;
}

async function applicationViews(db: Db, countyId: string, rows: { a: ApplicationRow; p: Programme; applicant: string }[]) {
  const ids = rows.map((r) => r.a.id);
  const steps = await stepsOf(db, countyId, ids);
  const documents = await documentsOf(db, countyId, ids);
  return rows.map(({ a, p, applicant }) => ({
    id: a.id,
    programmeId: a.programmeId,
    programmeTitle: p.title,
    programmeTitleEn: p.titleEn,
    programmeKind: p.kind,
    residentId: a.residentId,
    villageId: a.villageId,
    applicant,
    amountFen: a.amountFen,
    plan: a.plan,
    businessLink: a.businessLink,
    status: a.status,
    reason: a.reason,
    disbursedFen: a.disbursedFen,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    steps: steps.get(a.id) ?? [],
    requiredDocuments: p.documents,
    documents: documents.get(a.id) ?? [],
  }));
}

/** A registered resident applies; the programme must cover their village, be open, and admit them. */
export async function apply(db: Db, actor: Actor | null, programmeId: string, input: { amountFen: number; plan: string; businessLink?: string | null }) {
  const who = requireActor(actor);
  const me = await myResidentRow(db, who);
  if (!me) throw forbidden('Only a resident registered by their village applies; ask the village official to enrol you');
  const p = await loadProgramme(db, programmeId);
  if (p.countyId !== who.countyId) throw notFound('Programme');
  if (![me.villageId, me.townshipId, me.countyId].includes(p.unitId)) throw conflict('not_eligible', 'This programme is for residents of another township');
  if (p.returneesOnly && me.status !== 'returned') throw conflict('not_eligible', 'This programme is for residents who came back to the village');
  if (p.deadline < shanghaiToday()) throw conflict('programme_closed', `Applications closed on ${p.deadline}`);
  if (input.amountFen > p.maxAwardFen) throw badRequest('body/amountFen', `At most ${p.maxAwardFen} fen per applicant`);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(applications)
      .values({ countyId: who.countyId, programmeId: p.id, residentId: me.id, villageId: me.villageId, amountFen: input.amountFen, plan: input.plan, businessLink: input.businessLink ?? null })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('already_applied', 'You have already applied to this programme');
    await recordAudit(tx, who, { action: 'people.application.submit', entity: 'people_application', entityId: row.id, details: { programmeId: p.id, amountFen: row.amountFen } });
    const [view] = await applicationViews(tx, who.countyId, [{ a: row, p, applicant: me.fullName }]);
    return view;
  });
}

/** The signed-in resident's applications with their trail. */
export async function myApplications(db: Db, actor: Actor | null) {
  const who = requireActor(actor);
  const me = await myResidentRow(db, who);
  if (!me) return [];
  const rows = await db
    .select({ a: applications, p: programmes })
    .from(applications)
    .innerJoin(programmes, and(eq(programmes.countyId, applications.countyId), eq(programmes.id, applications.programmeId)))
    .where(and(eq(applications.countyId, who.countyId), eq(applications.residentId, me.id)))
    .orderBy(desc(applications.createdAt));
  return applicationViews(
    db,
    who.countyId,
    rows.map((r) => ({ ...r, applicant: me.fullName })),
  );
}

/** Applications from the villages in an official's scope (applicants named: officials of their village and above). */
export async function reviewQueue(db: Db, actor: Actor | null, filter: { status?: ApplicationStatus; programmeId?: string }) {
  const who = requireActor(actor);
  if (!holdsPermissionAnywhere(who, 'people.residents.read')) throw forbidden('Only officials review applications');
  const rows = await db
    .select({ a: applications, p: programmes, applicant: residents.fullName })
    .from(applications)
    .innerJoin(programmes, and(eq(programmes.countyId, applications.countyId), eq(programmes.id, applications.programmeId)))
    .innerJoin(residents, and(eq(residents.countyId, applications.countyId), eq(residents.id, applications.residentId)))
    .where(
      and(
        eq(applications.countyId, who.countyId),
        scopeFilter(who, applications.villageId, residents.townshipId),
        filter.status ? eq(applications.status, filter.status) : undefined,
        filter.programmeId ? eq(applications.programmeId, filter.programmeId) : undefined,
      ),
    )
    .orderBy(desc(applications.updatedAt))
    .limit(500);
  return applicationViews(db, who.countyId, rows);
}

/** An application with its programme and applicant; the caller checks who may see it. */
export async function loadApplication(db: Db, countyId: string, id: string) {
  const [row] = await db
    .select({ a: applications, p: programmes, applicant: residents.fullName, applicantUser: residents.userId })
    .from(applications)
    .innerJoin(programmes, and(eq(programmes.countyId, applications.countyId), eq(programmes.id, applications.programmeId)))
    .innerJoin(residents, and(eq(residents.countyId, applications.countyId), eq(residents.id, applications.residentId)))
    .where(and(eq(applications.countyId, countyId), eq(applications.id, id)));
  if (!row) throw notFound('Application');
  return row;
}

/** Each step: the status it leaves, where it goes, and who may take it. */
const STEPS: Record<ApplicationAction, { from: ApplicationStatus; to: ApplicationStatus; permission: string | 'applicant' }[]> = {
  approve: [
    { from: 'submitted', to: 'village_approved', permission: 'people.applications.approve_village' },
    { from: 'village_approved', to: 'township_approved', permission: 'people.applications.approve_township' },
    { from: 'township_approved', to: 'approved', permission: 'people.applications.approve_county' },
  ],
  reject: [
    { from: 'submitted', to: 'rejected', permission: 'people.applications.approve_village' },
    { from: 'village_approved', to: 'rejected', permission: 'people.applications.approve_township' },
    { from: 'township_approved', to: 'rejected', permission: 'people.applications.approve_county' },
  ],
  disburse: [{ from: 'approved', to: 'disbursed', permission: 'people.applications.approve_county' }],
  withdraw: [
    { from: 'submitted', to: 'withdrawn', permission: 'applicant' },
    { from: 'village_approved', to: 'withdrawn', permission: 'applicant' },
    { from: 'township_approved', to: 'withdrawn', permission: 'applicant' },
  ],
};

export interface DecisionInput {
  action: ApplicationAction;
  from: ApplicationStatus;
  note?: string;
  reason?: string;
  amountFen?: number;
}

const refused = (action: string, status: ApplicationStatus) =>
  refusedTransition(`Cannot ${action} an application that is ${status.replace('_', ' ')}`, status, { field: 'body/from' });

/** Takes one step of the chain; the update is conditional on the status the caller saw, so two reviewers cannot both act. */
export async function decide(db: Db, actor: Actor | null, id: string, input: DecisionInput) {
  const who = requireActor(actor);
  const row = await loadApplication(db, who.countyId, id);
  const isApplicant = row.applicantUser === who.id;
  if (!isApplicant) await authorize(db, who, 'people.residents.read', { unitId: row.a.villageId });
  const step = STEPS[input.action].find((s) => s.from === input.from);
  if (!step) throw refused(input.action, row.a.status);
  if (step.permission === 'applicant') {
    if (!isApplicant) throw forbidden('Only the applicant withdraws an application');
  } else {
    await authorize(db, who, step.permission, { unitId: row.a.villageId });
  }
  if (input.action === 'reject' && !input.reason) throw badRequest('body/reason', 'Give the applicant a reason');
  const amount = input.action === 'disburse' ? (input.amountFen ?? row.a.amountFen) : 0;
  if (amount > row.a.amountFen) throw badRequest('body/amountFen', 'At most the amount applied for');

  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(applications)
      .set({
        status: step.to,
        updatedAt: new Date(),
        ...(input.action === 'reject' ? { reason: input.reason } : {}),
        ...(input.action === 'disburse' ? { disbursedFen: amount } : {}),
      })
      .where(and(eq(applications.countyId, who.countyId), eq(applications.id, id), eq(applications.status, step.from)))
      .returning();
    if (!moved) {
      const [now] = await tx.select({ status: applications.status }).from(applications).where(and(eq(applications.countyId, who.countyId), eq(applications.id, id)));
      throw refused(input.action, now.status);
    }
    if (input.action === 'disburse') {
      const [spent] = await tx
        .update(programmes)
        .set({ disbursedFen: sql`${programmes.disbursedFen} + ${amount}` })
        .where(and(eq(programmes.countyId, who.countyId), eq(programmes.id, row.p.id), sql`${programmes.disbursedFen} + ${amount} <= ${programmes.budgetFen}`))
        .returning({ id: programmes.id });
      if (!spent) throw conflict('over_budget', 'The programme has not enough budget left for this disbursement', { field: 'body/amountFen' });
    }
    const note = input.reason ?? input.note ?? '';
    await tx.insert(applicationSteps).values({ countyId: who.countyId, applicationId: id, fromStatus: step.from, toStatus: step.to, actorId: who.id, note });
    await recordAudit(tx, who, {
      action: `people.application.${input.action}`,
      entity: 'people_application',
      entityId: id,
      details: { from: step.from, to: step.to, amountFen: amount || undefined },
    });
    const [view] = await applicationViews(tx, who.countyId, [{ a: moved, p: row.p, applicant: row.applicant }]);
    return view;
  });
}

/** One application, for its applicant or an official in scope. */
export async function getApplication(db: Db, actor: Actor | null, id: string) {
  const who = requireActor(actor);
  const row = await loadApplication(db, who.countyId, id);
  if (row.applicantUser !== who.id) await authorize(db, who, 'people.residents.read', { unitId: row.a.villageId });
  const [view] = await applicationViews(db, who.countyId, [row]);
  return view;
}

/** Public per-programme figures: how many applied, were approved, and what was disbursed. No applicant is named. */
export async function programmeFigures(db: Db, id: string) {
  const p = await loadProgramme(db, id);
  const rows = await db
    .select({ status: applications.status, n: sql<number>`count(*)::int` })
    .from(applications)
    .where(and(eq(applications.countyId, p.countyId), eq(applications.programmeId, p.id)))
    .groupBy(applications.status);
  const n = (...s: ApplicationStatus[]) => rows.filter((r) => s.includes(r.status)).reduce((t, r) => t + r.n, 0);
  return { applied: n(...rows.map((r) => r.status)), approved: n('approved', 'disbursed'), disbursedFen: p.disbursedFen };
}
