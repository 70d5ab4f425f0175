import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, flag, id, integer, paging, searchResult } from '../schemas.ts';
import { authenticate } from '../../services/iam/authenticate.ts';
import { createApiKey } from '../../services/iam/create-api-key.ts';
import { createUser } from '../../services/iam/create-user.ts';
import { deleteUser } from '../../services/iam/delete-user.ts';
import { getUser } from '../../services/iam/get-user.ts';
import { refreshToken } from '../../services/iam/refresh-token.ts';
import { revokeApiKey } from '../../services/iam/revoke-api-key.ts';
import { searchApiKeys } from '../../services/iam/search-api-keys.ts';
import { searchUsers } from '../../services/iam/search-users.ts';
import { updateUser } from '../../services/iam/update-user.ts';
import { KEY_LIFETIMES } from '../../services/iam/api-key-format.ts';

const token = z.object({ token: z.string(), expires_at: dateTimeOutput() });
const user = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  resellers_id: z.number().int().nullable().meta({ description: 'the node this user is limited to; null = unlimited' }),
  time_zone: z.string().nullable(),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
});
const apiKey = z.object({
  id: z.number().int(),
  users_id: z.number().int(),
  name: z.string().nullable(),
  display_prefix: z.string(),
  roles: z.array(z.string()),
  access: z.number().int(),
  expires_at: dateTimeOutput().nullable(),
  last_used_at: dateTimeOutput().nullable(),
  revoked_at: dateTimeOutput().nullable(),
  created_at: dateTimeOutput(),
});
const login = z.string().trim().min(1).max(255);
const password = z.string().min(10, 'at least 10 characters').max(1024);
const userFields = {
  name: z.string().max(255).nullable(),
  email: z.email().nullable(),
  resellers_id: id().nullable(),
  time_zone: z.string().nullable(),
};

export const iamMethods = [
  defineMethod({
    name: 'iam.auth.jwt.authenticate',
    summary: 'Exchange a login and password for a JWT (deprecated: prefer API keys)',
    rest: { method: 'POST', path: '/iam/auth/jwt' },
    auth: 'public',
    input: z.object({ login, password: z.string().min(1) }),
    output: token,
    run: (ctx, input) => authenticate(ctx, input),
  }),
  defineMethod({
    name: 'iam.auth.jwt.refresh',
    summary: 'Get a fresh JWT before the current one expires',
    rest: { method: 'POST', path: '/iam/auth/jwt/refresh' },
    auth: 'user',
    input: z.object({}),
    output: token,
    run: (ctx) => refreshToken(ctx),
  }),
  defineMethod({
    name: 'iam.users.create',
    summary: 'Create a user, optionally limited to a node of the hierarchy (resellers_id)',
    rest: { method: 'POST', path: '/iam/users' },
    auth: 'user',
    input: z.object({ login, password: password.optional(), ...userFields }).partial({ name: true, email: true, resellers_id: true, time_zone: true }),
    output: user,
    run: (ctx, input) => createUser(ctx, input),
  }),
  defineMethod({
    name: 'iam.users.get',
    summary: 'Get a user',
    rest: { method: 'GET', path: '/iam/users/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: user,
    run: (ctx, input) => getUser(ctx, input.id),
  }),
  defineMethod({
    name: 'iam.users.search',
    summary: 'Search users in your subtree',
    rest: { method: 'GET', path: '/iam/users' },
    auth: 'user',
    input: z.object({ ...paging, login: z.string().optional(), resellers_id: id().optional() }),
    output: searchResult(user),
    run: (ctx, input) => searchUsers(ctx, input),
  }),
  defineMethod({
    name: 'iam.users.update',
    summary: 'Change a user; returns the number of rows changed',
    rest: { method: 'PATCH', path: '/iam/users/:id' },
    auth: 'user',
    input: z.object({ id: id(), login, password, ...userFields }).partial().required({ id: true }),
    output: z.number().int(),
    run: (ctx, input) => updateUser(ctx, input),
  }),
  defineMethod({
    name: 'iam.users.delete',
    summary: 'Delete a user and revoke its keys; returns the number of rows changed',
    rest: { method: 'DELETE', path: '/iam/users/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => deleteUser(ctx, input.id),
  }),
  defineMethod({
    name: 'iam.api_keys.create',
    summary: 'Create an API key; the key itself is in this answer only',
    rest: { method: 'POST', path: '/iam/api-keys' },
    auth: 'user',
    input: z.object({
      users_id: id().optional(),
      name: z.string().max(255).optional(),
      roles: z.array(z.enum(['BILLING'])).optional(),
      access: integer(1, 2).optional().meta({ description: '1 read, 2 read/write' }),
      expires_at: dateTime().nullable().optional(),
      expires_in: z.enum(Object.keys(KEY_LIFETIMES) as [keyof typeof KEY_LIFETIMES]).optional(),
    }),
    output: apiKey.extend({ key: z.string() }),
    run: (ctx, input) => createApiKey(ctx, input),
  }),
  defineMethod({
    name: 'iam.api_keys.search',
    summary: 'List API keys of the users in your subtree (never the keys themselves)',
    rest: { method: 'GET', path: '/iam/api-keys' },
    auth: 'user',
    input: z.object({ ...paging, users_id: id().optional(), revoked: flag().optional() }),
    output: searchResult(apiKey),
    run: (ctx, input) => searchApiKeys(ctx, input),
  }),
  defineMethod({
    name: 'iam.api_keys.revoke',
    summary: 'Revoke an API key; it fails on its next request. Returns the number of rows changed',
    rest: { method: 'POST', path: '/iam/api-keys/:id/revoke' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => revokeApiKey(ctx, input.id),
  }),
];
