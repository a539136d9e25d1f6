/**
 * `@pyrots/create`: makes a new pyrots project (what `pyrots-create` and `npm init @pyrots` run).
 */
export {
  CreateError,
  type CreateOptions,
  type CreatedProject,
  DEV_DEPENDENCIES,
  TEMPLATE_DIR,
  createProject,
  packageNameFrom,
  packageNameProblem,
} from "./create.js";
export { PYROTS_PACKAGES, type PyrotsSource, cloneAt, cloneOfThisPackage, dependencySpecs } from "./source.js";
