// Start GOV.UK Frontend components once the page has loaded.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
