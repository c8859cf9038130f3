export const CASE_DECIDER = Symbol('CaseDecider');
export const CASE_POLICY = Symbol('CasePolicy');
