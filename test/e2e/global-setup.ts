import { ensureWebBuilt } from '../../scripts/build-web.mjs';

/** Browser tests run against the built client, as `npm start` serves it. */
export default async function setup() {
  await ensureWebBuilt();
}
