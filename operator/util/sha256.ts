import { createHash } from 'node:crypto';

/** The hex SHA-256 of a text (what precompiled templates and catalog are matched by). */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
