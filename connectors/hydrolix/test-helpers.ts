import type { Column, ColumnType, TableSchema } from '../types';
import type { HydrolixSettings } from './config';

export const col = (name: string, type: ColumnType, nullable = true, sourceType: string = type.kind): Column => ({ name, type, nullable, sourceType });

export const schemaOf = (columns: Column[], key: string[] = [columns[0].name]): TableSchema => ({
  name: 'src',
  columns,
  key,
  keySource: 'primary',
});

export const settingsFor = (url: string, over: Partial<HydrolixSettings> = {}): HydrolixSettings => ({
  url,
  username: 'admin@example.com',
  password: 'hunter2-SECRET',
  project: 'epic_shelter',
  maxRequestBytes: 8 * 1024 * 1024,
  visibilityWaitMs: 0,
  validateRows: 100,
  maxRetries: 8,
  retryBaseMs: 1,
  ...over,
});
