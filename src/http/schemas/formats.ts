/** String formats the TypeBox validator checks (it knows none by default). */
import { FormatRegistry } from '@sinclair/typebox';
import { isUuid } from '../../domain/ids.ts';

if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
