// A template's way to say why it renders nothing ({{notApplicable "reason"}}), so explain and an
// Event tell the admin what is missing instead of a bare "not applicable".
export class NotApplicable extends Error {
  override name = 'NotApplicable';
}
