// Ignore-fields: the fields the user owns take their live values (or stay out).
import { InvalidIgnoreFieldsError, maskIgnoredFields, parseIgnoreFields } from '../patch/ignore-fields.js';
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import type { Step } from './builder.js';
import type { Effective } from './run.js';

export function ignoreFieldsStep(): Step<Effective, Effective> {
  return async (run, next) => {
    const text = annotationsOf(run.live)[ANNOTATIONS.ignoreFields];
    if (text === undefined || text.trim() === '') return next(run);
    let desired: KubeObject;
    try {
      desired = maskIgnoredFields(run.desired, run.live, parseIgnoreFields(text));
    } catch (e) {
      if (!(e instanceof InvalidIgnoreFieldsError)) throw e;
      return {
        status: 'refused',
        reason: 'InvalidIgnoreFields',
        message: `${ANNOTATIONS.ignoreFields} refused, nothing written until it is fixed: ${e.message}`,
      };
    }
    return next({ ...run, desired, customizations: [...run.customizations, 'ignore-fields'] });
  };
}
