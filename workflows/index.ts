export { migrationWorkflow, progressQuery } from './migration';
