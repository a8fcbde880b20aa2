// Copies the front-end packages into assets/build (served as /static/) and points the
// GOV.UK stylesheet's font and image URLs at their new home. No bundler needed.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "assets", "build");
const nm = (p) => join(root, "node_modules", p);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });
mkdirSync(join(out, "moj"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const rewrite = (src, dest, from, to) =>
  writeFileSync(dest, readFileSync(src, "utf8").split(from).join(to));

rewrite(nm("govuk-frontend/dist/govuk/govuk-frontend.min.css"), join(out, "govuk", "govuk-frontend.min.css"), "url(/assets/", "url(/static/govuk/assets/");
cpSync(nm("govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(nm("govuk-frontend/dist/govuk/assets"), join(out, "govuk", "assets"), { recursive: true });
rewrite(nm("@ministryofjustice/frontend/moj/moj-frontend.min.css"), join(out, "moj", "moj-frontend.min.css"), "url(/assets/", "url(/static/moj/assets/");
cpSync(nm("@ministryofjustice/frontend/moj/moj-frontend.min.js"), join(out, "moj", "moj-frontend.min.js"));
cpSync(nm("@ministryofjustice/frontend/moj/assets"), join(out, "moj", "assets"), { recursive: true });
cpSync(nm("htmx.org/dist/htmx.min.js"), join(out, "js", "htmx.min.js"));
cpSync(join(root, "assets", "src"), join(out, "ems"), { recursive: true });
console.log("assets built in", out);
