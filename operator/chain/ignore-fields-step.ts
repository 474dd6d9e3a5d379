// Step 4: mask the fields the user owns (ignore-fields) with their live values.
import { ANNOTATIONS, annotationsOf } from '../vocabulary/annotations.js';
import { InvalidIgnoreFieldsError, maskIgnoredFields, parseIgnoreFields } from '../patch/ignore-fields.js';
import type { Step } from './types.js';

export function ignoreFieldsStep(): Step {
  return async (run, next) => {
    const text = annotationsOf(run.live)[ANNOTATIONS.ignoreFields];
    if (text === undefined || text.trim() === '') return next();
    try {
      run.desired = maskIgnoredFields(run.desired!, run.live, parseIgnoreFields(text));
    } catch (e) {
      if (!(e instanceof InvalidIgnoreFieldsError)) throw e;
      return { status: 'refused', reason: 'InvalidIgnoreFields', message: `${ANNOTATIONS.ignoreFields} refused, nothing written until it is fixed: ${e.message}` };
    }
    run.customizations.add('ignore-fields');
    return next();
  };
}
