/**
 * One route = one file under routes/<resource>/<operation>.ts, exporting `defineRoute(...)`.
 * The definition carries the access policy (checked by the auth plugin, and read by the cross-tenant
 * test), the request and response schemas (validation, serialisation and OpenAPI), and a handler that
 * calls one service.
 */
import type { FastifyReply } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Ctx, Role } from '../services/context.ts';

/** Who may call a route. Object-level rules (which site, which user) are the services' job. */
export type Policy =
  | { public: true }
  | {
      roles: Role[];
      /**
       * For the cross-tenant test: the path object a plain user may only reach when it is their own
       * (e.g. their own number); the test expects a user acting on another user's object to be refused.
       */
      selfOnly?: boolean;
    };

export interface RouteSchema {
  summary: string;
  description?: string;
  tags: string[];
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  headers?: TSchema;
  response: Record<number, TSchema>;
}

type In<S extends TSchema | undefined> = S extends TSchema ? Static<S> : undefined;

export interface HandlerInput<S extends RouteSchema> {
  params: In<S['params']>;
  query: In<S['querystring']>;
  body: In<S['body']>;
  ctx: Ctx;
  reply: FastifyReply;
  headers: Record<string, string | string[] | undefined>;
}

type SuccessStatus<S extends RouteSchema> = Extract<keyof S['response'], number>;
type Out<S extends RouteSchema> = S['response'][SuccessStatus<S>] extends TSchema ? Static<S['response'][SuccessStatus<S>]> : never;

export interface RouteDef<S extends RouteSchema = RouteSchema> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  policy: Policy;
  schema: S;
  /** The status of a successful answer (default: the one 2xx status in the response schemas). */
  status?: number;
  handler: (input: HandlerInput<S>) => Promise<Out<S> | undefined>;
}

export function defineRoute<S extends RouteSchema>(def: RouteDef<S>): RouteDef<S> {
  return def;
}
