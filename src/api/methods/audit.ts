import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, id, paging, searchResult } from '../schemas.ts';
import { searchAudit } from '../../services/audit/search-audit.ts';

const entry = z.object({
  id: z.number().int(),
  at: dateTimeOutput(),
  users_id: z.number().int().nullable(),
  api_keys_id: z.number().int().nullable(),
  face: z.string(),
  method: z.string(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const auditMethods = [
  defineMethod({
    name: 'audit.search',
    summary: 'Who changed what, when and through which face, in your subtree; newest first',
    rest: { method: 'GET', path: '/audit' },
    auth: 'user',
    input: z.object({
      ...paging,
      entity: z.string().optional(),
      entity_id: z.string().optional(),
      users_id: id().optional(),
      action: z.string().optional(),
      face: z.string().optional(),
      from: dateTime().optional(),
      to: dateTime().optional(),
    }),
    output: searchResult(entry),
    run: (ctx, input) => searchAudit(ctx, input),
  }),
];
