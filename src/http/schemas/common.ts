/** Schemas shared by many routes. */
import { Type, type TSchema } from '@sinclair/typebox';

export const Id = Type.String({ format: 'uuid', description: 'UUID v7' });
export const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164 phone number', examples: ['+4930901820'] });
/** What a person types for a phone number: E.164 or the national form of the account's country. */
export const PhoneInput = Type.String({ minLength: 3, maxLength: 32, description: 'phone number, E.164 or national form of the account country', examples: ['+4915123456789'] });
export const Timestamp = Type.String({ format: 'date-time' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable error code, see the error catalog' }),
    field: Type.Optional(Type.String({ description: 'the request field that failed' })),
    instance: Type.String(),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const NoContent = Type.Null({ description: 'no content' });
