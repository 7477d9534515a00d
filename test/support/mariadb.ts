import mysql from 'mysql2/promise';

export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export function mariadb() {
  return mysql.createConnection({ uri: MARIADB_URL, charset: 'utf8mb4', multipleStatements: false });
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
}
