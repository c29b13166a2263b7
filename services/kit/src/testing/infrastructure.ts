// Where tests find the real NATS and PostgreSQL of the machine (CI and development machines run both on loopback).
export const testNatsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const testDatabaseAdminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
