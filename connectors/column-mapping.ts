/**
 * Column mapping (`destination_config.columns`): per source column, a new name, a cast to another
 * destination type, or `skip`. Shared by the API (request validation, OpenAPI), the plan and the copy.
 */
import { z } from 'zod';

export const columnRuleSchema = z
  .object({
    name: z.string().min(1).max(255).optional().describe('Destination column name (default: the source name)'),
    cast: z.string().min(1).max(64).optional().describe('Destination type to cast to; the plan lists the casts a destination supports'),
    skip: z.boolean().optional().describe('Leave this column out of the destination'),
  })
  .strict();

export const columnMappingSchema = z
  .record(z.string().min(1).max(255), columnRuleSchema)
  .describe('Per source column: rename, cast or skip. Columns not listed are copied as they are.');

export type ColumnRule = z.infer<typeof columnRuleSchema>;
export type ColumnMapping = z.infer<typeof columnMappingSchema>;
