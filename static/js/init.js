// Starts every GOV.UK Frontend component on the page (loaded once, as a module).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
