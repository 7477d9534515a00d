export { migrationWorkflow, progressQuery } from './migration';
export { catalogWorkflow, planWorkflow } from './catalog';
