import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

type OpenApiDocument = { paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };

const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * @fastify/swagger marks every request body required; a route whose zod body accepts no body at all is
 * documented as optional instead. Call before the routes are registered; pass the result as `transformObject`.
 */
export function documentOptionalBodies(app: FastifyInstance): SwaggerTransformObject {
  const optional = new Set<string>();
  app.addHook('onRoute', (route) => {
    const body = route.schema?.body as { safeParse?: (v: unknown) => { success: boolean } } | undefined;
    if (!body?.safeParse?.(undefined).success) return;
    for (const method of [route.method].flat()) optional.add(`${method.toLowerCase()} ${openApiPath(route.url)}`);
  });
  return (documentObject) => {
    const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDocument;
    for (const [path, operations] of Object.entries(doc.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation.requestBody && optional.has(`${method} ${path}`)) operation.requestBody.required = false;
      }
    }
    return doc as ReturnType<SwaggerTransformObject>;
  };
}
