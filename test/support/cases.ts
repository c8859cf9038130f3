import {
  newIdNumber,
  png,
  type Account,
  type FileToUpload,
  type Sandbox,
  type Staff,
} from './journey';

// Cases for the back office, made the way users make them: through the user API.

/**
 * An account whose identity the authority does not match, with a manual review filed;
 * `certificates` are small random PNGs unless other images are given.
 */
export async function manualReviewCase(
  sandbox: Sandbox,
  idNumber = newIdNumber('999'),
  certificates: FileToUpload[] = [png(), png()],
): Promise<{ account: Account; caseId: string }> {
  const account = await sandbox.account();
  await account.start();
  expect((await account.submitIdentity(idNumber)).state).toBe('identity_mismatch');
  const response = await account
    .upload('/v1/verification/manual-review', { certificates })
    .expect(202);
  return { account, caseId: response.body.case.id as string };
}

/** An identity held by an authenticated account, and another account that says it is not theirs. */
export async function disputedIdentity(
  sandbox: Sandbox,
): Promise<{ account: Account; holder: Account }> {
  const holder = await sandbox.account();
  const idNumber = newIdNumber();
  await holder.authenticate(idNumber);
  const account = await sandbox.account();
  await account.start();
  expect((await account.submitIdentity(idNumber)).state).toBe('identity_occupied');
  await account.post('/v1/verification/occupancy', { decision: 'not_mine' }).expect(200);
  return { account, holder };
}

/** An identity held by an authenticated account, disputed by another with an appeal. */
export async function appealCase(
  sandbox: Sandbox,
  certificates: FileToUpload[] = [png(), png()],
): Promise<{ account: Account; holder: Account; caseId: string }> {
  const { account, holder } = await disputedIdentity(sandbox);
  const response = await account.upload('/v1/verification/appeal', { certificates }).expect(202);
  return { account, holder, caseId: response.body.case.id as string };
}

/**
 * A manual review rejected by a reviewer, after which the account gave another identity
 * that the authority matched: the case stays about `reviewed`, the account holds `later`.
 */
export async function rejectedThenResubmitted(sandbox: Sandbox): Promise<{
  account: Account;
  caseId: string;
  reviewer: Staff;
  reviewed: string;
  later: string;
}> {
  const reviewed = newIdNumber('999');
  const { account, caseId } = await manualReviewCase(sandbox, reviewed);
  const reviewer = await sandbox.staff(['reviewer']);
  await reviewer.take(caseId);
  await reviewer
    .decide(caseId, { outcome: 'reject', reasonCode: 'certificates_mismatch' })
    .expect(200);
  await account.waitForState('manual_review_rejected');
  const later = newIdNumber();
  expect((await account.submitIdentity(later, '135790', '李四')).state).toBe('identity_verified');
  return { account, caseId, reviewer, reviewed, later };
}
