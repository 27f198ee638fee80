// An application's documents over HTTP: the applicant uploads, the applicant and the reviewers download.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { documentTooLarge, PDF_MAX_BYTES, PHOTO_MAX_BYTES } from '../../server/images.ts';
import { readMultipart } from '../../server/multipart.ts';
import { binary, SESSION } from '../../server/openapi.ts';
import { badRequest } from '../../server/problems.ts';
import { storageFor } from '../../server/storage.ts';
import { addApplicationDocument, getApplicationDocument } from './documents.ts';
import { idParams } from './route-schemas.ts';

const MAX_BYTES = Math.max(PHOTO_MAX_BYTES, PDF_MAX_BYTES);

export const documentsRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['people'];
  await app.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: MAX_BYTES, files: 1 } });
  const storage = storageFor(app.config);

  app.post(
    '/people/applications/:id/documents',
    {
      schema: {
        tags,
        operationId: 'addApplicationDocument',
        security: SESSION,
        consumes: ['multipart/form-data'],
        summary: 'Attach one of the documents the programme asks for (field "file", an image or a PDF; field "name", the document’s name), while the application is under review (the applicant)',
        params: idParams,
        response: { 201: z.object({ id: z.uuid(), name: z.string(), contentType: z.string(), bytes: z.number() }) },
      },
    },
    async (request, reply) => {
      const { fields, file } = await readMultipart(request, MAX_BYTES, documentTooLarge);
      const name = (fields.name ?? '').trim();
      if (!name) throw badRequest('name', 'Say which document this is');
      return reply.code(201).send(await addApplicationDocument(app.db, storage, request.actor, request.params.id, { name, data: file.data, declaredType: file.mimetype }));
    },
  );
  app.get(
    '/people/application-documents/:id',
    {
      schema: {
        tags,
        operationId: 'getApplicationDocument',
        security: SESSION,
        summary: 'A document of an application (the applicant, or the officials who review it)',
        params: idParams,
        response: { 200: binary('image/jpeg', 'image/png', 'image/webp', 'application/pdf') },
      },
    },
    async (request, reply) => {
      const d = await getApplicationDocument(app.db, storage, request.actor, request.params.id);
      return reply.type(d.contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').header('content-disposition', 'inline').send(d.data);
    },
  );
};
