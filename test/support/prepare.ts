import { prepareTemplate } from './db.ts';
await prepareTemplate();
