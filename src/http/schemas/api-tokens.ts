import { Type } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './common.ts';

export const ApiToken = Type.Object({ id: Id, name: Type.String(), createdAt: Timestamp, lastUsedAt: Nullable(Timestamp), expiresAt: Nullable(Timestamp) });
